/** Scale-invariant weights in equilibrium (science.md sections 5 and 7): SGD, AdamW, and Hyperball against AdamW. */
import * as tf from '@tensorflow/tfjs-core'
import { adamwEquilibriumAngle, adamwEquilibriumNorm, hyperballAngle, hyperballMatchingEta, sgdEquilibriumAngle, sgdEquilibriumAngleApprox, sgdEquilibriumNorm, timeToEquilibrium } from '../core/theory'
import { requireEquilibriumSchedule, runEquilibrium, runScaleInvariantSideBySide, scaleInvariantCheckpoint, scaleInvariantRunResult } from './scale-invariant'
import { defineLegacyExperiment as defineExperiment } from './types'
import { requirePositive, requireUnitInterval } from './validate'

const backend = () => tf.getBackend()

/**
 * `initialNormRatio` starts the weight at that multiple of the predicted equilibrium norm (1: already there, which
 * the tests use to measure the equilibrium without waiting ~1/(eta lambda) steps). At a fixed ratio the direction's
 * path depends on eta lambda only (w -> c w, eta -> c^2 eta, lambda -> lambda/c^2 is a symmetry of SGD here).
 */
export const sgdEquilibrium = defineExperiment({
  id: 'equilibrium-sgd',
  description: 'SGD with weight decay on a scale-invariant weight: the angular update settles at arccos(1 - eta lambda)',
  defaults: { eta: 0.1, lambda: 5e-4, d: 2000, steps: 6000, tail: 2000, every: 100, initialNormRatio: 1, seed: 11 },
  async run(config, hooks) {
    requireEquilibriumSchedule(config)
    const { eta, lambda, d } = config
    const equilibriumNorm = sgdEquilibriumNorm(eta, lambda, d - 1)
    const theory = {
      'angular update (rad)': sgdEquilibriumAngle(eta, lambda),
      'angular update, sqrt(2 eta lambda)': sgdEquilibriumAngleApprox(eta, lambda),
      'norm': equilibriumNorm,
      'steps to equilibrium, 1/(eta lambda)': timeToEquilibrium(eta, lambda),
    }
    return runEquilibrium({ id: 'equilibrium-sgd', label: 'SGD', optimizer: { name: 'sgd' }, config, equilibriumNorm, theory, hooks })
  },
})

/** AdamW relaxes as (1 - eta lambda)^(2t) in norm^2; at a fixed ratio the path depends on eta lambda only (eta -> c eta, lambda -> lambda/c). */
export const adamwEquilibrium = defineExperiment({
  id: 'equilibrium-adamw',
  description: 'AdamW on a scale-invariant weight: norm -> sqrt(eta d / (2 lambda)), angle -> sqrt(2 eta lambda (1-b1)/(1+b1))',
  defaults: { eta: 1e-3, lambda: 0.1, beta1: 0.9, d: 2000, steps: 40_000, tail: 5000, every: 500, initialNormRatio: 0.3, seed: 11 },
  async run(config, hooks) {
    requireEquilibriumSchedule(config)
    requireUnitInterval('beta1', config.beta1)
    const { eta, lambda, beta1, d } = config
    const equilibriumNorm = adamwEquilibriumNorm(eta, lambda, d)
    const theory = {
      'angular update (rad)': adamwEquilibriumAngle(eta, lambda, beta1),
      'norm': equilibriumNorm,
      'steps to equilibrium, 1/(eta lambda)': timeToEquilibrium(eta, lambda),
    }
    return runEquilibrium({ id: 'equilibrium-adamw', label: 'AdamW', optimizer: { name: 'adamw', beta1 }, config, equilibriumNorm, theory, hooks })
  },
})

/**
 * AdamW and AdamH from the same start with the same noise, a step of each in turn. Hyperball keeps the norm R it
 * starts with; its step eta_H is `etaHScale` times the one whose angle arctan(eta_H) matches AdamW's equilibrium.
 */
export const hyperball = defineExperiment({
  id: 'hyperball',
  description: 'Hyperball (AdamH) against AdamW on a scale-invariant weight: fixed norm, angle set by its step size',
  defaults: { eta: 1e-3, lambda: 0.1, beta1: 0.9, d: 2000, steps: 20_000, tail: 2000, every: 500, initialNormRatio: 1, etaHScale: 1, seed: 11 },
  async run(config, hooks) {
    requireEquilibriumSchedule(config)
    requireUnitInterval('beta1', config.beta1)
    requirePositive('etaHScale', config.etaHScale)
    const { eta, lambda, beta1, d } = config
    const matchingEta = hyperballMatchingEta(eta, lambda, beta1)
    const etaH = config.etaHScale * matchingEta
    const equilibriumNorm = adamwEquilibriumNorm(eta, lambda, d)
    const radius = config.initialNormRatio * equilibriumNorm
    const theory = {
      'AdamW angular update (rad)': adamwEquilibriumAngle(eta, lambda, beta1),
      'AdamW norm': equilibriumNorm,
      'Hyperball norm R': radius,
      'Hyperball angle for orthogonal updates, arctan(eta_H)': hyperballAngle(etaH),
      'Hyperball step eta_H': etaH,
      'steps to equilibrium, 1/(eta lambda)': timeToEquilibrium(eta, lambda),
    }
    const labels = ['AdamW', `Hyperball (AdamH), eta_H = ${Number(etaH.toPrecision(3))}`]
    const common = { d, steps: config.steps, tail: config.tail, every: config.every, seed: config.seed, initialNorm: radius }
    const [adamw, adamh] = await runScaleInvariantSideBySide([
      { ...common, optimizer: { name: 'adamw', beta1 }, run: { eta, lambda } },
      { ...common, optimizer: { name: 'hyperball', beta1 }, run: { eta: etaH } },
    ], scaleInvariantCheckpoint(hooks, labels, config.steps, theory))
    return {
      id: 'hyperball',
      config,
      backend: backend(),
      runs: [scaleInvariantRunResult(labels[0], adamw), scaleInvariantRunResult(labels[1], adamh)],
      theory,
    }
  },
})
