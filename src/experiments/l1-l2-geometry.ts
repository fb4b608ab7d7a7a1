// Transitional: moves here from ./regression.ts
export { l1L2GeometryExperiment as l1L2GeometryExperiment } from './regression'
