/**
 * 'classification' (science.md section 9): logistic regression on 2-D data with and without decay: the norm growth
 * without decay, the bounded confidence with it; and the decision-field helpers its view draws with.
 */
import type { Classification2dKind } from '../core/datasets'
import type { OutputSpec, OutputSpecs } from './declare'
import type { RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { classification2d } from '../core/datasets'
import { solveSpd } from '../core/linalg'
import { logisticRegression } from '../core/models'
import { createTrainer } from '../core/trainer'
import { defineExperiment, seedParam } from './declare'
import { lambdaLabel } from './lambdas'
import { requireFinite, requireInteger } from './validate'

/** Steps 1 .. steps, perDecade points per decade (round(10^(k/perDecade)), deduplicated), ending at steps. */
export function logSchedule(steps: number, perDecade: number): number[] {
  const out = new Set<number>()
  for (let k = 0; ; k++) {
    const t = Math.round(10 ** (k / perDecade))
    if (t > steps)
      break
    out.add(t)
  }
  out.add(steps)
  return [...out].sort((a, b) => a - b)
}

/** Largest eigenvalue of a small symmetric positive semi-definite matrix (power iteration, float64). */
function largestEigenvalue(m: Float64Array, size: number): number {
  let v = new Float64Array(size).fill(1 / Math.sqrt(size))
  let value = 0
  for (let iteration = 0; iteration < 500; iteration++) {
    const next = new Float64Array(size)
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++)
        next[i] += m[i * size + j] * v[j]
    }
    const norm = Math.hypot(...next)
    if (norm === 0)
      return 0
    const previous = value
    value = norm
    v = next.map(e => e / norm)
    if (Math.abs(value - previous) <= 1e-14 * value)
      break
  }
  return value
}

export interface Box {
  xMin: number
  xMax: number
  yMin: number
  yMax: number
}

function requireGrid(box: Box, nx: number, ny: number): void {
  requireInteger('nx', nx, 2, 4096)
  requireInteger('ny', ny, 2, 4096)
  for (const [field, value] of Object.entries(box))
    requireFinite(`box.${field}`, value)
  if (!(box.xMax > box.xMin))
    throw new Error(`box.xMax: must be > box.xMin = ${box.xMin}, got ${box.xMax}`)
  if (!(box.yMax > box.yMin))
    throw new Error(`box.yMax: must be > box.yMin = ${box.yMin}, got ${box.yMax}`)
}

/** The nx * ny grid nodes of the box (edges included), row-major n x 2: point j*nx + i is (x_i, y_j). */
export function gridPoints(box: Box, nx: number, ny: number): Float64Array {
  requireGrid(box, nx, ny)
  const out = new Float64Array(nx * ny * 2)
  for (let j = 0; j < ny; j++) {
    const yj = box.yMin + (box.yMax - box.yMin) * j / (ny - 1)
    for (let i = 0; i < nx; i++) {
      out[(j * nx + i) * 2] = box.xMin + (box.xMax - box.xMin) * i / (nx - 1)
      out[(j * nx + i) * 2 + 1] = yj
    }
  }
  return out
}

/** The data's bounding box (x row-major n x 2), widened by `pad` of each side's range: the field a view draws. */
export function dataBox(x: ArrayLike<number>, pad = 0.12): Box {
  let xMin = Infinity
  let xMax = -Infinity
  let yMin = Infinity
  let yMax = -Infinity
  for (let i = 0; i + 1 < x.length; i += 2) {
    xMin = Math.min(xMin, x[i])
    xMax = Math.max(xMax, x[i])
    yMin = Math.min(yMin, x[i + 1])
    yMax = Math.max(yMax, x[i + 1])
  }
  const dx = (xMax - xMin) * pad || 1
  const dy = (yMax - yMin) * pad || 1
  return { xMin: xMin - dx, xMax: xMax + dx, yMin: yMin - dy, yMax: yMax + dy }
}

/** Numerically safe logistic function in float64. */
function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
}

