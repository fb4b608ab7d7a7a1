/**
 * Float64 helpers shared by the linear-regression experiments ('overfitting', 'lambda-sweep', 'regularization-paths',
 * 'l1-l2-geometry'): the references the float32 runs are compared with, and the learning-rate check.
 *
 * Conventions: squared loss with the 1/2 as a mean over examples, 1/(2n)||Xw + b - y||^2; ridge penalty
 * (lambda/2)||w||^2, lasso penalty lambda||w||_1; the bias is never penalised.
 */
import type { RegressionSet } from '../core/datasets'
import { gram, solveSpd } from '../core/linalg'
import { gdStableLearningRate } from '../core/theory'

/** Gradient descent on curvatures up to hMax with penalties up to lambdaMax: eta < 2/(h_max + lambda_max). */
export function requireStableEta(field: string, eta: number, hMax: number, lambdaMax: number): void {
  const limit = gdStableLearningRate(hMax, lambdaMax)
  if (!(eta < limit))
    throw new Error(`${field}: gradient descent needs eta < 2/(h_max + lambda_max) = ${limit.toPrecision(4)}, got ${eta}`)
}

/** `count` log-spaced values from `min` to `max`, both included. */
export function logSpace(min: number, max: number, count: number): number[] {
  if (count === 1)
    return [min]
  const a = Math.log(min)
  const b = Math.log(max)
  // The ends exactly, not exp(log(min)).
  return Array.from({ length: count }, (_, i) => i === 0 ? min : i === count - 1 ? max : Math.exp(a + (b - a) * i / (count - 1)))
}

/** Column `run` of a [rows, runs] row-major array. */
export function column(values: ArrayLike<number>, rows: number, runs: number, run: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, j) => values[j * runs + run])
}

/** 1/(2n) sum (x_i.w + b - y_i)^2: the models' squared loss with the 1/2. */
export function halfMse(set: RegressionSet, w: ArrayLike<number>, b: number): number {
  const { n, d, x, y } = set
  let sum = 0
  for (let i = 0; i < n; i++) {
    let r = b - y[i]
    for (let j = 0; j < d; j++)
      r += x[i * d + j] * w[j]
    sum += r * r
  }
  return sum / (2 * n)
}

export const norm2 = (w: ArrayLike<number>) => Math.hypot(...Array.from(w))

/** The training set with its column means and target mean removed, and those means. */
export function centre(set: RegressionSet): { centred: RegressionSet, xMean: Float64Array, yMean: number } {
  const { n, d } = set
  const xMean = new Float64Array(d)
  let yMean = 0
  for (let i = 0; i < n; i++) {
    yMean += set.y[i] / n
    for (let j = 0; j < d; j++)
      xMean[j] += set.x[i * d + j] / n
  }
  return { centred: shift(set, xMean, yMean), xMean, yMean }
}

/** x - xMean, y - yMean (the test set is shifted by the training means). */
export function shift(set: RegressionSet, xMean: Float64Array, yMean: number): RegressionSet {
  const { n, d } = set
  return {
    n,
    d,
    x: Float64Array.from(set.x, (v, k) => v - xMean[k % d]),
    y: Float64Array.from(set.y, v => v - yMean),
  }
}

/** X X^T for X with n rows and d columns (the n x n kernel matrix). */
export function rowGram(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    rowGramRow(out, x, n, d, i)
  return out
}

/** Row i of X X^T (and its mirror in column i), from the diagonal on: one step of `rowGram`, for callers that pace it. */
export function rowGramRow(out: Float64Array, x: Float64Array, n: number, d: number, i: number): void {
  for (let k = i; k < n; k++) {
    let sum = 0
    for (let j = 0; j < d; j++)
      sum += x[i * d + j] * x[k * d + j]
    out[i * n + k] = sum
    out[k * n + i] = sum
  }
}

/**
 * The part of w orthogonal to the span of the rows of X: w - X^T (X X^T)^{-1} X w (rows linearly independent).
 * `xxT` is X X^T when the caller has it (`rowGramPaced`).
 */
export function outsideRowSpan(x: Float64Array, n: number, d: number, w: ArrayLike<number>, xxT?: Float64Array): Float64Array {
  const xw = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      xw[i] += x[i * d + j] * w[j]
  }
  const z = solveSpd(xxT ?? rowGram(x, n, d), xw)
  const out = Float64Array.from(w)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      out[j] -= x[i * d + j] * z[i]
  }
  return out
}

/**
 * Eigenvalues (ascending) of a symmetric n x n matrix by cyclic Jacobi rotations; the core's linalg has no
 * eigen-solver, and the learning-rate checks and convergence bounds need h_max and h_min.
 */
function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix)
  const total = a.reduce((s, v) => s + v * v, 0)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++)
        off += a[p * n + q] ** 2
    }
    if (off <= 1e-30 * total)
      break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]
        if (apq === 0)
          continue
        // Rotation that zeroes a_pq (A <- J^T A J), the stable choice of Numerical Recipes 11.1.
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]
          const akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]
          const aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a[i * n + i]).sort()
}

/** Largest and smallest nonzero eigenvalue of X^T X / n (computed from the smaller of X^T X and X X^T). */
export function curvatureRange(set: RegressionSet): { hMax: number, hMin: number } {
  const { n, d, x } = set
  const small = n <= d ? rowGram(x, n, d) : gram(x, n, d)
  const size = Math.min(n, d)
  const eig = symmetricEigenvalues(small.map(v => v / n), size)
  const hMax = eig[size - 1]
  // Eigenvalues below this are zero up to rounding (e.g. the one that centring removes).
  const nonzero = Array.from(eig).filter(v => v > 1e-9 * hMax)
  return { hMax, hMin: nonzero[0] ?? 0 }
}
