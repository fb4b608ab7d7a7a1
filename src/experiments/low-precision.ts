// Transitional: moves here from ./modern.ts
export { lowPrecision as lowPrecisionExperiment } from './modern'
