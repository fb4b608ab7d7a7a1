// Transitional: moves here from ./views.ts
export { biasVariance as biasVarianceExperiment } from './views'
