// Transitional: moves here from ./modern.ts
export { batchSizeNoise as batchSizeNoiseExperiment } from './modern'
