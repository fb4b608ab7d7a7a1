/** AdamW on a scale-invariant weight in equilibrium (science.md sections 5 and 7). */
import { adamwEquilibriumAngle, adamwEquilibriumNorm, timeToEquilibrium } from '../core/theory'
import { defineExperiment } from './declare'
import { equilibriumMetrics, equilibriumParams, equilibriumScheduleParam, requireEquilibriumSchedule, runEquilibrium } from './scale-invariant'

const { eta, lambda, ...schedule } = equilibriumParams({
  eta: { default: 1e-3, min: 1e-4, max: 1e-2, meaning: 'learning rate of AdamW' },
  lambda: { default: 0.1, min: 0.01, max: 1, meaning: 'decoupled weight decay: each step multiplies w by 1 − ηλ' },
  d: 2000,
  steps: 40_000,
  maxSteps: 40_000,
  tail: 5000,
  every: 500,
  initialNormRatio: 0.3,
  seed: 11,
})

/** AdamW relaxes as (1 - eta lambda)^(2t) in norm^2; at a fixed ratio the path depends on eta lambda only (eta -> c eta, lambda -> lambda/c). */
export const equilibriumAdamwExperiment = defineExperiment({
  id: 'equilibrium-adamw',
  description: 'AdamW on a scale-invariant weight: norm -> sqrt(eta d / (2 lambda)), angle -> sqrt(2 eta lambda (1-b1)/(1+b1))',
  purpose: 'The same equilibrium under AdamW: the norm and the angle per step settle at values set by η and λ. Try: other η and λ.',
  params: {
    eta,
    lambda,
    beta1: { kind: 'number', default: 0.9, min: 0, max: 0.99, label: 'β₁', meaning: 'Adam\'s first-moment (momentum) coefficient' },
    ...schedule,
    schedule: equilibriumScheduleParam,
  },
  outputs: {
    metrics: equilibriumMetrics,
    theory: {
      angle: { label: 'equilibrium angular update √(2ηλ(1−β₁)/(1+β₁))', unit: 'rad' },
      norm: { label: 'equilibrium norm √(ηd/(2λ))' },
      stepsToEquilibrium: { label: 'steps to equilibrium, 1/(ηλ)', unit: 'steps' },
    },
  },
  check: requireEquilibriumSchedule,
  async run(config, hooks) {
    const { eta, lambda, beta1, d } = config
    const equilibriumNorm = adamwEquilibriumNorm(eta, lambda, d)
    const theory = {
      angle: adamwEquilibriumAngle(eta, lambda, beta1),
      norm: equilibriumNorm,
      stepsToEquilibrium: timeToEquilibrium(eta, lambda),
    }
    return runEquilibrium({ id: 'equilibrium-adamw', label: 'AdamW', optimizer: { name: 'adamw', beta1 }, config, equilibriumNorm, equilibriumNormAt: eta => adamwEquilibriumNorm(eta, lambda, d), theory, hooks })
  },
})
