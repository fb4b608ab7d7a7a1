// Transitional: moves here from ./views.ts
export { classification as classificationExperiment } from './views'
