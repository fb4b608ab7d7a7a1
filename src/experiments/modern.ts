/**
 * The modern mechanisms of weight decay (science.md sections 5-8): the effective learning rate of a
 * normalised network, rotational equilibrium with momentum and with minibatch noise, bfloat16 weights,
 * and the ReLU rescaling symmetry. Every comparison (with and without decay, several batch sizes or
 * lambdas) is one batch: the runs are columns of one [rows, B] tensor.
 */
import type { ExampleSet } from '../core/trainer'
import type { ExperimentResult, Progress, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { circles, spiral } from '../core/datasets'
import { ensureGradients } from '../core/gradients'
import { mlp, reluUnit } from '../core/models'
import { createOptimizer } from '../core/optimizers'
import { createRng, normalMatrix } from '../core/random'
import {
  momentumEquilibriumAngle,
  momentumEquilibriumNorm,
  reluConservedQuantity,
  reluPathPenalty,
  sgdEquilibriumAngle,
  sgdEquilibriumAngleApprox,
  sgdEquilibriumNorm,
  timeToEquilibrium,
} from '../core/theory'
import { createTrainer } from '../core/trainer'
import { requireEquilibriumSchedule, runEquilibrium } from './scale-invariant'
import { defineLegacyExperiment as defineExperiment } from './types'
import { requireInteger, requireNonNegative, requirePositive, requireUnitInterval } from './validate'

// ---------------------------------------------------------------------------
// Validation: every message starts with the field name.

/** steps, every and tail of a recorded run: every divides steps; tail (steps averaged at the end) is at most steps. */
function schedule(steps: number, every: number, tail?: number): void {
  requireInteger('steps', steps)
  requireInteger('every', every)
  if (steps % every !== 0)
    throw new Error(`every: must divide steps = ${steps}, got ${every}`)
  if (tail !== undefined) {
    requireInteger('tail', tail)
    if (tail > steps)
      throw new Error(`tail: must be in [1, steps = ${steps}], got ${tail}`)
  }
}

/** A comma-separated list of distinct numbers, each checked by `check`. */
function numberList(field: string, text: string, check: (field: string, value: number) => void): number[] {
  const values = text.split(',').map(s => s.trim()).filter(s => s !== '').map(Number)
  if (values.length === 0)
    throw new Error(`${field}: expected a comma-separated list of numbers, got '${text}'`)
  values.forEach((v, i) => check(`${field}[${i}]`, v))
  if (new Set(values).size !== values.length)
    throw new Error(`${field}: values must be distinct, got '${text}'`)
  return values
}

// ---------------------------------------------------------------------------
// Small tensor helpers shared by the experiments below.

/**
 * Column sums of [d, B] tensors and the spreading of a [1, B] row over d rows, both as matrix products:
 * on the cpu backend a reduction over axis 0 transposes first, and broadcasting is slow, several times
 * slower than these products.
 */
interface ColumnOps {
  sum: (x: tf.Tensor) => tf.Tensor
  spread: (row: tf.Tensor) => tf.Tensor
  dispose: () => void
}

function columnOps(d: number): ColumnOps {
  const row = tf.ones([1, d])
  const column = tf.ones([d, 1])
  return {
    sum: x => tf.matMul(row, x as tf.Tensor2D),
    spread: r => tf.matMul(column, r as tf.Tensor2D),
    dispose: () => tf.dispose([row, column]),
  }
}

/** Per-column angle (radians) between a and b, [1, B]. */
function columnAngle({ sum }: ColumnOps, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const cos = tf.div(sum(tf.mul(a, b)), tf.sqrt(tf.mul(sum(tf.square(a)), sum(tf.square(b)))))
    return tf.acos(tf.clipByValue(cos, -1, 1))
  })
}

/**
 * The noise-dominated gradient of a scale-invariant weight, per column: a Gaussian projected orthogonally
 * to w and divided by ||w|| (as in scale-invariant.ts), times `scale` ([d, B], optional).
 * E||gradient at unit norm||^2 = (d - 1) scale^2.
 */
function scaleInvariantNoise({ sum, spread }: ColumnOps, w: tf.Tensor, seed: number, scale?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xi = tf.randomNormal(w.shape, 0, 1, 'float32', seed)
    const norm = spread(tf.sqrt(sum(tf.square(w))))
    const unit = tf.div(w, norm)
    const g = tf.div(tf.sub(xi, tf.mul(unit, spread(sum(tf.mul(unit, xi))))), norm)
    return scale ? tf.mul(g, scale) : g
  })
}

