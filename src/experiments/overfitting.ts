// Transitional: moves here from ./regression.ts
export { overfittingExperiment as overfittingExperiment } from './regression'
