import { defineConfig } from 'vitest/config'

// Browser and PDF tests against the built deck; run by scripts/test.mjs after `slidev build` / `slidev export`.
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    fileParallelism: false,
  },
})
