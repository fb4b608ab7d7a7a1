/** SGD with weight decay on a scale-invariant weight in equilibrium (science.md sections 5 and 7). */
import { sgdEquilibriumAngle, sgdEquilibriumAngleApprox, sgdEquilibriumNorm, timeToEquilibrium } from '../core/theory'
import { defineExperiment } from './declare'
import { equilibriumMetrics, equilibriumParams, equilibriumScheduleParam, requireEquilibriumSchedule, runEquilibrium, sgdSchedule } from './scale-invariant'

/**
 * `initialNormRatio` starts the weight at that multiple of the predicted equilibrium norm (1: already there, which
 * the tests use to measure the equilibrium without waiting ~1/(eta lambda) steps). At a fixed ratio the direction's
 * path depends on eta lambda only (w -> c w, eta -> c^2 eta, lambda -> lambda/c^2 is a symmetry of SGD here).
 */
export const equilibriumSgdExperiment = defineExperiment({
  id: 'equilibrium-sgd',
  description: 'SGD with weight decay on a scale-invariant weight: the angular update settles at arccos(1 - eta lambda)',
  purpose: 'A weight whose scale does not matter: with decay, its norm and its angle per step settle at values set by η and λ, from any start. Try: other η and λ, a schedule, another optimizer.',
  params: {
    ...equilibriumParams({
      eta: { default: 0.1, min: 0.01, max: 1, meaning: 'learning rate of SGD' },
      lambda: { default: 5e-4, min: 5e-5, max: 5e-3, meaning: 'weight decay: each step multiplies w by 1 − ηλ' },
      // The slide's run is 40 000 steps, two times the relaxation time at its defaults.
      ...sgdSchedule,
    }),
    schedule: equilibriumScheduleParam,
  },
  outputs: {
    metrics: equilibriumMetrics,
    theory: {
      angle: { label: 'equilibrium angular update arccos(1 − ηλ)', unit: 'rad' },
      angleApprox: { label: 'angular update, √(2ηλ)', unit: 'rad' },
      norm: { label: 'equilibrium norm ‖w‖' },
      stepsToEquilibrium: { label: 'steps to equilibrium, 1/(ηλ)', unit: 'steps' },
    },
  },
  check: requireEquilibriumSchedule,
  async run(config, hooks) {
    const { eta, lambda, d } = config
    const equilibriumNorm = sgdEquilibriumNorm(eta, lambda, d - 1)
    const theory = {
      angle: sgdEquilibriumAngle(eta, lambda),
      angleApprox: sgdEquilibriumAngleApprox(eta, lambda),
      norm: equilibriumNorm,
      stepsToEquilibrium: timeToEquilibrium(eta, lambda),
    }
    return runEquilibrium({ id: 'equilibrium-sgd', label: 'SGD', optimizer: { name: 'sgd' }, config, equilibriumNorm, equilibriumNormAt: eta => sgdEquilibriumNorm(eta, lambda, d - 1), theory, hooks })
  },
})
