// Transitional: moves here from ./modern.ts
export { effectiveLr as effectiveLrExperiment } from './modern'
