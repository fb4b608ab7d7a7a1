import { defineConfig } from 'vite'

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