/** Euclidean norm of a plain array (a loop: Math.hypot(...x) overflows the call stack for long arrays). */
function euclidean(values: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < values.length; i++)
    sum += values[i] * values[i]
  return Math.sqrt(sum)
}

/** A [d, B] starting weight: one seeded Gaussian direction shared by every column, scaled to `norm`. */
function startingWeight(seed: number, d: number, runs: number, norm: number): Float32Array {
  const direction = normalMatrix(createRng(seed), d, 1)
  const length = euclidean(direction)
  const out = new Float32Array(d * runs)
  for (let i = 0; i < d; i++)
    out.fill(direction[i] * norm / length, i * runs, (i + 1) * runs)
  return out
}

function columnNorms(values: Float64Array, rows: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, b) => {
    let sum = 0
    for (let r = 0; r < rows; r++)
      sum += values[r * runs + b] ** 2
    return Math.sqrt(sum)
  })
}

function columnAngles(before: Float64Array, after: Float64Array, rows: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, b) => {
    let dot = 0
    let n0 = 0
    let n1 = 0
    for (let r = 0; r < rows; r++) {
      const x = before[r * runs + b]
      const y = after[r * runs + b]
      dot += x * y
      n0 += x * x
      n1 += y * y
    }
    return Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(n0 * n1))))
  })
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length
const rms = (values: number[]) => Math.sqrt(mean(values.map(v => v * v)))

// ---------------------------------------------------------------------------
// 1. Effective learning rate of a normalised network (science.md section 5).

function classificationSet(dataset: string, seed: number, n: number): ExampleSet {
  if (dataset !== 'spiral' && dataset !== 'circles')
    throw new Error(`dataset: expected spiral or circles, got '${dataset}'`)
  const data = dataset === 'spiral' ? spiral({ seed, n }) : circles({ seed, n })
  return { n: data.n, d: data.d, x: data.x, y: Float64Array.from(data.labels) }
}

export const effectiveLr = defineExperiment({
  id: 'effective-lr',
  description: 'A batch-normalised MLP trained by minibatch SGD without and with decay: ||W1|| only grows without it; with it the angle of W1 per step settles near arccos(1 - eta lambda)',
  defaults: { dataset: 'circles', n: 200, hidden: 16, batchSize: 20, eta: 0.2, lambda: 0.02, steps: 1500, every: 10, tail: 500, w1Scale: 1, seed: 3 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { eta, lambda, hidden, steps, every, tail } = config
    requirePositive('eta', eta)
    requirePositive('lambda', lambda)
    if (!(eta * lambda < 1))
      throw new Error(`lambda: eta * lambda must be < 1, got ${eta * lambda}`)
    requireInteger('hidden', hidden)
    requirePositive('w1Scale', config.w1Scale)
    requireInteger('n', config.n, 2)
    requireInteger('batchSize', config.batchSize)
    if (config.batchSize > config.n)
      throw new Error(`batchSize: must be at most n = ${config.n}, got ${config.batchSize}`)
    schedule(steps, every, tail)
    const train = classificationSet(config.dataset, config.seed, config.n)
    await ensureGradients()
    const lambdas = [0, lambda]
    const labels = lambdas.map(l => l === 0 ? 'SGD, no decay' : `SGD, lambda = ${l}`)
    const theory = {
      'angular update with decay, arccos(1 - eta lambda) (rad)': sgdEquilibriumAngle(eta, lambda),
      'angular update with decay, sqrt(2 eta lambda) (rad)': sgdEquilibriumAngleApprox(eta, lambda),
      'steps to equilibrium, 1/(eta lambda)': timeToEquilibrium(eta, lambda),
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
    const names = ['norm of W1', 'effective learning rate eta/||W1||^2', 'angular update of W1 (rad)', 'training loss'] as const
    const series = lambdas.map(() => Object.fromEntries(names.map(n => [n, [] as Series])) as Record<typeof names[number], Series>)
    const tailAngles: number[][] = lambdas.map(() => [])
    // Sum of squared single-step angles since the last record: the plotted angle is their RMS over the block.
    const blockSquares = lambdas.map(() => 0)
    let smallestIncrease = Infinity
    const progress = (done: number): Progress => ({ done, total: steps, runs: lambdas.map((_, b) => ({ label: labels[b], series: series[b] })), theory })
    try {
      // W1 alone (the trainer's angle mixes in W2), read after every step.
      let last = await trainer.parameter('W1')
      let lastNorms = columnNorms(last, rows, 2)
      const initial = await trainer.metrics()
      lambdas.forEach((_, b) => {
        series[b]['norm of W1'].push([0, lastNorms[b]])
        series[b]['effective learning rate eta/||W1||^2'].push([0, eta / lastNorms[b] ** 2])
        series[b]['training loss'].push([0, initial.trainLoss[b]])
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
            series[b]['norm of W1'].push([t, norms[b]])
            series[b]['effective learning rate eta/||W1||^2'].push([t, eta / norms[b] ** 2])
            series[b]['angular update of W1 (rad)'].push([t, Math.sqrt(blockSquares[b] / every)])
            series[b]['training loss'].push([t, m.trainLoss[b]])
            blockSquares[b] = 0
          })
        }
        await hooks?.checkpoint?.(() => progress(t))
      }
    }
    finally {
      trainer.dispose()
    }
    const runs: RunResult[] = lambdas.map((_, b) => {
      const s = series[b]
      return {
        label: labels[b],
        series: s,
        final: {
          'norm of W1': s['norm of W1'].at(-1)![1],
          'effective learning rate eta/||W1||^2': s['effective learning rate eta/||W1||^2'].at(-1)![1],
          'training loss': s['training loss'].at(-1)![1],
          // The norm balance fixes E[tan^2] of the angle, so the RMS is the quantity to compare with theory.
          'rms angular update of W1, tail (rad)': rms(tailAngles[b]),
          'mean angular update of W1, tail (rad)': mean(tailAngles[b]),
        },
        diverged: !s['training loss'].every(([, v]) => Number.isFinite(v)),
      }
    })
    // Without decay the norm can only grow: ||w - eta g||^2 = ||w||^2 + eta^2 ||g||^2 when <g, w> = 0.
    runs[0].final['smallest relative increase of ||W1|| between steps'] = smallestIncrease
    return { id: 'effective-lr', config, backend: tf.getBackend(), runs, theory }
  },
})

