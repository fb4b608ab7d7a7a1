// Transitional: moves here from ./views.ts
export { adamVsAdamw as adamVsAdamwExperiment } from './views'
