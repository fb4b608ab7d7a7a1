// Transitional: moves here from ./modern.ts
export { reluRescaling as reluRescalingExperiment } from './modern'
