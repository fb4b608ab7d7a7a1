// Transitional: moves here from ./equilibrium.ts
export { adamwEquilibrium as equilibriumAdamwExperiment } from './equilibrium'