// ---------------------------------------------------------------------------
// 2. Rotational equilibrium of heavy-ball momentum with L2 in the gradient (science.md section 5).

export const equilibriumMomentum = defineExperiment({
  id: 'equilibrium-momentum',
  description: 'Heavy-ball SGD (L2 in the gradient) on a scale-invariant weight: angle -> sqrt(2 eta lambda/(1+mu)), norm -> (eta L/(2 lambda (1-mu)))^(1/4)',
  defaults: { eta: 0.01, lambda: 5e-4, mu: 0.9, d: 2000, steps: 6000, tail: 2000, every: 100, initialNormRatio: 1, seed: 11 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { eta, lambda, mu, d } = config
    requireEquilibriumSchedule(config)
    requireUnitInterval('mu', mu)
    schedule(config.steps, config.every, config.tail)
    // L = E||gradient at unit norm||^2 = d - 1 for the projected unit Gaussian.
    const norm = momentumEquilibriumNorm(eta, lambda, mu, d - 1)
    const label = `SGD + momentum ${mu}`
    const theory = {
      'angular update (rad)': momentumEquilibriumAngle(eta, lambda, mu),
      'norm': norm,
      'angular update without momentum, sqrt(2 eta lambda)': sgdEquilibriumAngleApprox(eta, lambda),
      // Heavy ball moves like SGD with the learning rate eta/(1 - mu) on this slow scale.
      'steps to equilibrium, (1 - mu)/(eta lambda)': (1 - mu) * timeToEquilibrium(eta, lambda),
    }
    // By default started at the equilibrium norm: it relaxes only over ~(1 - mu)/(eta lambda) = 20k steps.
    return runEquilibrium({ id: 'equilibrium-momentum', label, optimizer: { name: 'momentum', momentum: mu }, config, equilibriumNorm: norm, theory, hooks })
  },
})

// ---------------------------------------------------------------------------
// 3. Batch size sets the gradient noise, hence the equilibrium norm, not the angle (science.md 5, 6).

