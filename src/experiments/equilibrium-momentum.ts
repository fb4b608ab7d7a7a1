/**
 * 'equilibrium-momentum': rotational equilibrium of heavy-ball momentum with L2 in the gradient on a scale-invariant
 * weight (science.md section 5). It takes equilibrium-sgd's and equilibrium-adamw's parameters, under the same names,
 * plus mu: the equilibrium slide switches between the three with the same sliders.
 */
import { momentumEquilibriumAngle, momentumEquilibriumNorm, sgdEquilibriumAngleApprox, timeToEquilibrium } from '../core/theory'
import { defineExperiment } from './declare'
import { equilibriumMetrics, equilibriumParams, equilibriumScheduleParam, requireEquilibriumSchedule, runEquilibrium, sgdSchedule } from './scale-invariant'

const { eta, lambda, ...schedule } = equilibriumParams({
  eta: { default: 0.01, min: 1e-3, max: 0.1, meaning: 'learning rate of heavy-ball SGD' },
  lambda: { default: 5e-4, min: 5e-5, max: 5e-3, meaning: 'weight decay, as L2 in the gradient' },
  // The slide's run is 40 000 steps, two times the relaxation time at its defaults.
  ...sgdSchedule,
})

export const equilibriumMomentumExperiment = defineExperiment({
  id: 'equilibrium-momentum',
  description: 'Heavy-ball SGD (L2 in the gradient) on a scale-invariant weight: angle -> sqrt(2 eta lambda/(1+mu)), norm -> (eta L/(2 lambda (1-mu)))^(1/4)',
  purpose: 'The same equilibrium with heavy-ball momentum: the angle per step settles at sqrt(2ηλ/(1+μ)). Try: other η and λ.',
  params: {
    eta,
    lambda,
    mu: { kind: 'number', default: 0.9, min: 0, max: 0.99, label: 'μ', meaning: 'momentum coefficient of the heavy ball' },
    ...schedule,
    schedule: equilibriumScheduleParam,
  },
  outputs: {
    metrics: equilibriumMetrics,
    theory: {
      angle: { label: 'equilibrium angular update √(2ηλ/(1 + μ))', unit: 'rad' },
      norm: { label: 'equilibrium norm (ηL/(2λ(1 − μ)))^(1/4)' },
      angleWithoutMomentum: { label: 'angular update without momentum, √(2ηλ)', unit: 'rad' },
      stepsToEquilibrium: { label: 'steps to equilibrium, (1 − μ)/(ηλ)', unit: 'steps' },
    },
  },
  check(config) {
    requireEquilibriumSchedule(config)
    if (config.steps % config.every !== 0)
      throw new Error(`every: must divide steps = ${config.steps}, got ${config.every}`)
  },
  async run(config, hooks) {
    const { eta, lambda, mu, d } = config
    // L = E||gradient at unit norm||^2 = d - 1 for the projected unit Gaussian.
    const norm = momentumEquilibriumNorm(eta, lambda, mu, d - 1)
    const theory = {
      angle: momentumEquilibriumAngle(eta, lambda, mu),
      norm,
      angleWithoutMomentum: sgdEquilibriumAngleApprox(eta, lambda),
      // Heavy ball moves like SGD with the learning rate eta/(1 - mu) on this slow scale.
      stepsToEquilibrium: (1 - mu) * timeToEquilibrium(eta, lambda),
    }
    // By default started at the equilibrium norm: it relaxes only over ~(1 - mu)/(eta lambda) = 20k steps.
    return runEquilibrium({ id: 'equilibrium-momentum', label: `SGD + momentum ${mu}`, optimizer: { name: 'momentum', momentum: mu }, config, equilibriumNorm: norm, equilibriumNormAt: eta => momentumEquilibriumNorm(eta, lambda, mu, d - 1), theory, hooks })
  },
})
