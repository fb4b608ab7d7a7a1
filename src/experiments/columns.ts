/**
 * Runs side by side as the columns of one [rows, B] tensor (effective-lr, batch-size-noise, low-precision,
 * relu-rescaling): per-column sums, norms and angles, a shared starting weight, and the noise gradient of a
 * scale-invariant weight.
 */
import * as tf from '@tensorflow/tfjs-core'
import { createRng, normalMatrix } from '../core/random'

/**
 * Column sums of [d, B] tensors and the spreading of a [1, B] row over d rows, both as matrix products:
 * on the cpu backend a reduction over axis 0 transposes first, and broadcasting is slow, several times
 * slower than these products.
 */
export interface ColumnOps {
  sum: (x: tf.Tensor) => tf.Tensor
  spread: (row: tf.Tensor) => tf.Tensor
  dispose: () => void
}

export function columnOps(d: number): ColumnOps {
  const row = tf.ones([1, d])
  const column = tf.ones([d, 1])
  return {
    sum: x => tf.matMul(row, x as tf.Tensor2D),
    spread: r => tf.matMul(column, r as tf.Tensor2D),
    dispose: () => tf.dispose([row, column]),
  }
}

/** Per-column angle (radians) between a and b, [1, B]. */
export function columnAngle({ sum }: ColumnOps, a: tf.Tensor, b: tf.Tensor): tf.Tensor {
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
export function scaleInvariantNoise({ sum, spread }: ColumnOps, w: tf.Tensor, seed: number, scale?: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const xi = tf.randomNormal(w.shape, 0, 1, 'float32', seed)
    const norm = spread(tf.sqrt(sum(tf.square(w))))
    const unit = tf.div(w, norm)
    const g = tf.div(tf.sub(xi, tf.mul(unit, spread(sum(tf.mul(unit, xi))))), norm)
    return scale ? tf.mul(g, scale) : g
  })
}

/** Euclidean norm of a plain array (a loop: Math.hypot(...x) overflows the call stack for long arrays). */
export function euclidean(values: ArrayLike<number>): number {
  let sum = 0
  for (let i = 0; i < values.length; i++)
    sum += values[i] * values[i]
  return Math.sqrt(sum)
}

/** A [d, B] starting weight: one seeded Gaussian direction shared by every column, scaled to `norm`. */
export function startingWeight(seed: number, d: number, runs: number, norm: number): Float32Array {
  const direction = normalMatrix(createRng(seed), d, 1)
  const length = euclidean(direction)
  const out = new Float32Array(d * runs)
  for (let i = 0; i < d; i++)
    out.fill(direction[i] * norm / length, i * runs, (i + 1) * runs)
  return out
}

/** Norm of each column of a row-major [rows, runs] array. */
export function columnNorms(values: Float64Array, rows: number, runs: number): number[] {
  return Array.from({ length: runs }, (_, b) => {
    let sum = 0
    for (let r = 0; r < rows; r++)
      sum += values[r * runs + b] ** 2
    return Math.sqrt(sum)
  })
}

/** Angle (radians) between each column of two row-major [rows, runs] arrays. */
export function columnAngles(before: Float64Array, after: Float64Array, rows: number, runs: number): number[] {
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