/** P(y = 1) = sigmoid(w . x + b) at the nodes of gridPoints(box, nx, ny), in the same order: the heatmap of a run. */
export function probabilityGrid(w: ArrayLike<number>, b: number, box: Box, nx: number, ny: number): Float64Array {
  if (w.length !== 2)
    throw new Error(`w: expected 2 weights, got ${w.length}`)
  requireFinite('w[0]', w[0])
  requireFinite('w[1]', w[1])
  requireFinite('b', b)
  const points = gridPoints(box, nx, ny)
  return Float64Array.from({ length: nx * ny }, (_, p) => sigmoid(w[0] * points[2 * p] + w[1] * points[2 * p + 1] + b))
}

/** Float64 summary of a 2-D logistic model (w1, w2, b) on the training set; the same numbers for every backend. */
function logisticSummary(x: Float64Array, labels: Int32Array, theta: ArrayLike<number>) {
  const n = labels.length
  let loss = 0
  let maxMargin = 0
  let correct = 0
  const gradient = [0, 0, 0]
  for (let i = 0; i < n; i++) {
    const z = theta[0] * x[2 * i] + theta[1] * x[2 * i + 1] + theta[2]
    const y = labels[i]
    // softplus(z) - y z, stable for large |z|.
    loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z
    maxMargin = Math.max(maxMargin, Math.abs(z))
    if ((z > 0 ? 1 : 0) === y)
      correct++
    const error = sigmoid(z) - y
    gradient[0] += error * x[2 * i] / n
    gradient[1] += error * x[2 * i + 1] / n
    gradient[2] += error / n
  }
  return {
    loss: loss / n,
    maxProbability: sigmoid(maxMargin),
    // 1 - sigmoid(m) = sigmoid(-m): keeps its digits where the probability itself rounds to 1.
    oneMinusMax: sigmoid(-maxMargin),
    accuracy: correct / n,
    gradient,
  }
}

/** Minimiser of the mean logistic loss + (lambda/2)(w1^2 + w2^2 [+ b^2]) by damped Newton in float64; undefined if none. */
function penalisedLogisticNewton(x: Float64Array, labels: Int32Array, lambda: number, decayBias: boolean): Float64Array | undefined {
  const n = labels.length
  const penalty = [lambda, lambda, decayBias ? lambda : 0]
  const objective = (theta: ArrayLike<number>) =>
    logisticSummary(x, labels, theta).loss + penalty.reduce((sum, p, k) => sum + p * theta[k] * theta[k] / 2, 0)
  const fullGradient = (theta: ArrayLike<number>) =>
    logisticSummary(x, labels, theta).gradient.map((v, k) => v + penalty[k] * theta[k])
  // Gradient entries are sums of terms of size |x_k|: judge them against the rms of each input column.
  const scale = [0, 0, 1]
  for (let i = 0; i < n; i++) {
    scale[0] += x[2 * i] ** 2 / n
    scale[1] += x[2 * i + 1] ** 2 / n
  }
  let theta = new Float64Array(3)
  for (let iteration = 0; iteration < 100; iteration++) {
    const g = fullGradient(theta)
    const hessian = new Float64Array(9)
    for (let i = 0; i < n; i++) {
      const row = [x[2 * i], x[2 * i + 1], 1]
      const p = sigmoid(theta[0] * row[0] + theta[1] * row[1] + theta[2])
      for (let a = 0; a < 3; a++) {
        for (let c = 0; c < 3; c++)
          hessian[a * 3 + c] += p * (1 - p) * row[a] * row[c] / n
      }
    }
    for (let k = 0; k < 3; k++)
      hessian[k * 4] += penalty[k]
    let direction: Float64Array
    try {
      direction = solveSpd(hessian, Float64Array.from(g))
    }
    catch {
      return undefined
    }
    // Newton decrement g^T H^-1 g: half of it is the predicted decrease of the objective.
    const decrement = direction.reduce((sum, v, k) => sum + v * g[k], 0)
    if (decrement < 1e-26)
      break
    const current = objective(theta)
    let stepSize = 1
    let next = theta.map((v, k) => v - direction[k])
    while (objective(next) > current - 1e-4 * stepSize * decrement && stepSize > 1e-12) {
      stepSize /= 2
      next = theta.map((v, k) => v - stepSize * direction[k])
    }
    theta = next
    if (Math.hypot(...theta) > 1e4)
      return undefined // no finite minimiser (separable data without decay)
  }
  const g = fullGradient(theta)
  return g.every((v, k) => Math.abs(v) <= 1e-9 * Math.sqrt(scale[k])) ? theta : undefined
}

