/**
 * Full-batch gradient descent on a small ridge regression, several lambdas at once.
 *
 * Objective per run (the 1/2 is in the loss, the penalty is lambda/2 ||w||^2, as in science.md):
 *   J(w) = 1/(2n) ||X w - y||^2 + lambda/2 ||w||^2
 * Gradient: X^T (X w - y) / n + lambda w, written by hand so a step is a handful of kernels.
 */
import * as tf from '@tensorflow/tfjs-core'
import { createRng, normalMatrix } from './random'
import { ridgeSolution as closedFormRidge } from './theory'

export interface RidgeGdConfig {
  /** Training examples. */
  n: number
  /** Features. */
  d: number
  /** One run per lambda, trained as one batch. */
  lambdas: number[]
  /** Learning rate. */
  eta: number
  /** Standard deviation of the label noise. */
  noise: number
  /** Steps a finished run has taken. */
  steps: number
  seed: number
}

export const ridgeGdDefaults: Readonly<RidgeGdConfig> = {
  n: 40,
  d: 8,
  lambdas: [0, 0.5],
  eta: 0.05,
  noise: 0.5,
  steps: 300,
  seed: 1,
}

export interface RegressionData {
  n: number
  d: number
  /** n x d, row-major. */
  x: Float64Array
  y: Float64Array
  /** Initial weights, shared by every run of a batch. */
  w0: Float64Array
}

export function makeRidgeData(config: RidgeGdConfig): RegressionData {
  const { n, d, noise, seed } = config
  const rng = createRng(seed)
  const x = normalMatrix(rng, n, d)
  const wTrue = normalMatrix(rng, d, 1)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let dot = 0
    for (let j = 0; j < d; j++)
      dot += x[i * d + j] * wTrue[j]
    y[i] = dot + noise * rng.normal()
  }
  const w0 = normalMatrix(rng, d, 1)
  return { n, d, x, y, w0 }
}

/** The closed-form minimiser for this data set (theory.ts: (X^T X / n + lambda I)^{-1} X^T y / n). */
export function ridgeSolution(data: RegressionData, lambda: number): Float64Array {
  return closedFormRidge(data.x, data.n, data.d, data.y, lambda)
}

/** J(w) in float64, the reference the tfjs runs are checked against. */
export function ridgeObjective(data: RegressionData, w: ArrayLike<number>, lambda: number): number {
  const { n, d, x, y } = data
  let residual = 0
  for (let i = 0; i < n; i++) {
    let r = -y[i]
    for (let j = 0; j < d; j++)
      r += x[i * d + j] * w[j]
    residual += r * r
  }
  let norm = 0
  for (let j = 0; j < d; j++)
    norm += w[j] * w[j]
  return residual / (2 * n) + (lambda / 2) * norm
}

export interface RidgeMetrics {
  step: number
  /** J(w) per run; NaN once a run has diverged. */
  objective: Float64Array
  /** ||w|| per run. */
  weightNorm: Float64Array
}

export interface RidgeTrainer {
  readonly stepsTaken: number
  /** Enqueues `count` steps for every run; reads nothing back. */
  step: (count: number) => void
  /** Reads the current metrics back without blocking the frame. */
  metrics: () => Promise<RidgeMetrics>
  /** Weights, d x B row-major. */
  weights: () => Promise<Float64Array>
  dispose: () => void
}

export function createRidgeTrainer(data: RegressionData, config: Pick<RidgeGdConfig, 'lambdas' | 'eta'>): RidgeTrainer {
  const { n, d } = data
  const runs = config.lambdas.length
  if (runs === 0)
    throw new Error('lambdas: at least one run is needed')
  config.lambdas.forEach((lambda, i) => {
    if (!(lambda >= 0))
      throw new Error(`lambdas[${i}]: must be a number >= 0, got ${lambda}`)
  })
  if (!(config.eta > 0))
    throw new Error(`eta: must be a number > 0, got ${config.eta}`)

  const x = tf.tensor2d(Float32Array.from(data.x), [n, d])
  // Kept transposed too: tfjs-wasm's matMul with transposeA is about 10x slower than a plain one.
  const xT = tf.transpose(x)
  const y = tf.tensor2d(Float32Array.from(data.y), [n, 1])
  // Pre-tiled [d, B] rather than broadcast [1, B]: much faster on the cpu backend (performance.md).
  const lambdaRow = tf.tensor1d(config.lambdas)
  const lambdaGrid = tf.tidy(() => tf.tile(tf.reshape(lambdaRow, [1, runs]), [d, 1]))
  // Built inside tidy: a variable copies its initial value, which must not be left behind.
  const w = tf.tidy(() => tf.variable(tf.tile(tf.tensor2d(Float32Array.from(data.w0), [d, 1]), [1, runs])))
  const eta = tf.scalar(config.eta)
  const invN = tf.scalar(1 / n)
  let stepsTaken = 0

  const step = (count: number) => {
    for (let k = 0; k < count; k++) {
      tf.tidy(() => {
        const residual = tf.sub(tf.matMul(x, w), y)
        const gradient = tf.add(tf.mul(tf.matMul(xT, residual), invN), tf.mul(lambdaGrid, w))
        w.assign(tf.sub(w, tf.mul(eta, gradient)))
      })
    }
    stepsTaken += count
  }

  const metrics = async (): Promise<RidgeMetrics> => {
    const at = stepsTaken
    const [objective, norm] = tf.tidy(() => {
      const residual = tf.sub(tf.matMul(x, w), y)
      const squaredNorm = tf.sum(tf.square(w), 0)
      const fit = tf.div(tf.sum(tf.square(residual), 0), 2 * n)
      const penalty = tf.mul(tf.mul(lambdaRow, squaredNorm), 0.5)
      return [tf.add(fit, penalty), tf.sqrt(squaredNorm)]
    })
    const [objectiveValues, normValues] = await Promise.all([objective.data(), norm.data()])
    objective.dispose()
    norm.dispose()
    return { step: at, objective: Float64Array.from(objectiveValues), weightNorm: Float64Array.from(normValues) }
  }

  const weights = async () => Float64Array.from(await w.data())

  const dispose = () => {
    tf.dispose([x, xT, y, lambdaRow, lambdaGrid, w, eta, invN])
  }

  return {
    get stepsTaken() { return stepsTaken },
    step,
    metrics,
    weights,
    dispose,
  }
}
