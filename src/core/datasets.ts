/**
 * Seeded data sets for the demos and the tests. Framework-free on purpose: the same arrays feed the tfjs
 * training core, the float64 closed forms and the unit tests. Matrices are row-major Float64Array.
 */
import type { Rng } from './random'
import { createRng, normalMatrix } from './random'

export interface RegressionSet {
  n: number
  d: number
  /** n x d, row-major. */
  x: Float64Array
  /** n targets. */
  y: Float64Array
}

export interface Split<T> {
  train: T
  test: T
}

export interface ClassificationSet {
  n: number
  d: number
  /** n x d, row-major. */
  x: Float64Array
  /** n labels in 0 .. classes - 1. */
  labels: Int32Array
  classes: number
}

export interface Ridge1dData {
  n: number
  replicates: number
  /** replicates x n, row-major: one row per replicate. */
  x: Float64Array
  /** replicates x n, row-major. */
  y: Float64Array
}

export type Classification2dKind = 'separable' | 'overlapping' | 'imbalanced' | 'unscaled'

// --- validation: every message starts with the field name, so a bad slider or CLI flag is easy to trace.

function requireInteger(field: string, value: number): number {
  // Integers only: createRng truncates, so 1.2 and 1.7 would silently give the same data.
  if (!Number.isSafeInteger(value))
    throw new Error(`${field}: must be an integer, got ${value}`)
  return value
}

function requirePositiveInteger(field: string, value: number, min = 1): number {
  if (!Number.isSafeInteger(value) || value < min) {
    const what = min === 1 ? 'a positive integer' : `an integer >= ${min}`
    throw new Error(`${field}: must be ${what}, got ${value}`)
  }
  return value
}

function requireFinite(field: string, value: number): number {
  if (!Number.isFinite(value))
    throw new Error(`${field}: must be a finite number, got ${value}`)
  return value
}