/**
 * The max-margin vector (w1, w2, b) of the data augmented with a constant 1 (the bias is a weight like the others, as
 * in Soudry et al.): argmin ||(w, b)||^2 subject to y_i (w . x_i + b) >= 1, y in {-1, +1}, by dual coordinate ascent.
 * GD without decay on separable data follows w(t) = w_hat log t + O(1). Undefined if the data are not separable.
 */
function maxMarginVector(x: Float64Array, labels: Int32Array): Float64Array | undefined {
  const n = labels.length
  const alpha = new Float64Array(n)
  const w = new Float64Array(3)
  const row = (i: number) => [x[2 * i], x[2 * i + 1], 1]
  for (let sweep = 0; sweep < 20_000; sweep++) {
    let worst = 0
    for (let i = 0; i < n; i++) {
      const xi = row(i)
      const yi = 2 * labels[i] - 1
      const margin = yi * (w[0] * xi[0] + w[1] * xi[1] + w[2] * xi[2])
      const violation = alpha[i] > 0 ? Math.abs(margin - 1) : Math.max(0, 1 - margin)
      worst = Math.max(worst, violation)
      const next = Math.max(0, alpha[i] + (1 - margin) / (xi[0] ** 2 + xi[1] ** 2 + 1))
      const delta = next - alpha[i]
      if (delta !== 0) {
        alpha[i] = next
        for (let k = 0; k < 3; k++)
          w[k] += delta * yi * xi[k]
      }
    }
    if (worst < 1e-10)
      return w
    if (Math.hypot(...w) > 1e6)
      return undefined
  }
  return undefined
}

const maxSteps = 100_000
/** One output per full decade of steps that fits in maxSteps: decade k runs from 10^(k-1) to 10^k. */
const decades = Object.fromEntries(Array.from({ length: Math.log10(maxSteps) }, (_, k) =>
  [`normIncrementDecade${k + 1}`, { label: `norm increment, steps ${10 ** k} to ${10 ** (k + 1)}` }]))

/** The closed forms of one run: Newton's minimiser where it exists; for the run without decay, the max-margin vector. */
const closedFormOutputs = {
  optimumW1: { label: 'w1 at the minimum (Newton)' },
  optimumW2: { label: 'w2 at the minimum (Newton)' },
  optimumB: { label: 'b at the minimum (Newton)' },
  optimumNorm: { label: 'weight norm at the minimum (Newton)' },
  optimumMaxProbability: { label: 'max probability at the minimum (Newton)' },
  optimumOneMinusMaxProbability: { label: '1 - max probability at the minimum (Newton)' },
  optimumShrinkW1: { label: 'shrink w1(lambda)/w1(0) (Newton)' },
  optimumShrinkW2: { label: 'shrink w2(lambda)/w2(0) (Newton)' },
  maxMarginW1: { label: 'max-margin w_hat1 (augmented, bias in the norm)' },
  maxMarginW2: { label: 'max-margin w_hat2' },
  maxMarginB: { label: 'max-margin b_hat' },
  margin: { label: 'margin gamma = 1/||(w_hat, b_hat)||' },
  asymptoticNormIncrement: { label: 'norm increment per decade without decay, ln(10) ||w_hat|| (asymptotic)' },
}
export type ClassificationClosedForms = Partial<Record<keyof typeof closedFormOutputs, number>>

const runMetrics = {
  weightNorm: { label: 'weight norm ||w||' },
  maxProbability: { label: 'max probability' },
  oneMinusMaxProbability: { label: '1 - max probability' },
  trainingLoss: { label: 'training loss' },
  accuracy: { label: 'accuracy' },
  w1: { label: 'w1' },
  w2: { label: 'w2' },
  b: { label: 'b' },
  gradientNorm: { label: 'gradient norm of the penalised objective' },
  normIncrementLastDecade: { label: 'norm increment over the last full decade' },
  angleToMaxMargin: { label: 'angle of w to the max-margin w_hat', unit: 'degrees' },
  shrinkW1: { label: 'shrink w1(lambda)/w1(0)' },
  shrinkW2: { label: 'shrink w2(lambda)/w2(0)' },
  ...closedFormOutputs,
}
type Metric = keyof typeof runMetrics | `normIncrementDecade${number}`

