// Transitional: moves here from ./views.ts
export { landscapeMomentum as landscapeMomentumExperiment } from './views'
