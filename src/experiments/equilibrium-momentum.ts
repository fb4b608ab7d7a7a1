// Transitional: moves here from ./modern.ts
export { equilibriumMomentum as equilibriumMomentumExperiment } from './modern'
