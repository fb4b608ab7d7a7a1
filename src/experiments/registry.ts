/** Every experiment the lecture shows, by id: the CLI, the tests and the slides look them up here. */
import type { OptimizerName } from '../core/optimizers'
import type { Experiment, ExperimentResult, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createOptimizer, isOptimizerName } from '../core/optimizers'
import { adamwEquilibriumAngle, adamwEquilibriumNorm, hyperballAngle, hyperballMatchingEta, sgdEquilibriumAngle, sgdEquilibriumAngleApprox, sgdEquilibriumNorm, timeToEquilibrium } from '../core/theory'
import { modernExperiments } from './modern'
import { regressionExperiments } from './regression'
import { createRidgeTrainer, makeRidgeData, ridgeGdDefaults, ridgeObjective, ridgeSolution } from './ridge-gd'
import { runScaleInvariant } from './scale-invariant'
import { defineExperiment } from './types'
import { viewExperiments } from './views'

const backend = () => tf.getBackend()

const ridgeGd = defineExperiment({
  id: 'ridge-gd',
  description: 'Full-batch gradient descent on a small ridge regression, lambda = 0 beside a chosen lambda; theory: the closed-form minimum',
  defaults: { lambda: 0.5, eta: ridgeGdDefaults.eta, steps: ridgeGdDefaults.steps, seed: ridgeGdDefaults.seed, every: 10 },
  async run(config): Promise<ExperimentResult> {
    const lambdas = [0, config.lambda]
    const full = { ...ridgeGdDefaults, lambdas, eta: config.eta, seed: config.seed }
    const data = makeRidgeData(full)
    const trainer = createRidgeTrainer(data, full)
    const series: Series[] = lambdas.map(() => [])
    try {
      for (let t = 0; t <= config.steps; t += config.every) {
        if (t > 0)
          trainer.step(config.every)
        const m = await trainer.metrics()
        lambdas.forEach((_, i) => series[i].push([m.step, m.objective[i]]))
      }
    }
    finally {
      trainer.dispose()
    }
    const minima = lambdas.map(l => ridgeObjective(data, ridgeSolution(data, l), l))
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
      theory: Object.fromEntries(lambdas.map((l, i) => [`minimum objective, lambda = ${l}`, minima[i]])),
    }
  },
})

function equilibriumRun(label: string, result: ReturnType<typeof runScaleInvariant>): RunResult {
  return {
    label,
    series: { 'norm': result.norm, 'angular update (rad)': result.angle, 'effective learning rate': result.effectiveLearningRate },
    final: { 'angular update (rad)': result.finalAngle, 'norm': result.finalNorm },
    diverged: !Number.isFinite(result.finalNorm),
  }
}

const sgdEquilibrium = defineExperiment({
  id: 'equilibrium-sgd',
  description: 'SGD with weight decay on a scale-invariant weight: the angular update settles at arccos(1 - eta lambda)',
  defaults: { eta: 0.1, lambda: 5e-4, d: 2000, steps: 6000, tail: 2000, every: 100, seed: 11 },
  async run(config) {
    const gradSq = config.d - 1
    const equilibriumNorm = sgdEquilibriumNorm(config.eta, config.lambda, gradSq)
    const result = runScaleInvariant({
      optimizer: { name: 'sgd' },
      run: { eta: config.eta, lambda: config.lambda },
      d: config.d,
      steps: config.steps,
      tail: config.tail,
      every: config.every,
      initialNorm: equilibriumNorm,
      seed: config.seed,
    })
    return {
      id: 'equilibrium-sgd',
      config,
      backend: backend(),
      runs: [equilibriumRun('SGD', result)],
      theory: {
        'angular update (rad)': sgdEquilibriumAngle(config.eta, config.lambda),
        'angular update, sqrt(2 eta lambda)': sgdEquilibriumAngleApprox(config.eta, config.lambda),
        'norm': equilibriumNorm,
      },
    }
  },
})

const adamwEquilibrium = defineExperiment({
  id: 'equilibrium-adamw',
  description: 'AdamW on a scale-invariant weight: norm -> sqrt(eta d / (2 lambda)), angle -> sqrt(2 eta lambda (1-b1)/(1+b1))',
  defaults: { eta: 1e-3, lambda: 0.1, beta1: 0.9, d: 2000, steps: 40_000, tail: 5000, every: 500, initialNorm: 1, seed: 11 },
  async run(config) {
    const result = runScaleInvariant({
      optimizer: { name: 'adamw', beta1: config.beta1 },
      run: { eta: config.eta, lambda: config.lambda },
      d: config.d,
      steps: config.steps,
      tail: config.tail,
      every: config.every,
      initialNorm: config.initialNorm,
      seed: config.seed,
    })
    const { eta, lambda, beta1, d } = config
    return {
      id: 'equilibrium-adamw',
      config,
      backend: backend(),
      runs: [equilibriumRun('AdamW', result)],
      theory: {
        'angular update (rad)': adamwEquilibriumAngle(eta, lambda, beta1),
        'norm': adamwEquilibriumNorm(eta, lambda, d),
        'steps to equilibrium, 1/(eta lambda)': timeToEquilibrium(eta, lambda),
      },
    }
  },
})

