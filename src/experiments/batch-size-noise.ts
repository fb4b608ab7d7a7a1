/**
 * 'batch-size-noise': the batch size sets the gradient noise, hence the equilibrium norm, not the angle
 * (science.md sections 5 and 6). Every (batch size, lambda) pair is one column of a [d, B] weight.
 */
import type { Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createOptimizer } from '../core/optimizers'
import { sgdEquilibriumAngle, sgdEquilibriumNorm } from '../core/theory'
import { columnAngle, columnOps, scaleInvariantNoise, startingWeight } from './columns'
import { defineExperiment, listValues, seedParam } from './declare'

export const batchSizeNoiseExperiment = defineExperiment({
  id: 'batch-size-noise',
  description: 'Scale-invariant SGD with gradient noise variance 1/b: the equilibrium norm scales like (L/b)^(1/4), the angle stays arccos(1 - eta lambda) for every b',
  purpose: 'Smaller batches give noisier gradients: the weights\' equilibrium norm grows as the batch shrinks, while the angle per step stays the same. Try: another learning rate.',
  params: {
    // The cost is the number of columns, batch sizes times lambdas: the lists' lengths are bounded, not their values.
    batchSizes: { kind: 'list', default: '8,32,128', min: 1, max: 4096, integer: true, maxLength: 8, label: 'batch sizes b', meaning: 'batch sizes compared; the gradient noise has variance 1/b', cost: 'max' },
    lambdas: { kind: 'list', default: '0.005,0.02', min: 0.001, max: 0.1, maxLength: 4, label: 'λ values', meaning: 'weight decays compared, each with every batch size', cost: 'max' },
    eta: { kind: 'number', default: 0.1, min: 0.05, max: 0.4, scale: 'log', label: 'η', meaning: 'learning rate of SGD (every run)' },
    d: { kind: 'integer', default: 1000, min: 2, max: 1000, label: 'd', meaning: 'entries of the scale-invariant weight', cost: 'max' },
    initialNorm: { kind: 'number', default: 0.5, min: 0.01, max: 10, scale: 'log', label: '‖w‖ at the start', meaning: 'norm of the weight at the start (one seeded direction for every run)' },
    steps: { kind: 'integer', default: 3000, min: 1, max: 5000, label: 'steps', meaning: 'SGD steps of each run', cost: 'max' },
    // Every step of the tail measures its angle and norm.
    tail: { kind: 'integer', default: 1000, min: 1, max: 5000, label: 'tail', unit: 'steps', meaning: 'last steps whose angle and norm are averaged against the theory', cost: 'max' },
    every: { kind: 'integer', default: 50, min: 1, max: 1000, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points (a divisor of steps)', cost: 'min' },
    seed: seedParam(7),
  },
  outputs: {
    metrics: {
      norm: { label: 'norm of w (final: mean over the tail)' },
      angle: { label: 'angular update per step (final: mean over the tail)', unit: 'rad' },
      effectiveLr: { label: 'effective learning rate eta/||w||^2' },
      equilibriumNorm: { label: 'closed-form equilibrium norm of the run, (eta L/(lambda (2 - eta lambda)))^(1/4) with L = (d - 1)/b' },
      equilibriumAngle: { label: 'closed-form equilibrium angular update of the run, arccos(1 - eta lambda)', unit: 'rad' },
    },
    theory: {},
  },
  check({ steps, every, tail }) {
    if (steps % every !== 0)
      throw new Error(`every: must divide steps = ${steps}, got ${every}`)
    if (tail > steps)
      throw new Error(`tail: must be at most steps = ${steps}, got ${tail}`)
  },
  async run(config, hooks) {
    const { eta, d, steps, every, tail, seed } = config
    const batchSizes = listValues(config.batchSizes)
    const lambdas = listValues(config.lambdas)
    // Column b * lambdas.length + j: batch size b, lambda j.
    const cells = batchSizes.flatMap(b => lambdas.map(l => ({ b, lambda: l })))
    const runs = cells.length
    const labels = cells.map(c => `b = ${c.b}, lambda = ${c.lambda}`)
    // Minibatch noise: L = E||gradient at unit norm||^2 = (d - 1)/b.
    const closedForms = cells.map(c => ({ equilibriumNorm: sgdEquilibriumNorm(eta, c.lambda, (d - 1) / c.b), equilibriumAngle: sgdEquilibriumAngle(eta, c.lambda) }))
    const theory = {}
    const w = tf.tidy(() => tf.variable(tf.tensor2d(startingWeight(seed, d, runs, config.initialNorm), [d, runs])))
    const optimizer = createOptimizer({ name: 'sgd' }, cells.map(c => ({ eta, lambda: c.lambda })), { size: d }, w)
    // Minibatch noise: the mean of b independent unit-noise gradients has standard deviation 1/sqrt(b).
    const scale = tf.tidy(() => tf.tile(tf.tensor2d(cells.map(c => 1 / Math.sqrt(c.b)), [1, runs]), [d, 1]))
    const ops = columnOps(d)
    const angleSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const normSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const series = cells.map(() => ({ norm: [] as Series, angle: [] as Series, effectiveLr: [] as Series }))
    const progress = (done: number) => ({ done, total: steps, runs: cells.map((_, i) => ({ label: labels[i], series: series[i] })), theory })
    try {
      await hooks?.checkpoint?.(() => progress(0))
      for (let t = 1; t <= steps; t++) {
        const record = t % every === 0
        const inTail = t > steps - tail
        const before = record || inTail ? tf.clone(w) : undefined
        const g = scaleInvariantNoise(ops, w, seed * 1_000_003 + t, scale)
        optimizer.apply(w, g)
        g.dispose()
        if (before) {
          const [a, n] = tf.tidy(() => [columnAngle(ops, before, w), tf.sqrt(ops.sum(tf.square(w)))])
          before.dispose()
          if (inTail) {
            tf.tidy(() => {
              angleSum.assign(tf.add(angleSum, a))
              normSum.assign(tf.add(normSum, n))
            })
          }
          if (record) {
            const [av, nv] = [a.dataSync(), n.dataSync()]
            cells.forEach((_, c) => {
              series[c].angle.push([t, av[c]])
              series[c].norm.push([t, nv[c]])
              series[c].effectiveLr.push([t, eta / nv[c] ** 2])
            })
          }
          tf.dispose([a, n])
        }
        await hooks?.checkpoint?.(() => progress(t))
      }
      const angles = angleSum.dataSync()
      const norms = normSum.dataSync()
      const results = cells.map((_, i) => ({
        label: labels[i],
        series: series[i],
        final: { norm: norms[i] / tail, angle: angles[i] / tail, ...closedForms[i] },
        diverged: !Number.isFinite(norms[i]),
      }))
      return { id: 'batch-size-noise', config, backend: tf.getBackend(), runs: results, theory }
    }
    finally {
      tf.dispose([w, scale, angleSum, normSum])
      ops.dispose()
      optimizer.dispose()
    }
  },
})
