import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'

// Unit tests: the training core in Node on the tfjs cpu backend, components in happy-dom.
export default defineConfig({
  plugins: [vue()],
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 60_000,
  },
})
