/**
 * The public API of the training core (`import { ... } from 'slidev-addon-weight-decay'`): what a deck needs to
 * declare and run an experiment of its own. Everything else under src/ is internal; package.json's `exports` map
 * keeps deep imports out, so the lecture may change it freely. test/unit/public-api.test.ts lists every name.
 */

// The tfjs backend: a slide's demo starts it itself; a script or test in Node calls `initBackend()` first (cpu).
// `getBackend()` names the active one, for a result's `backend`.
export { initBackend } from './core/backend'
// Seeded data.
export { circles, classification2d, d2lRegression, spiral, standardize } from './core/datasets'
export type { Classification2dKind, ClassificationSet, RegressionSet, Split } from './core/datasets'

export { ensureGradients } from './core/gradients'
export { linearRegression, logisticRegression, mlp, reluUnit, softmaxRegression } from './core/models'
export type { Batch, BatchedModel, MlpOptions, ParamSpec as ModelParamSpec, Task } from './core/models'
export { optimizerNames } from './core/optimizers'
export type { OptimizerName, OptimizerSettings, RunHyper } from './core/optimizers'
export { createRng, deriveSeed, normalMatrix } from './core/random'
export type { Rng } from './core/random'
export { createSchedule, scheduleNames } from './core/schedules'
export type { LearningRateSchedule, ScheduleName, ScheduleSpec } from './core/schedules'

// Training: B runs of one model advanced together, with seeded minibatches and metrics read back in one transfer.
export { createTrainer } from './core/trainer'
export type { BatchedTrainer, ExampleSet, TrainerConfig, TrainerMetrics } from './core/trainer'
// Declaring an experiment: its parameters (with bounds), its outputs, its run.
export { defineExperiment, listValues, resolveConfig, seedParam, worstCorner } from './experiments/declare'
export type { BooleanParam, ChoiceParam, ConfigOf, Experiment, ExperimentDeclaration, ListParam, NumberParam, OutputSpec, OutputSpecs, ParamSpec, ParamSpecs } from './experiments/declare'

export type { ExperimentResult, ParamValue, Progress, RunHooks, RunResult, Series } from './experiments/types'
export { getBackend } from '@tensorflow/tfjs-core'
