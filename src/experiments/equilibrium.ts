/** Scale-invariant weights in equilibrium (science.md sections 5 and 7): SGD, AdamW, and Hyperball against AdamW. */
import type { RunResult } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { adamwEquilibriumAngle, adamwEquilibriumNorm, hyperballAngle, hyperballMatchingEta, sgdEquilibriumAngle, sgdEquilibriumAngleApprox, sgdEquilibriumNorm, timeToEquilibrium } from '../core/theory'
import { runScaleInvariant } from './scale-invariant'
import { defineExperiment } from './types'

const backend = () => tf.getBackend()

function equilibriumRun(label: string, result: ReturnType<typeof runScaleInvariant>): RunResult {
  return {
    label,
    series: { 'norm': result.norm, 'angular update (rad)': result.angle, 'effective learning rate': result.effectiveLearningRate },
    final: { 'angular update (rad)': result.finalAngle, 'norm': result.finalNorm },
    diverged: !Number.isFinite(result.finalNorm),
  }
}

export const sgdEquilibrium = defineExperiment({
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

export const adamwEquilibrium = defineExperiment({
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

export const hyperball = defineExperiment({
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
