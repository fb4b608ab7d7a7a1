// Transitional: moves here from ./regression.ts
export { regularizationPathsExperiment as regularizationPathsExperiment } from './regression'