function requireNonNegative(field: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${field}: must be a finite number >= 0, got ${value}`)
  return value
}

// --- regression

/**
 * The d2l "high-dimensional linear regression" experiment (science.md section 11):
 * `y = 0.05 + sum_i 0.01 x_i + eps`, `x ~ N(0, I_d)`, `eps ~ N(0, noise^2)`.
 * With 20 examples and 200 features the unregularised fit interpolates the training set, which is the point.
 */
export function d2lRegression(options: {
  seed: number
  nTrain?: number
  nTest?: number
  d?: number
  noise?: number
}): Split<RegressionSet> & { wTrue: Float64Array, bTrue: number } {
  const seed = requireInteger('seed', options.seed)
  const nTrain = requirePositiveInteger('nTrain', options.nTrain ?? 20)
  const nTest = requirePositiveInteger('nTest', options.nTest ?? 100)
  const d = requirePositiveInteger('d', options.d ?? 200)
  const noise = requireNonNegative('noise', options.noise ?? 0.01)

  const wTrue = new Float64Array(d).fill(0.01)
  const bTrue = 0.05
  const rng = createRng(seed)
  const draw = (n: number): RegressionSet => {
    const x = normalMatrix(rng, n, d)
    const y = new Float64Array(n)
    for (let r = 0; r < n; r++) {
      let sum = bTrue
      for (let j = 0; j < d; j++)
        sum += wTrue[j] * x[r * d + j]
      y[r] = sum + noise * rng.normal()
    }
    return { n, d, x, y }
  }
  // Train first, then test: growing nTest never changes the training set.
  const train = draw(nTrain)
  const test = draw(nTest)
  return { train, test, wTrue, bTrue }
}

/**
 * Monte Carlo replicates of the 1-D ridge problem of science.md section 2: `y = w* x + eps`,
 * `x ~ N(0, 1)`, `eps ~ N(0, sigma^2)`, each replicate its own fresh design and noise.
 */
export function ridge1dReplicates(options: {
  seed: number
  replicates: number
  n?: number
  wStar?: number
  sigma?: number
}): Ridge1dData {
  const seed = requireInteger('seed', options.seed)
  const replicates = requirePositiveInteger('replicates', options.replicates)
  const n = requirePositiveInteger('n', options.n ?? 20)
  const wStar = requireFinite('wStar', options.wStar ?? 5)
  const sigma = requireNonNegative('sigma', options.sigma ?? 10)

  const rng = createRng(seed)
  const x = new Float64Array(replicates * n)
  const y = new Float64Array(replicates * n)
  for (let i = 0; i < x.length; i++) {
    x[i] = rng.normal()
    y[i] = wStar * x[i] + sigma * rng.normal()
  }
  return { n, replicates, x, y }
}

/**
 * Each replicate's closed-form minimiser of `(1/n) sum (y - w x)^2 + lambda w^2` (mean loss, penalty without 1/2):
 * `w_hat = (sum x y / n) / (sum x^2 / n + lambda)`.
 */
export function ridge1dEstimates(data: Ridge1dData, lambda: number): Float64Array {
  requireNonNegative('lambda', lambda)
  const { n, replicates } = data
  if (data.x.length !== n * replicates || data.y.length !== n * replicates)
    throw new Error(`data: x and y must hold replicates x n = ${n * replicates} values`)
  const out = new Float64Array(replicates)
  for (let r = 0; r < replicates; r++) {
    let sxy = 0
    let sxx = 0
    for (let i = r * n; i < (r + 1) * n; i++) {
      sxy += data.x[i] * data.y[i]
      sxx += data.x[i] * data.x[i]
    }
    out[r] = (sxy / n) / (sxx / n + lambda)
  }
  return out
}

// --- classification

/**
 * The line that 'separable' data are guaranteed to respect: every point satisfies
 * `(2 label - 1) * (normal . x + bias) >= margin`. The line passes through the origin (bias 0),
 * so a logistic model without a bias term already separates the data.
 */
export const SEPARABLE_LINE = {
  normal: [Math.SQRT1_2, Math.SQRT1_2] as const,
  bias: 0,
  margin: 0.5,
}

/** Rearranges the rows of x (d columns) and labels by one seeded Fisher-Yates permutation, so minibatches mix classes. */
function shuffleRows(rng: Rng, x: Float64Array, labels: Int32Array, d: number): void {
  for (let i = labels.length - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1))
    if (j === i)
      continue
    const label = labels[i]
    labels[i] = labels[j]
    labels[j] = label
    for (let k = 0; k < d; k++) {
      const value = x[i * d + k]
      x[i * d + k] = x[j * d + k]
      x[j * d + k] = value
    }
  }
}

/** Class sizes that differ by at most one. */
function balancedCounts(n: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, k) => Math.floor(n / classes) + (k < n % classes ? 1 : 0))
}

/**
 * Two isotropic Gaussian blobs (unit std) in 2-D with labels 0 and 1, centred at `-c (1, 1)` and `+c (1, 1)`.
 * - 'separable': c = 1.5; points closer than SEPARABLE_LINE.margin to the line `x1 + x2 = 0` (or on its wrong side)
 *   are redrawn, so the data are linearly separable through the origin with geometric margin >= 0.5.
 * - 'overlapping': c = 0.75, balanced classes; each mean is 1.06 std from the line `x1 + x2 = 0`, so the Bayes error is about 14%.
 * - 'imbalanced': as 'overlapping' but class 1 is the minority, about 1 in 10 (max(1, round(n/10)) points).
 * - 'unscaled': exactly 'overlapping' for the same seed, with feature 2 multiplied by 100, so one lambda acts unevenly.
 */
export function classification2d(kind: Classification2dKind, options: { seed: number, n?: number }): ClassificationSet {
  if (!['separable', 'overlapping', 'imbalanced', 'unscaled'].includes(kind))
    throw new Error(`kind: must be one of separable, overlapping, imbalanced, unscaled, got '${kind}'`)
  const seed = requireInteger('seed', options.seed)
  const n = requirePositiveInteger('n', options.n ?? 200, 2)

  const center = kind === 'separable' ? 1.5 : 0.75
  const minority = Math.max(1, Math.round(n / 10))
  const counts = kind === 'imbalanced' ? [n - minority, minority] : balancedCounts(n, 2)

  const rng = createRng(seed)
  const d = 2
  const x = new Float64Array(n * d)
  const labels = new Int32Array(n)
  const tooClose = (sign: number, x1: number, x2: number) => kind === 'separable'
    && sign * (SEPARABLE_LINE.normal[0] * x1 + SEPARABLE_LINE.normal[1] * x2 + SEPARABLE_LINE.bias) < SEPARABLE_LINE.margin
  let row = 0
  for (let label = 0; label < 2; label++) {
    const sign = 2 * label - 1
    for (let i = 0; i < counts[label]; i++, row++) {
      let x1 = sign * center + rng.normal()
      let x2 = sign * center + rng.normal()
      // Rejection keeps the two coordinates jointly Gaussian conditioned on the margin; the acceptance rate is ~95%.
      while (tooClose(sign, x1, x2)) {
        x1 = sign * center + rng.normal()
        x2 = sign * center + rng.normal()
      }
      x[row * d] = x1
      x[row * d + 1] = kind === 'unscaled' ? 100 * x2 : x2
      labels[row] = label
    }
  }
  shuffleRows(rng, x, labels, d)
  return { n, d, x, labels, classes: 2 }
}

/**
 * Interleaved spiral arms in 2-D, one per class (labels 0 .. classes - 1), for a small MLP: no linear model separates them.
 * Arm k starts at radius 0.15 and winds 1.25 turns out to radius 1; `noise` (default 0.05) is the std of Gaussian noise
 * added to each coordinate. Class sizes differ by at most one.
 */
export function spiral(options: { seed: number, n?: number, classes?: number, noise?: number }): ClassificationSet {
  const seed = requireInteger('seed', options.seed)
  const classes = requirePositiveInteger('classes', options.classes ?? 2, 2)
  const n = requirePositiveInteger('n', options.n ?? 300, classes)
  const noise = requireNonNegative('noise', options.noise ?? 0.05)

  const rng = createRng(seed)
  const d = 2
  const x = new Float64Array(n * d)
  const labels = new Int32Array(n)
  const counts = balancedCounts(n, classes)
  let row = 0
  for (let k = 0; k < classes; k++) {
    for (let i = 0; i < counts[k]; i++, row++) {
      // Points spaced evenly along the arm, so each arm is covered whatever n is.
      const t = (i + 0.5) / counts[k]
      const radius = 0.15 + 0.85 * t
      const angle = (2 * Math.PI * k) / classes + 2 * Math.PI * 1.25 * t
      x[row * d] = radius * Math.cos(angle) + noise * rng.normal()
      x[row * d + 1] = radius * Math.sin(angle) + noise * rng.normal()
      labels[row] = k
    }
  }
  shuffleRows(rng, x, labels, d)
  return { n, d, x, labels, classes }
}

/**
 * Two concentric circles (as scikit-learn's make_circles): label 0 on radius 1, label 1 on radius 0.5, at uniformly
 * random angles; `noise` (default 0.08) is the std of Gaussian noise added to each coordinate. Balanced classes.
 */
export function circles(options: { seed: number, n?: number, noise?: number }): ClassificationSet {
  const seed = requireInteger('seed', options.seed)
  const n = requirePositiveInteger('n', options.n ?? 200, 2)
  const noise = requireNonNegative('noise', options.noise ?? 0.08)

  const rng = createRng(seed)
  const d = 2
  const x = new Float64Array(n * d)
  const labels = new Int32Array(n)
  const counts = balancedCounts(n, 2)
  let row = 0
  for (let label = 0; label < 2; label++) {
    const radius = label === 0 ? 1 : 0.5
    for (let i = 0; i < counts[label]; i++, row++) {
      const angle = 2 * Math.PI * rng.uniform()
      x[row * d] = radius * Math.cos(angle) + noise * rng.normal()
      x[row * d + 1] = radius * Math.sin(angle) + noise * rng.normal()
      labels[row] = label
    }
  }
  shuffleRows(rng, x, labels, d)
  return { n, d, x, labels, classes: 2 }
}

/**
 * Column-wise z-scores of an n x d matrix (population std, divisor n). A constant column gets std 1 rather than 0,
 * so it maps to zeros instead of NaN. Returns a new matrix; apply the same mean and std to test data.
 */
export function standardize(x: Float64Array, n: number, d: number): { x: Float64Array, mean: Float64Array, std: Float64Array } {
  requirePositiveInteger('n', n)
  requirePositiveInteger('d', d)
  if (x.length !== n * d)
    throw new Error(`x: must hold n x d = ${n * d} values, got ${x.length}`)
  const mean = new Float64Array(d)
  const std = new Float64Array(d)
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++)
      mean[j] += x[r * d + j]
  }
  for (let j = 0; j < d; j++)
    mean[j] /= n
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++)
      std[j] += (x[r * d + j] - mean[j]) ** 2
  }
  for (let j = 0; j < d; j++)
    std[j] = Math.sqrt(std[j] / n) || 1
  const out = new Float64Array(n * d)
  for (let r = 0; r < n; r++) {
    for (let j = 0; j < d; j++)
      out[r * d + j] = (x[r * d + j] - mean[j]) / std[j]
  }
  return { x: out, mean, std }
}