const hyperball = defineExperiment({
  id: 'hyperball',
  description: 'Hyperball (AdamH) against AdamW on a scale-invariant weight: fixed norm, angle set by its step size',
  defaults: { eta: 1e-3, lambda: 0.1, beta1: 0.9, d: 2000, steps: 20_000, tail: 2000, every: 500, seed: 11 },
  async run(config) {
    const { eta, lambda, beta1, d } = config
    const matchingEta = hyperballMatchingEta(eta, lambda, beta1)
    const equilibriumNorm = adamwEquilibriumNorm(eta, lambda, d)
    const common = { d, steps: config.steps, tail: config.tail, every: config.every, seed: config.seed, initialNorm: equilibriumNorm }
    const adamw = runScaleInvariant({ ...common, optimizer: { name: 'adamw', beta1 }, run: { eta, lambda } })
    const adamh = runScaleInvariant({ ...common, optimizer: { name: 'hyperball', beta1 }, run: { eta: matchingEta } })
    return {
      id: 'hyperball',
      config,
      backend: backend(),
      runs: [equilibriumRun('AdamW', adamw), equilibriumRun('Hyperball (AdamH), eta_H matched', adamh)],
      theory: {
        'AdamW angular update (rad)': matchingEta,
        'AdamW norm': equilibriumNorm,
        'Hyperball norm R': equilibriumNorm,
        'Hyperball angle for orthogonal updates, arctan(eta_H)': hyperballAngle(matchingEta),
      },
    }
  },
})

const decayStep = defineExperiment({
  id: 'decay-step',
  description: 'One optimizer with an L2 penalty against the same with decoupled decay, from one seed: identical for SGD, not for Adam',
  defaults: { optimizer: 'sgd', eta: 0.05, lambda: 0.5, steps: 200, every: 10, seed: 1 },
  async run(config) {
    const coupledName = config.optimizer
    if (!isOptimizerName(coupledName) || !['sgd', 'adam-l2'].includes(coupledName))
      throw new Error(`optimizer: expected sgd or adam-l2, got '${coupledName}'`)
    const decoupledName: OptimizerName = coupledName === 'sgd' ? 'sgdw' : 'adamw'
    const data = makeRidgeData({ ...ridgeGdDefaults, seed: config.seed })
    const { n, d } = data
    const x = tf.tensor2d(Float32Array.from(data.x), [n, d])
    const y = tf.tensor2d(Float32Array.from(data.y), [n, 1])
    const runs: RunResult[] = []
    const finals: number[][] = []
    for (const name of [coupledName, decoupledName] as OptimizerName[]) {
      const w = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(data.w0), [d, 1])))
      const optimizer = createOptimizer({ name }, [{ eta: config.eta, lambda: config.lambda }], { size: d }, w)
      const objective: Series = []
      for (let t = 0; t <= config.steps; t++) {
        if (t % config.every === 0) {
          const wNow = await w.data()
          objective.push([t, ridgeObjective(data, wNow, config.lambda)])
        }
        if (t < config.steps) {
          const g = tf.tidy(() => tf.div(tf.matMul(tf.transpose(x), tf.sub(tf.matMul(x, w), y)), n))
          optimizer.apply(w, g)
          g.dispose()
        }
      }
      finals.push(Array.from(await w.data()))
      optimizer.dispose()
      w.dispose()
      runs.push({ label: name, series: { objective }, final: { objective: objective.at(-1)![1] }, diverged: !Number.isFinite(objective.at(-1)![1]) })
    }
    tf.dispose([x, y])
    const gap = Math.hypot(...finals[0].map((v, i) => v - finals[1][i])) / Math.hypot(...finals[1])
    runs[1].final['relative distance between the two final weight vectors'] = gap
    return {
      id: 'decay-step',
      config,
      backend: backend(),
      runs,
      theory: { 'ridge minimum objective': ridgeObjective(data, ridgeSolution(data, config.lambda), config.lambda) },
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
