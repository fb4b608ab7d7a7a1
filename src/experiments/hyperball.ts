// Transitional: moves here from ./equilibrium.ts
export { hyperball as hyperballExperiment } from './equilibrium'
