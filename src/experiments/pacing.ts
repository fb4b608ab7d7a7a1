/**
 * Set-up work split into checkpoints: data and closed forms that take longer than a frame at the costly corners of
 * the bounds (a 500 x 500 Cholesky, hundreds of test-loss evaluations) are done a piece at a time, with a
 * checkpoint after each few million operations, so that a slide never holds the page for more than a few
 * milliseconds. The pieces are counted in operations, not timed: a run reports the same checkpoints on every
 * machine, and small configurations (the tests') report none during set-up.
 *
 * `gramPaced` and `solveSpdPaced` do exactly the arithmetic of `gram` and `solveSpd` (src/core/linalg.ts), in the
 * same order: the results are bitwise equal.
 */

/** Operations (multiply-adds) between two set-up checkpoints: about 4 ms of scalar JS. */
export const SETUP_OPERATIONS = 4_000_000

/** Counts work; calls `checkpoint` each time `every` units have been done since the last one. */
export function createPacer(checkpoint: (() => void | Promise<void>) | undefined, every = SETUP_OPERATIONS): (units: number) => Promise<void> | undefined {
  let work = 0
  return (units) => {
    work += units
    if (!checkpoint || work < every)
      return undefined
    work = 0
    return Promise.resolve(checkpoint())
  }
}

/** A^T A for A with `rows` rows and `cols` columns, paced by rows; the same sums as `gram`. */
export async function gramPaced(a: Float64Array, rows: number, cols: number, pace: (units: number) => Promise<void> | undefined): Promise<Float64Array> {
  const out = new Float64Array(cols * cols)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < cols; i++) {
      const ai = a[r * cols + i]
      for (let j = i; j < cols; j++)
        out[i * cols + j] += ai * a[r * cols + j]
    }
    await pace(cols * (cols + 1) / 2)
  }
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < i; j++)
      out[i * cols + j] = out[j * cols + i]
  }
  return out
}

/** Solves S x = b for a symmetric positive definite S by Cholesky, paced by rows of the factor; the same as `solveSpd`. */
export async function solveSpdPaced(s: Float64Array, b: Float64Array, pace: (units: number) => Promise<void> | undefined): Promise<Float64Array> {
  const n = b.length
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = s[i * n + j]
      for (let k = 0; k < j; k++)
        sum -= l[i * n + k] * l[j * n + k]
      if (i === j) {
        if (!(sum > 0))
          throw new Error('solveSpd: matrix is not positive definite')
        l[i * n + i] = Math.sqrt(sum)
      }
      else {
        l[i * n + j] = sum / l[j * n + j]
      }
    }
    await pace(i * (i + 1) / 2)
  }
  const z = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = b[i]
    for (let k = 0; k < i; k++)
      sum -= l[i * n + k] * z[k]
    z[i] = sum / l[i * n + i]
  }
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]
    for (let k = i + 1; k < n; k++)
      sum -= l[k * n + i] * x[k]
    x[i] = sum / l[i * n + i]
  }
  return x
}
