/**
 * 'effective-lr': the effective learning rate of a normalised network (science.md section 5). A batch-normalised
 * MLP trained by minibatch SGD without and with decay, the two runs side by side in one batch.
 */
import type { ExampleSet } from '../core/trainer'
import type { Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { circles, spiral } from '../core/datasets'
import { ensureGradients } from '../core/gradients'
import { mlp } from '../core/models'
import { sgdEquilibriumAngle, sgdEquilibriumAngleApprox, timeToEquilibrium } from '../core/theory'
import { createTrainer } from '../core/trainer'
import { columnAngles, columnNorms } from './columns'
import { defineExperiment, seedParam } from './declare'

function classificationSet(dataset: 'spiral' | 'circles', seed: number, n: number): ExampleSet {
  const data = dataset === 'spiral' ? spiral({ seed, n }) : circles({ seed, n })
  return { n: data.n, d: data.d, x: data.x, y: Float64Array.from(data.labels) }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
const rms = (values: number[]) => Math.sqrt(mean(values.map(v => v * v)))

export const effectiveLrExperiment = defineExperiment({
  id: 'effective-lr',
  description: 'A batch-normalised MLP trained by minibatch SGD without and with decay: ||W1|| only grows without it; with it the angle of W1 per step settles near arccos(1 - eta lambda)',
  purpose: 'A batch-normalised network ignores the scale of its weights: without decay their norm grows and learning slows down; with decay the norm settles and learning goes on. Try: other η and λ.',
  params: {
    dataset: { kind: 'choice', default: 'circles', options: ['spiral', 'circles'], label: 'data set', meaning: 'two classes: two interleaved spirals or two concentric circles' },
    // Every step reads W1 back and every record scores the whole training set: n, hidden, batchSize and steps
    // are bounded so that the costliest run stays short on a slide.
    n: { kind: 'integer', default: 200, min: 10, max: 500, label: 'training points', meaning: 'points of the training set', cost: 'max' },
    hidden: { kind: 'integer', default: 16, min: 1, max: 64, label: 'hidden units', meaning: 'width of the hidden layer (batch-normalised, ReLU)', cost: 'max' },
    batchSize: { kind: 'integer', default: 20, min: 1, max: 100, label: 'batch size', meaning: 'examples per minibatch', cost: 'max' },
    eta: { kind: 'number', default: 0.2, min: 0.05, max: 0.8, scale: 'log', label: 'η', meaning: 'learning rate of SGD (both runs)' },
    lambda: { kind: 'number', default: 0.02, min: 0.002, max: 0.1, scale: 'log', label: 'λ (second run)', meaning: 'weight decay of the second run (the first has λ = 0)' },
    steps: { kind: 'integer', default: 1500, min: 1, max: 2000, label: 'steps', meaning: 'SGD steps of each run', cost: 'max' },
    every: { kind: 'integer', default: 10, min: 1, max: 500, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points (a divisor of steps)', cost: 'min' },
    tail: { kind: 'integer', default: 500, min: 1, max: 2000, label: 'tail', unit: 'steps', meaning: 'last steps whose angles are averaged against the theory', cost: 'max' },
    w1Scale: { kind: 'number', default: 1, min: 0.01, max: 10, scale: 'log', label: 'scale of W₁ at the start', meaning: 'W1 starts at this multiple of the usual N(0, 1/d): the same function, only η/‖W₁‖² differs' },
    seed: seedParam(3),
  },
  outputs: {
    metrics: {
      w1Norm: { label: 'norm of W1' },
      effectiveLr: { label: 'effective learning rate eta/||W1||^2' },
      angle: { label: 'angular update of W1 (RMS over each record\'s block of steps)', unit: 'rad' },
      loss: { label: 'training loss' },
      tailRmsAngle: { label: 'rms angular update of W1, tail', unit: 'rad' },
      tailMeanAngle: { label: 'mean angular update of W1, tail', unit: 'rad' },
      smallestNormIncrease: { label: 'smallest relative increase of ||W1|| between steps (run without decay)' },
    },
    theory: {
      equilibriumAngle: { label: 'angular update with decay, arccos(1 - eta lambda)', unit: 'rad' },
      equilibriumAngleApprox: { label: 'angular update with decay, sqrt(2 eta lambda)', unit: 'rad' },
      timeToEquilibrium: { label: 'steps to equilibrium, 1/(eta lambda)', unit: 'steps' },
    },
  },
  check({ n, batchSize, steps, every, tail }) {
    if (batchSize > n)
      throw new Error(`batchSize: must be at most n = ${n}, got ${batchSize}`)
    if (steps % every !== 0)
      throw new Error(`every: must divide steps = ${steps}, got ${every}`)
    if (tail > steps)
      throw new Error(`tail: must be at most steps = ${steps}, got ${tail}`)
  },
  async run(config, hooks) {
    const { eta, lambda, hidden, steps, every, tail } = config
    const train = classificationSet(config.dataset, config.seed, config.n)
    await ensureGradients()
    const lambdas = [0, lambda]
    const labels = lambdas.map(l => l === 0 ? 'SGD, no decay' : `SGD, lambda = ${l}`)
    const theory = {
      equilibriumAngle: sgdEquilibriumAngle(eta, lambda),
      equilibriumAngleApprox: sgdEquilibriumAngleApprox(eta, lambda),
      timeToEquilibrium: timeToEquilibrium(eta, lambda),
    }
    // normalize: every hidden pre-activation is standardised over the batch, so each unit's column of W1
    // is scale-invariant (science.md 5: <grad, w> = 0, grad(cw) = grad(w)/c). W2 is decayed as usual.
    const model = mlp({ inputs: train.d, hidden, outputs: 1, activation: 'relu', normalize: true, task: 'binary' })
    const trainer = createTrainer({
      model,
      optimizer: { name: 'sgd' },
      runs: lambdas.map(l => ({ eta, lambda: l })),
      train,
      batchSize: config.batchSize,
      seed: config.seed,
      // The trainer's own initialisation (N(0, 1/d) for weights, zeros otherwise, drawn in the same order), with W1
      // times w1Scale: the network computes the same function at any scale of W1, only eta/||W1||^2 differs.
      init: (name, rows, _, rng) => {
        const decayed = model.params.find(p => p.name === name)?.decay ?? false
        const scale = decayed ? (name === 'W1' ? config.w1Scale : 1) / Math.sqrt(train.d) : 0
        return Float64Array.from({ length: rows }, () => decayed ? scale * rng.normal() : 0)
      },
    })
    const rows = train.d * hidden
    const series = lambdas.map(() => ({ w1Norm: [] as Series, effectiveLr: [] as Series, angle: [] as Series, loss: [] as Series }))
    const tailAngles: number[][] = lambdas.map(() => [])
    // Sum of squared single-step angles since the last record: the plotted angle is their RMS over the block.
    const blockSquares = lambdas.map(() => 0)
    let smallestIncrease = Infinity
    const progress = (done: number) => ({ done, total: steps, runs: lambdas.map((_, b) => ({ label: labels[b], series: series[b] })), theory })
    try {
      // W1 alone (the trainer's angle mixes in W2), read after every step.
      let last = await trainer.parameter('W1')
      let lastNorms = columnNorms(last, rows, 2)
      const initial = await trainer.metrics()
      lambdas.forEach((_, b) => {
        series[b].w1Norm.push([0, lastNorms[b]])
        series[b].effectiveLr.push([0, eta / lastNorms[b] ** 2])
        series[b].loss.push([0, initial.trainLoss[b]])
      })
      await hooks?.checkpoint?.(() => progress(0))
      for (let t = 1; t <= steps; t++) {
        trainer.step(1)
        const after = await trainer.parameter('W1')
        const norms = columnNorms(after, rows, 2)
        const angles = columnAngles(last, after, rows, 2)
        smallestIncrease = Math.min(smallestIncrease, norms[0] / lastNorms[0] - 1)
        last = after
        lastNorms = norms
        lambdas.forEach((_, b) => {
          blockSquares[b] += angles[b] ** 2
          if (t > steps - tail)
            tailAngles[b].push(angles[b])
        })
        if (t % every === 0) {
          const m = await trainer.metrics()
          lambdas.forEach((_, b) => {
            series[b].w1Norm.push([t, norms[b]])
            series[b].effectiveLr.push([t, eta / norms[b] ** 2])
            series[b].angle.push([t, Math.sqrt(blockSquares[b] / every)])
            series[b].loss.push([t, m.trainLoss[b]])
            blockSquares[b] = 0
          })
        }
        await hooks?.checkpoint?.(() => progress(t))
      }
    }
    finally {
      trainer.dispose()
    }
    const runs = lambdas.map((_, b) => {
      const s = series[b]
      return {
        label: labels[b],
        series: s,
        final: {
          w1Norm: s.w1Norm.at(-1)![1],
          effectiveLr: s.effectiveLr.at(-1)![1],
          loss: s.loss.at(-1)![1],
          // The norm balance fixes E[tan^2] of the angle, so the RMS is the quantity to compare with theory.
          tailRmsAngle: rms(tailAngles[b]),
          tailMeanAngle: mean(tailAngles[b]),
          // Without decay the norm can only grow: ||w - eta g||^2 = ||w||^2 + eta^2 ||g||^2 when <g, w> = 0.
          ...(b === 0 ? { smallestNormIncrease: smallestIncrease } : {}),
        },
        diverged: !s.loss.every(([, v]) => Number.isFinite(v)),
      }
    })
    return { id: 'effective-lr', config, backend: tf.getBackend(), runs, theory }
  },
})
