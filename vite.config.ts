import { defineConfig } from 'vite'

// The lecture's own site (the offline worker, the PDF in the build) is added in setup/vite-plugins.ts, for this deck
// only: a deck that uses the project as an addon gets this file too.
export default defineConfig({
  optimizeDeps: {
    // Pre-bundled up front: otherwise Vite discovers them while `slidev export` runs and reloads the page mid-export.
    include: [
      '@tensorflow/tfjs-core',
      '@tensorflow/tfjs-backend-cpu',
      '@tensorflow/tfjs-backend-webgl',
      '@tensorflow/tfjs-backend-wasm',
      '@tensorflow/tfjs-core/dist/register_all_gradients',
      'd3-scale',
      'd3-shape',
      'd3-contour',
      'd3-array',
    ],
  },
})