export const batchSizeNoise = defineExperiment({
  id: 'batch-size-noise',
  description: 'Scale-invariant SGD with gradient noise variance 1/b: the equilibrium norm scales like (L/b)^(1/4), the angle stays arccos(1 - eta lambda) for every b',
  defaults: { batchSizes: '8,32,128', lambdas: '0.005,0.02', eta: 0.1, d: 1000, initialNorm: 0.5, steps: 3000, tail: 1000, every: 50, seed: 7 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { eta, d, steps, every, tail, seed } = config
    requirePositive('eta', eta)
    requireInteger('d', d, 2)
    requirePositive('initialNorm', config.initialNorm)
    schedule(steps, every, tail)
    const batchSizes = numberList('batchSizes', config.batchSizes, (f, v) => requireInteger(f, v))
    const lambdas = numberList('lambdas', config.lambdas, requirePositive)
    lambdas.forEach((l, i) => {
      if (!(eta * l < 1))
        throw new Error(`lambdas[${i}]: eta * lambda must be < 1, got ${eta * l}`)
    })
    // Column b * lambdas.length + j: batch size b, lambda j.
    const cells = batchSizes.flatMap(b => lambdas.map(l => ({ b, lambda: l })))
    const runs = cells.length
    const labels = cells.map(c => `b = ${c.b}, lambda = ${c.lambda}`)
    const theory: Record<string, number> = {}
    cells.forEach((c, i) => {
      // Minibatch noise: L = E||gradient at unit norm||^2 = (d - 1)/b.
      theory[`norm, ${labels[i]}`] = sgdEquilibriumNorm(eta, c.lambda, (d - 1) / c.b)
      theory[`angular update (rad), ${labels[i]}`] = sgdEquilibriumAngle(eta, c.lambda)
    })
    const w = tf.tidy(() => tf.variable(tf.tensor2d(startingWeight(seed, d, runs, config.initialNorm), [d, runs])))
    const optimizer = createOptimizer({ name: 'sgd' }, cells.map(c => ({ eta, lambda: c.lambda })), { size: d }, w)
    // Minibatch noise: the mean of b independent unit-noise gradients has standard deviation 1/sqrt(b).
    const scale = tf.tidy(() => tf.tile(tf.tensor2d(cells.map(c => 1 / Math.sqrt(c.b)), [1, runs]), [d, 1]))
    const ops = columnOps(d)
    const angleSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const normSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const series = cells.map(() => ({ 'norm': [] as Series, 'angular update (rad)': [] as Series, 'effective learning rate': [] as Series }))
    const progress = (done: number): Progress => ({ done, total: steps, runs: cells.map((_, i) => ({ label: labels[i], series: series[i] })), theory })
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
              series[c]['angular update (rad)'].push([t, av[c]])
              series[c].norm.push([t, nv[c]])
              series[c]['effective learning rate'].push([t, eta / nv[c] ** 2])
            })
          }
          tf.dispose([a, n])
        }
        await hooks?.checkpoint?.(() => progress(t))
      }
      const angles = angleSum.dataSync()
      const norms = normSum.dataSync()
      const results: RunResult[] = cells.map((_, i) => ({
        label: labels[i],
        series: series[i],
        final: { 'norm': norms[i] / tail, 'angular update (rad)': angles[i] / tail },
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

// ---------------------------------------------------------------------------
// 4. bfloat16 weights (science.md section 6, item 3).

/**
 * Rounds float32 values to bfloat16 (8 significant bits, 7 stored), round to nearest, ties to even,
 * returned as float32. Veltkamp's splitting: with c = (2^16 + 1) x, c - (c - x) is x rounded to 24 - 16 = 8
 * significant bits; every operation is one correctly rounded float32 operation, which holds on the cpu and
 * wasm backends (the cpu backend computes in float64 and stores float32, which is innocuous for +, -, *).
 * It agrees bit for bit with the usual integer conversion (bits + 0x7fff + lsb) & 0xffff0000 on every
 * float32 in [1, 2) and its negatives, ties included, hence on every binade. Valid for |x| < 2^112
 * (c must not overflow) and above the float32 normal range; 0 stays 0.
 */
export function roundToBfloat16(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = tf.mul(x, 65537)
    return tf.sub(c, tf.sub(c, x))
  })
}

/** Relative half-ulp of bfloat16 at a value with mantissa m in [1, 2): 2^-8 / m. */
const BF16_HALF_ULP = 2 ** -8

/**
 * Fraction of entries whose update is rounded away, in a model where each entry's relative update is
 * `angle * xi / z` with xi, z independent standard normals (noise update and weight entry; their ratio is
 * Cauchy) and mantissas log-uniform on [1, 2): E_m[(2/pi) arctan(2^-8 / (m angle))].
 * A local closed form (theory.ts has none for bfloat16).
 */
export function bfloat16LostFraction(angle: number): number {
  requirePositive('angle', angle)
  const points = 256
  let sum = 0
  for (let k = 0; k < points; k++) {
    const m = 2 ** ((k + 0.5) / points)
    sum += (2 / Math.PI) * Math.atan(BF16_HALF_ULP / (m * angle))
  }
  return sum / points
}

/** The angular update per step below which half the updates are lost (bisection on bfloat16LostFraction). */
function bfloat16HalfLostAngle(): number {
  let lo = 1e-6
  let hi = 1
  for (let i = 0; i < 100; i++) {
    const mid = Math.sqrt(lo * hi)
    if (bfloat16LostFraction(mid) > 0.5)
      lo = mid
    else
      hi = mid
  }
  return Math.sqrt(lo * hi)
}

/**
 * Heavy ball (mu = 0.9, L2 in the gradient) rather than plain SGD, for time: without decay the angle per
 * step falls like 1/sqrt(2t) under SGD, whatever eta and d, so updates drop below half an ulp (~2^-8.5
 * relative) only after ~2^16 steps; momentum spreads each gradient over ~1/(1 - mu) steps and the angle
 * per step falls like sqrt((1 - mu)/(2t(1 + mu))), crossing in ~4000. mu = 0 gives plain SGD (same theory).
 */
export const lowPrecision = defineExperiment({
  id: 'low-precision',
  description: 'Heavy-ball SGD with bfloat16 weights on a scale-invariant weight: without decay the norm grows until most updates round away; with decay the angle stays at equilibrium and updates register',
  defaults: { eta: 0.01, lambda: 0.05, mu: 0.9, d: 256, initialNorm: 1, steps: 8000, every: 100, tail: 1000, seed: 11 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { eta, lambda, mu, d, steps, every, tail, seed } = config
    requirePositive('eta', eta)
    requirePositive('lambda', lambda)
    requireUnitInterval('mu', mu)
    requireInteger('d', d, 2)
    requirePositive('initialNorm', config.initialNorm)
    schedule(steps, every, tail)
    if (tail % every !== 0)
      throw new Error(`tail: must be a multiple of every = ${every}, got ${tail}`)
    const lambdas = [0, lambda]
    const runs = lambdas.length
    const labels = lambdas.map(l => l === 0 ? 'bfloat16, no decay' : `bfloat16, lambda = ${l}`)
    // Heavy ball with L2 in the gradient; mu = 0 is plain SGD, whose exact angle is arccos(1 - eta lambda).
    const equilibriumAngle = mu === 0 ? sgdEquilibriumAngle(eta, lambda) : momentumEquilibriumAngle(eta, lambda, mu)
    const theory = {
      'angular update with decay (rad)': equilibriumAngle,
      'norm with decay': mu === 0 ? sgdEquilibriumNorm(eta, lambda, d - 1) : momentumEquilibriumNorm(eta, lambda, mu, d - 1),
      'fraction lost with decay (Cauchy model at that angle)': bfloat16LostFraction(equilibriumAngle),
      'angular update below which half the updates are lost (rad)': bfloat16HalfLostAngle(),
      'bfloat16 relative half-ulp, largest': BF16_HALF_ULP,
    }
    // Weights live in bfloat16 (rounded after every update); the momentum buffer stays float32.
    const w = tf.tidy(() => tf.variable(roundToBfloat16(tf.tensor2d(startingWeight(seed, d, runs, config.initialNorm), [d, runs]))))
    const optimizer = createOptimizer({ name: 'momentum', momentum: mu }, lambdas.map(l => ({ eta, lambda: l })), { size: d }, w)
    // Per-block sums, kept on the device so that nothing is read back between records.
    const ops = columnOps(d)
    const lostSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const angleSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const names = ['fraction of updates lost', 'norm', 'angular update (rad)'] as const
    const series = lambdas.map(() => Object.fromEntries(names.map(n => [n, [] as Series])) as Record<typeof names[number], Series>)
    const tailSums = lambdas.map(() => ({ lost: 0, angle: 0, norm: 0 }))
    const progress = (done: number): Progress => ({ done, total: steps, runs: lambdas.map((_, b) => ({ label: labels[b], series: series[b] })), theory })
    try {
      await hooks?.checkpoint?.(() => progress(0))
      for (let t = 1; t <= steps; t++) {
        const old = tf.clone(w)
        const g = scaleInvariantNoise(ops, w, seed * 1_000_003 + t)
        optimizer.apply(w, g)
        g.dispose()
        tf.tidy(() => {
          const rounded = roundToBfloat16(w)
          // Lost: unchanged after rounding although the float32 update moved it (an entry the float32
          // update left unchanged is unchanged after rounding too, so subtracting those counts is exact).
          const lost = tf.sub(ops.sum(tf.cast(tf.equal(rounded, old), 'float32')), ops.sum(tf.cast(tf.equal(w, old), 'float32')))
          lostSum.assign(tf.add(lostSum, lost))
          angleSum.assign(tf.add(angleSum, columnAngle(ops, old, rounded)))
          w.assign(rounded)
        })
        old.dispose()
        if (t % every === 0) {
          const lost = lostSum.dataSync()
          const angle = angleSum.dataSync()
          const normTensor = tf.tidy(() => tf.sqrt(ops.sum(tf.square(w))))
          const norms = normTensor.dataSync()
          normTensor.dispose()
          lambdas.forEach((_, b) => {
            // Means over the block of `every` steps that ends here.
            const point = { lost: lost[b] / (every * d), angle: angle[b] / every, norm: norms[b] }
            series[b]['fraction of updates lost'].push([t, point.lost])
            series[b]['angular update (rad)'].push([t, point.angle])
            series[b].norm.push([t, point.norm])
            if (t > steps - tail) {
              tailSums[b].lost += point.lost * every / tail
              tailSums[b].angle += point.angle * every / tail
              tailSums[b].norm += point.norm * every / tail
            }
          })
          tf.tidy(() => {
            lostSum.assign(tf.zerosLike(lostSum))
            angleSum.assign(tf.zerosLike(angleSum))
          })
        }
        await hooks?.checkpoint?.(() => progress(t))
      }
    }
    finally {
      tf.dispose([w, lostSum, angleSum])
      ops.dispose()
      optimizer.dispose()
    }
    return {
      id: 'low-precision',
      config,
      backend: tf.getBackend(),
      runs: lambdas.map((_, b) => ({
        label: labels[b],
        series: series[b],
        final: {
          'fraction of updates lost, tail': tailSums[b].lost,
          'angular update (rad), tail': tailSums[b].angle,
          'norm, tail': tailSums[b].norm,
          'angular update (rad), first block': series[b]['angular update (rad)'][0][1],
        },
        diverged: !Number.isFinite(tailSums[b].norm),
      })),
      theory,
    }
  },
})

// ---------------------------------------------------------------------------
// 5. The ReLU rescaling symmetry (science.md section 8).

/** A teacher v* relu(u*.x) + noise with x ~ N(0, I_d) and u* = e_1 (datasets.ts has no ReLU teacher). */
function reluTeacher(seed: number, n: number, d: number, vStar: number, noise: number): ExampleSet {
  const rng = createRng(seed)
  const x = normalMatrix(rng, n, d)
  const y = Float64Array.from({ length: n }, (_, i) => vStar * Math.max(0, x[i * d]) + noise * rng.normal())
  return { n, d, x, y }
}

export const reluRescaling = defineExperiment({
  id: 'relu-rescaling',
  description: 'Full-batch GD on v relu(u.x) without and with decay: v^2 - ||u||^2 is conserved, or shrinks like (1 - eta lambda)^(2t), and the penalty falls to lambda |v| ||u||',
  defaults: { d: 5, n: 200, vStar: 2, noise: 0.1, initialU: 1.5, initialV: 0.1, eta: 0.005, lambda: 0.05, steps: 4000, every: 20, seed: 5 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { d, n, eta, lambda, steps, every, seed } = config
    requireInteger('d', d)
    requireInteger('n', n)
    requirePositive('eta', eta)
    requirePositive('lambda', lambda)
    requireNonNegative('noise', config.noise)
    requirePositive('initialU', config.initialU)
    if (!Number.isFinite(config.vStar))
      throw new Error(`vStar: must be a finite number, got ${config.vStar}`)
    if (!Number.isFinite(config.initialV))
      throw new Error(`initialV: must be a finite number, got ${config.initialV}`)
    schedule(steps, every)
    if (!(eta * lambda < 1))
      throw new Error(`eta: eta * lambda must be < 1, got ${eta * lambda}`)
    const train = reluTeacher(seed, n, d, config.vStar, config.noise)
    const lambdas = [0, lambda]
    // An unbalanced start (||u|| >> |v|) shared by both runs; u's direction is seeded.
    const direction = normalMatrix(createRng(seed + 1), d, 1)
    const uStart = direction.map(v => v * config.initialU / euclidean(direction))
    const trainer = createTrainer({
      model: reluUnit(d),
      // Plain GD with the penalty (lambda/2)(v^2 + ||u||^2) in the gradient; u and v are both decayed.
      optimizer: { name: 'sgd' },
      runs: lambdas.map(l => ({ eta, lambda: l })),
      train,
      seed,
      init: name => name === 'u' ? uStart : Float64Array.of(config.initialV),
    })
    const names = ['v^2 - ||u||^2', `penalty (lambda/2)(v^2 + ||u||^2), lambda = ${lambda}`, `path penalty lambda |v| ||u||, lambda = ${lambda}`, 'penalty / path penalty', 'loss', 'v', 'norm of u'] as const
    const labels = lambdas.map(l => l === 0 ? 'GD, no decay' : `GD, lambda = ${l}`)
    const series = lambdas.map(() => Object.fromEntries(names.map(k => [k, [] as Series])) as Record<string, Series>)
    const q0 = reluConservedQuantity(config.initialV, euclidean(uStart))
    const theory = {
      'v^2 - ||u||^2 at the start': q0,
      'v^2 - ||u||^2 at the end, no decay (conserved)': q0,
      'v^2 - ||u||^2 at the end with decay, (1 - eta lambda)^(2T) times the start': q0 * (1 - eta * lambda) ** (2 * steps),
      'shrink factor exp(-2 eta lambda T)': Math.exp(-2 * eta * lambda * steps),
      'penalty / path penalty at a balanced minimum': 1,
    }
    const progress = (done: number): Progress => ({ done, total: steps, runs: lambdas.map((_, b) => ({ label: labels[b], series: series[b] })), theory })
    try {
      const record = async (t: number) => {
        const u = await trainer.parameter('u')
        const v = await trainer.parameter('v')
        const uNorms = columnNorms(u, d, 2)
        const m = await trainer.metrics()
        lambdas.forEach((_, b) => {
          // Both runs are measured with the same lambda: what the penalty would charge the undecayed run too.
          const penalty = (lambda / 2) * (v[b] ** 2 + uNorms[b] ** 2)
          const path = reluPathPenalty(lambda, v[b], uNorms[b])
          const point = [reluConservedQuantity(v[b], uNorms[b]), penalty, path, penalty / path, m.trainLoss[b], v[b], uNorms[b]]
          names.forEach((k, i) => series[b][k].push([t, point[i]]))
        })
      }
      await record(0)
      await hooks?.checkpoint?.(() => progress(0))
      // At most 20 steps between checkpoints (a fraction of a millisecond each), a record every `every`.
      for (let t = 0; t < steps;) {
        const chunk = Math.min(20, every - (t % every))
        trainer.step(chunk)
        t += chunk
        if (t % every === 0)
          await record(t)
        await hooks?.checkpoint?.(() => progress(t))
      }
    }
    finally {
      trainer.dispose()
    }
    const last = (b: number, k: string) => series[b][k].at(-1)![1]
    return {
      id: 'relu-rescaling',
      config,
      backend: tf.getBackend(),
      runs: lambdas.map((_, b) => ({
        label: labels[b],
        series: series[b],
        final: {
          'v^2 - ||u||^2': last(b, 'v^2 - ||u||^2'),
          'relative change of v^2 - ||u||^2': last(b, 'v^2 - ||u||^2') / q0 - 1,
          'penalty / path penalty': last(b, 'penalty / path penalty'),
          'loss': last(b, 'loss'),
          // |change of v^2 - ||u||^2| <= eta^2 sum ||g||^2 ~ eta (L_0 - L_T) per GD's descent lemma.
          'initial loss minus final loss': series[b].loss[0][1] - last(b, 'loss'),
        },
        diverged: !Number.isFinite(last(b, 'loss')),
      })),
      theory,
    }
  },
})

/** The experiments of this file, for the registry. */
export const modernExperiments = [effectiveLr, equilibriumMomentum, batchSizeNoise, lowPrecision, reluRescaling]
