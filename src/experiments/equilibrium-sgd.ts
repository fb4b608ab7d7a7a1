// Transitional: moves here from ./equilibrium.ts
export { sgdEquilibrium as equilibriumSgdExperiment } from './equilibrium'
