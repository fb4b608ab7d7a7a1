/**
 * 'ridge-gd': full-batch gradient descent on a small ridge regression, lambda = 0 beside a chosen lambda, each
 * against its closed-form minimum (science.md section 2). The smallest complete example of a declaration.
 */
import type { Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createRidgeTrainer, makeRidgeData, ridgeGdDefaults, ridgeObjective, ridgeSolution } from '../core/ridge'
import { defineExperiment, seedParam } from './declare'

export const ridgeGdExperiment = defineExperiment({
  id: 'ridge-gd',
  description: 'Full-batch gradient descent on a small ridge regression, lambda = 0 beside a chosen lambda; theory: the closed-form minimum',
  purpose: 'Gradient descent on a penalised loss ends at the ridge solution, closer to zero than the least-squares one. Try: a larger λ.',
  params: {
    lambda: { kind: 'number', default: 0.5, min: 0, max: 2, step: 0.05, label: 'λ of the second run', meaning: 'weight of the penalty (λ/2)‖w‖² of the second run (the first has λ = 0)' },
    // 2/(h_max + λ) is about 0.5 on these data: the range goes on to 5 so that divergence can be shown (the slide reports it).
    eta: { kind: 'number', default: ridgeGdDefaults.eta, min: 0.001, max: 5, scale: 'log', label: 'η', meaning: 'learning rate of gradient descent' },
    steps: { kind: 'integer', default: ridgeGdDefaults.steps, min: 1, max: 20_000, label: 'steps', meaning: 'gradient steps of the run', cost: 'max' },
    every: { kind: 'integer', default: 10, min: 1, max: 1000, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points', cost: 'min' },
    seed: seedParam(ridgeGdDefaults.seed),
  },
  outputs: {
    metrics: { objective: { label: 'objective J(w) = 1/(2n)‖Xw − y‖² + (λ/2)‖w‖²' } },
    theory: {
      minimumNoDecay: { label: 'closed-form minimum of the objective, λ = 0' },
      minimum: { label: 'closed-form minimum of the objective at the chosen λ' },
    },
  },
  async run(config, hooks) {
    const lambdas = [0, config.lambda]
    const full = { ...ridgeGdDefaults, lambdas, eta: config.eta, seed: config.seed }
    const data = makeRidgeData(full)
    const [minimumNoDecay, minimum] = lambdas.map(l => ridgeObjective(data, ridgeSolution(data, l), l))
    const theory = { minimumNoDecay, minimum }
    const trainer = createRidgeTrainer(data, full)
    const series: Series[] = lambdas.map(() => [])
    const runs = () => lambdas.map((l, i) => ({ label: `lambda = ${l}`, series: { objective: series[i] } }))
    try {
      for (let t = 0; t <= config.steps; t += config.every) {
        if (t > 0)
          trainer.step(Math.min(config.every, config.steps - trainer.stepsTaken))
        const m = await trainer.metrics()
        lambdas.forEach((_, i) => series[i].push([m.step, m.objective[i]]))
        await hooks?.checkpoint?.(() => ({ done: m.step, total: config.steps, runs: runs(), theory }))
      }
    }
    finally {
      trainer.dispose()
    }
    return {
      id: 'ridge-gd',
      config,
      backend: tf.getBackend(),
      runs: runs().map(r => ({
        ...r,
        final: { objective: r.series.objective.at(-1)![1] },
        diverged: !Number.isFinite(r.series.objective.at(-1)![1]),
      })),
      theory,
    }
  },
})
