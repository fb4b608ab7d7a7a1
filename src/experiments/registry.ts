/** Every experiment the lecture shows, by id: the CLI, the tests and the slides look them up here. */
import type { Experiment, ExperimentResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createRidgeTrainer, makeRidgeData, ridgeGdDefaults, ridgeObjective, ridgeSolution } from '../core/ridge'
import { decayStep } from './decay-step'
import { adamwEquilibrium, hyperball, sgdEquilibrium } from './equilibrium'
import { modernExperiments } from './modern'
import { regressionExperiments } from './regression'
import { defineExperiment } from './types'
import { requireInteger, requireNonNegative, requirePositive } from './validate'
import { viewExperiments } from './views'

const backend = () => tf.getBackend()

const ridgeGd = defineExperiment({
  id: 'ridge-gd',
  description: 'Full-batch gradient descent on a small ridge regression, lambda = 0 beside a chosen lambda; theory: the closed-form minimum',
  defaults: { lambda: 0.5, eta: ridgeGdDefaults.eta, steps: ridgeGdDefaults.steps, seed: ridgeGdDefaults.seed, every: 10 },
  async run(config, hooks): Promise<ExperimentResult> {
    requireNonNegative('lambda', config.lambda)
    requirePositive('eta', config.eta)
    requireInteger('steps', config.steps, 1)
    requireInteger('every', config.every, 1)
    requireInteger('seed', config.seed, 0)
    const lambdas = [0, config.lambda]
    const full = { ...ridgeGdDefaults, lambdas, eta: config.eta, seed: config.seed }
    const data = makeRidgeData(full)
    const minima = lambdas.map(l => ridgeObjective(data, ridgeSolution(data, l), l))
    const theory = Object.fromEntries(lambdas.map((l, i) => [`minimum objective, lambda = ${l}`, minima[i]]))
    const trainer = createRidgeTrainer(data, full)
    const series: Series[] = lambdas.map(() => [])
    try {
      for (let t = 0; t <= config.steps; t += config.every) {
        if (t > 0)
          trainer.step(Math.min(config.every, config.steps - trainer.stepsTaken))
        const m = await trainer.metrics()
        lambdas.forEach((_, i) => series[i].push([m.step, m.objective[i]]))
        await hooks?.checkpoint?.(() => ({
          done: m.step,
          total: config.steps,
          runs: lambdas.map((l, i) => ({ label: `lambda = ${l}`, series: { objective: series[i] } })),
          theory,
        }))
      }
    }
    finally {
      trainer.dispose()
    }
    return {
      id: 'ridge-gd',
      config,
      backend: backend(),
      runs: lambdas.map((lambda, i) => ({
        label: `lambda = ${lambda}`,
        series: { objective: series[i] },
        final: { objective: series[i].at(-1)![1] },
        diverged: !Number.isFinite(series[i].at(-1)![1]),
      })),
      theory,
    }
  },
})

export const experiments: Experiment[] = [ridgeGd, ...regressionExperiments, decayStep, ...viewExperiments, sgdEquilibrium, adamwEquilibrium, hyperball, ...modernExperiments]

export function findExperiment(id: string): Experiment {
  const found = experiments.find(e => e.id === id)
  if (!found)
    throw new Error(`unknown experiment '${id}'; run \`npm run experiment -- list\``)
  return found
}
