import { resolve } from 'node:path'
import { load } from '@slidev/parser/fs'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import { demoSlides } from './setup/vite-plugins'

// Unit tests: the training core in Node on the tfjs cpu backend, components in happy-dom.
export default defineConfig({
  plugins: [
    vue(),
    // What Slidev's build provides (setup/vite-plugins.ts), from the same slides.
    {
      name: 'demo-slides-for-tests',
      resolveId: id => id === 'virtual:demo-slides' ? '\0virtual:demo-slides' : undefined,
      async load(id) {
        if (id !== '\0virtual:demo-slides')
          return undefined
        const root = resolve('.')
        const data = await load({ roots: [root], userRoot: root }, resolve('slides.md'))
        return `export const demoSlides = ${JSON.stringify(demoSlides({ data, userRoot: root }))}`
      },
    },
  ],
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