const outputs: OutputSpecs<Metric, 'eta' | 'smoothness'> = {
  metrics: { ...runMetrics, ...decades } as Record<Metric, OutputSpec>,
  theory: {
    eta: { label: 'learning rate eta = lr / L' },
    smoothness: { label: 'smoothness L' },
  },
}

export const classificationKinds = ['separable', 'overlapping', 'imbalanced', 'unscaled'] as const satisfies readonly Classification2dKind[]

/** What a decision-field view draws: the points, a box around them, each run's current (w1, w2, b) and closed forms. */
export interface ClassificationExtra {
  x: Float64Array
  labels: Int32Array
  box: Box
  lambdas: number[]
  thetas: Float64Array[]
  kind: Classification2dKind
  decayBias: boolean
  /** Per run, known before the first step (the same values as that run's `final`). */
  closedForms: ClassificationClosedForms[]
}

/**
 * Full-batch GD (or heavy ball, `momentum` > 0; both with the coupled L2 gradient) on logisticRegression(2), the runs
 * lambda = 0 and lambda as one batch, both started at 0. eta = lr/L, L = (1/4) lambda_max(X~^T X~/n) + lambda the
 * smoothness of the penalised loss (X~ = [X, 1]): one slider value works for every data kind; GD is stable for lr < 2.
 * The norm reported is ||w|| of the two input weights (the bias is not in it, decayed or not).
 *
 * Cost: every step is computed (about 0.2 ms on wasm: the 1e5 steps of the figure take 20-25 s in Node), but the
 * series are log-spaced and the slide draws one chunk per frame, chunks growing with t: the frames grow like log t up
 * to a cap on the chunk, then linearly. The cap grows with `steps`, so that no run takes more than about 2300 frames
 * (40 s live).
 */
