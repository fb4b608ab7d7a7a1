// Transitional: moves here from ./regression.ts
export { lambdaSweepExperiment as lambdaSweepExperiment } from './regression'
