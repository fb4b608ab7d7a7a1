/** Every experiment the lecture shows, by id, one file each (`<id>.ts`): the CLI, the tests and the slides look them up here. */
import type { Experiment } from './declare'
import { adamVsAdamwExperiment } from './adam-vs-adamw'
import { batchSizeNoiseExperiment } from './batch-size-noise'
import { biasVarianceExperiment } from './bias-variance'
import { classificationExperiment } from './classification'
import { decayStepExperiment } from './decay-step'
import { effectiveLrExperiment } from './effective-lr'
import { equilibriumAdamwExperiment } from './equilibrium-adamw'
import { equilibriumMomentumExperiment } from './equilibrium-momentum'
import { equilibriumSgdExperiment } from './equilibrium-sgd'
import { hyperballExperiment } from './hyperball'
import { l1L2GeometryExperiment } from './l1-l2-geometry'
import { lambdaSweepExperiment } from './lambda-sweep'
import { landscapeMomentumExperiment } from './landscape-momentum'
import { lowPrecisionExperiment } from './low-precision'
import { networkLambdaGridExperiment } from './network-lambda-grid'
import { overfittingExperiment } from './overfitting'
import { regularizationPathsExperiment } from './regularization-paths'
import { reluRescalingExperiment } from './relu-rescaling'
import { ridgeGdExperiment } from './ridge-gd'

/** In the lecture's order. */
export const experiments: Experiment[] = [
  ridgeGdExperiment,
  overfittingExperiment,
  lambdaSweepExperiment,
  regularizationPathsExperiment,
  l1L2GeometryExperiment,
  decayStepExperiment,
  biasVarianceExperiment,
  adamVsAdamwExperiment,
  landscapeMomentumExperiment,
  classificationExperiment,
  networkLambdaGridExperiment,
  equilibriumSgdExperiment,
  equilibriumAdamwExperiment,
  hyperballExperiment,
  effectiveLrExperiment,
  equilibriumMomentumExperiment,
  batchSizeNoiseExperiment,
  lowPrecisionExperiment,
  reluRescalingExperiment,
]

export function findExperiment(id: string): Experiment {
  const found = experiments.find(e => e.id === id)
  if (!found)
    throw new Error(`unknown experiment '${id}'; run \`npm run experiment -- list\``)
  return found
}
