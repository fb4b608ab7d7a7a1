/** Hyperball (AdamH) against AdamW on a scale-invariant weight (science.md section 7). */
import * as tf from '@tensorflow/tfjs-core'
import { adamwEquilibriumAngle, adamwEquilibriumNorm, hyperballAngle, hyperballMatchingEta, timeToEquilibrium } from '../core/theory'
import { defineExperiment } from './declare'
import { equilibriumParams, requireEquilibriumSchedule, runScaleInvariantSideBySide, scaleInvariantCheckpoint, scaleInvariantMetrics, scaleInvariantRunResult } from './scale-invariant'

const { eta, lambda, ...schedule } = equilibriumParams({
  eta: { default: 1e-3, min: 1e-4, max: 1e-2, meaning: 'learning rate of AdamW' },
  lambda: { default: 0.1, min: 0.02, max: 0.5, label: 'AdamW λ', meaning: 'decoupled weight decay of AdamW (Hyperball has none)' },
  d: 2000,
  steps: 20_000,
  // The slide's run: 30 000 steps, three times 1/(eta lambda) at its defaults (two weights per step).
  maxSteps: 30_000,
  // Two weights measure their angle each tail step: the slide's 3000 is enough, and 10 000 would add a fifth.
  maxTail: 3000,
  tail: 2000,
  every: 500,
  initialNormRatio: 1,
  seed: 11,
})

/**
 * AdamW and AdamH from the same start with the same noise, a step of each in turn. Hyperball keeps the norm R it
 * starts with; its step eta_H is `etaHScale` times the one whose angle arctan(eta_H) matches AdamW's equilibrium
 * (a ratio, not eta_H itself, so that the default stays matched whatever eta and lambda are).
 */
export const hyperballExperiment = defineExperiment({
  id: 'hyperball',
  description: 'Hyperball (AdamH) against AdamW on a scale-invariant weight: fixed norm, angle set by its step size',
  purpose: 'Hyperball fixes each weight\'s norm instead of decaying it: the angle per step is set by its step size, with no λ to tune. Compare it with AdamW; try other step sizes.',
  params: {
    eta,
    lambda,
    beta1: { kind: 'number', default: 0.9, min: 0, max: 0.99, label: 'β₁', meaning: 'first-moment coefficient of AdamW and of AdamH' },
    etaHScale: { kind: 'number', default: 1, min: 0.1, max: 10, scale: 'log', step: 100, label: 'η_H / matched η_H', meaning: 'Hyperball\'s step as a multiple of the one that matches AdamW\'s equilibrium angle' },
    ...schedule,
  },
  outputs: {
    metrics: scaleInvariantMetrics,
    theory: {
      adamwAngle: { label: 'AdamW equilibrium angular update √(2ηλ(1−β₁)/(1+β₁))', unit: 'rad' },
      adamwNorm: { label: 'AdamW equilibrium norm √(ηd/(2λ))' },
      radius: { label: 'Hyperball norm R (its start)' },
      hyperballAngle: { label: 'Hyperball angle for orthogonal updates, arctan(η_H)', unit: 'rad' },
      etaH: { label: 'Hyperball step η_H' },
      stepsToEquilibrium: { label: 'AdamW steps to equilibrium, 1/(ηλ)', unit: 'steps' },
    },
  },
  check: requireEquilibriumSchedule,
  async run(config, hooks) {
    const { eta, lambda, beta1, d } = config
    const matchingEta = hyperballMatchingEta(eta, lambda, beta1)
    const etaH = config.etaHScale * matchingEta
    const equilibriumNorm = adamwEquilibriumNorm(eta, lambda, d)
    const radius = config.initialNormRatio * equilibriumNorm
    const theory = {
      adamwAngle: adamwEquilibriumAngle(eta, lambda, beta1),
      adamwNorm: equilibriumNorm,
      radius,
      hyperballAngle: hyperballAngle(etaH),
      etaH,
      stepsToEquilibrium: timeToEquilibrium(eta, lambda),
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
      backend: tf.getBackend(),
      runs: [scaleInvariantRunResult(labels[0], adamw), scaleInvariantRunResult(labels[1], adamh)],
      theory,
    }
  },
})