export const classificationExperiment = defineExperiment({
  id: 'classification',
  description: 'Logistic regression on 2-D data, lambda = 0 beside lambda: without decay ||w|| grows like log t on separable data and confidence -> 1; with decay w converges, max probability < 1',
  purpose: 'Logistic regression on data a line separates: without decay the weights grow for ever and the model becomes certain; with decay they settle and it stays unsure near the boundary. Try: other λ and data.',
  params: {
    kind: { kind: 'choice', default: 'separable', options: classificationKinds, label: 'data', meaning: 'the 2-D data set: separable, overlapping, imbalanced (9:1), or overlapping with x₂ × 100' },
    lambda: { kind: 'number', default: 0.01, min: 1e-4, max: 1, scale: 'log', step: 80, label: 'λ', meaning: 'decay of the second run (the first has none)' },
    decayBias: { kind: 'boolean', default: false, label: 'decay the bias too', meaning: 'whether the penalty covers the bias b as well as w' },
    // GD is stable for lr < 2 (heavy ball: lr < 2 (1 + momentum)); above it the slide reports the divergence.
    lr: { kind: 'number', default: 1.5, min: 0.01, max: 4, scale: 'log', label: 'η L', meaning: 'learning rate times the smoothness L of the penalised loss' },
    momentum: { kind: 'number', default: 0, min: 0, max: 0.99, label: 'μ', meaning: 'heavy-ball momentum (0: plain GD)' },
    steps: { kind: 'integer', default: 10_000, min: 1, max: maxSteps, label: 'steps', meaning: 'full-batch steps of both runs', cost: 'max' },
    perDecade: { kind: 'integer', default: 4, min: 1, max: 24, label: 'points per decade', meaning: 'recorded points per factor 10 of steps (log-spaced series)', cost: 'max' },
    n: { kind: 'integer', default: 200, min: 2, max: 500, label: 'n', meaning: 'training points', cost: 'max' },
    seed: seedParam(1),
  },
  outputs,
  async run(config, hooks) {
    const { kind, lambda, decayBias, lr, momentum, steps, perDecade, n, seed } = config

    const data = classification2d(kind, { seed, n })
    const lambdas = [0, lambda]
    const gramTilde = new Float64Array(9)
    for (let i = 0; i < n; i++) {
      const row = [data.x[2 * i], data.x[2 * i + 1], 1]
      for (let a = 0; a < 3; a++) {
        for (let c = 0; c < 3; c++)
          gramTilde[a * 3 + c] += row[a] * row[c] / n
      }
    }
    const smoothness = largestEigenvalue(gramTilde, 3) / 4 + lambda
    const eta = lr / smoothness

    // Closed forms first (Newton minima, the max-margin direction): a slide draws them from the first frame on.
    // Each is a slice of its own: at n = 2000 the max-margin sweeps and the Newton steps are 10-20 ms apiece.
    const theory = { eta, smoothness }
    const runLabel = (l: number) => l === 0 ? 'no decay' : `${lambdaLabel(l)}${decayBias ? ', bias decayed' : ''}`
    const settingUp = () => ({ done: 0, total: steps, runs: lambdas.map(l => ({ label: runLabel(l), series: {} })), theory })
    await hooks?.checkpoint?.(settingUp)
    const hat = kind === 'separable' ? maxMarginVector(data.x, data.labels) : undefined
    await hooks?.checkpoint?.(settingUp)
    const closedForms: ClassificationClosedForms[] = []
    for (const l of lambdas) {
      closedForms.push(closedFormsAt(l))
      await hooks?.checkpoint?.(settingUp)
    }
    function closedFormsAt(l: number): ClassificationClosedForms {
      // Without decay a finite minimiser exists only for non-separable data; Newton says so by failing.
      const optimum = l === 0 && kind === 'separable' ? undefined : penalisedLogisticNewton(data.x, data.labels, l, decayBias)
      if (!optimum)
        return {}
      const summary = logisticSummary(data.x, data.labels, optimum)
      return {
        optimumW1: optimum[0],
        optimumW2: optimum[1],
        optimumB: optimum[2],
        optimumNorm: Math.hypot(optimum[0], optimum[1]),
        optimumMaxProbability: summary.maxProbability,
        optimumOneMinusMaxProbability: summary.oneMinusMax,
      }
    }
    const ratio = (a?: number, b?: number) => (a ?? Number.NaN) / (b ?? Number.NaN)
    const shrink = [ratio(closedForms[1].optimumW1, closedForms[0].optimumW1), ratio(closedForms[1].optimumW2, closedForms[0].optimumW2)]
    if (shrink.every(Number.isFinite)) {
      closedForms[1].optimumShrinkW1 = shrink[0]
      closedForms[1].optimumShrinkW2 = shrink[1]
    }
    if (hat) {
      closedForms[0].maxMarginW1 = hat[0]
      closedForms[0].maxMarginW2 = hat[1]
      closedForms[0].maxMarginB = hat[2]
      closedForms[0].margin = 1 / Math.hypot(...hat)
      closedForms[0].asymptoticNormIncrement = Math.LN10 * Math.hypot(hat[0], hat[1])
    }

    const series = lambdas.map(() => ({ weightNorm: [] as Series, maxProbability: [] as Series, oneMinusMaxProbability: [] as Series, trainingLoss: [] as Series }))
    const thetas: Float64Array[] = lambdas.map(() => new Float64Array(3))
    let diverged = lambdas.map(() => false)
    const extra: ClassificationExtra = { x: data.x, labels: data.labels, box: dataBox(data.x), lambdas, thetas, kind, decayBias, closedForms }
    const trainer = createTrainer({
      model: logisticRegression(2),
      optimizer: momentum > 0 ? { name: 'momentum', momentum } : { name: 'sgd' },
      runs: lambdas.map(l => ({ eta, lambda: l })),
      train: { n, d: 2, x: data.x, y: Float64Array.from(data.labels) },
      decayBias,
      seed,
      init: (_, rows) => new Float64Array(rows),
    })
    // Chunks between checkpoints grow with t (2% of the steps so far, at most 25: ~0.1-0.2 ms a step on wasm): a slide
    // that draws one chunk per frame then moves at an even pace in log t, the axis the norm grows along. Past 50k
    // steps the cap is steps/2000, so that the linear stretch stays under 2000 frames.
    const cap = Math.max(25, Math.ceil(steps / 2000))
    const chunkAt = (taken: number) => Math.min(cap, Math.max(1, Math.ceil(0.02 * taken)))
    try {
      for (const t of logSchedule(steps, perDecade)) {
        while (trainer.stepsTaken < t) {
          trainer.step(Math.min(chunkAt(trainer.stepsTaken), t - trainer.stepsTaken))
          const reached = trainer.stepsTaken === t
          // Without a watcher the weights are read only where the series record them.
          if (!reached && !hooks?.checkpoint)
            continue
          const w = await trainer.parameter('w')
          const b = await trainer.parameter('b')
          lambdas.forEach((_, r) => {
            thetas[r] = Float64Array.from([w[r], w[2 + r], b[r]])
            if (!reached)
              return
            const summary = logisticSummary(data.x, data.labels, thetas[r])
            series[r].weightNorm.push([t, Math.hypot(w[r], w[2 + r])])
            series[r].maxProbability.push([t, summary.maxProbability])
            series[r].oneMinusMaxProbability.push([t, summary.oneMinusMax])
            series[r].trainingLoss.push([t, summary.loss])
          })
          const done = trainer.stepsTaken
          await hooks?.checkpoint?.(() => ({
            done,
            total: steps,
            runs: lambdas.map((l, r) => ({ label: runLabel(l), series: series[r] })),
            theory,
            extra: extra as unknown as Record<string, unknown>,
          }))
        }
      }
      diverged = (await trainer.metrics()).diverged
    }
    finally {
      trainer.dispose()
    }

    const valueAt = (s: Series, t: number) => s.find(([step]) => step === t)?.[1] ?? Number.NaN
    const lastDecade = 10 ** Math.floor(Math.log10(steps))
    const runs: Array<RunResult<Metric>> = lambdas.map((l, r) => {
      const summary = logisticSummary(data.x, data.labels, thetas[r])
      const penalty = [l, l, decayBias ? l : 0]
      const norm = series[r].weightNorm
      const final: Partial<Record<Metric, number>> = {
        weightNorm: Math.hypot(thetas[r][0], thetas[r][1]),
        maxProbability: summary.maxProbability,
        oneMinusMaxProbability: summary.oneMinusMax,
        accuracy: summary.accuracy,
        trainingLoss: summary.loss,
        w1: thetas[r][0],
        w2: thetas[r][1],
        b: thetas[r][2],
        gradientNorm: Math.hypot(...summary.gradient.map((g, k) => g + penalty[k] * thetas[r][k])),
      }
      // Growth of ||w|| per decade of steps, for every full decade 1..10..100..: equal increments = linear in log t.
      for (let t = 1, k = 1; t * 10 <= steps; t *= 10, k++)
        final[`normIncrementDecade${k}`] = valueAt(norm, t * 10) - valueAt(norm, t)
      if (lastDecade >= 10)
        final.normIncrementLastDecade = valueAt(norm, lastDecade) - valueAt(norm, lastDecade / 10)
      if (hat) {
        const cos = (thetas[r][0] * hat[0] + thetas[r][1] * hat[1]) / (Math.hypot(thetas[r][0], thetas[r][1]) * Math.hypot(hat[0], hat[1]))
        final.angleToMaxMargin = Math.acos(Math.min(1, cos)) * 180 / Math.PI
      }
      if (l > 0 && kind !== 'separable') {
        // Relative shrink of each weight against the run without decay (both converged when steps suffice).
        final.shrinkW1 = thetas[r][0] / thetas[0][0]
        final.shrinkW2 = thetas[r][1] / thetas[0][1]
      }
      return { label: runLabel(l), series: series[r], final: { ...final, ...closedForms[r] }, diverged: diverged[r] }
    })

    return { id: 'classification', config, backend: tf.getBackend(), runs, theory, extra: extra as unknown as Record<string, unknown> }
  },
})
