/**
 * Set-up work split into checkpoints: data and closed forms that take longer than a frame at the costly corners of
 * the bounds (a 500 x 500 Cholesky, hundreds of test-loss evaluations) are done a piece at a time, with a
 * checkpoint after each few million operations, so that a slide never holds the page for more than a few
 * milliseconds. The pieces are counted in operations, not timed: a run reports the same checkpoints on every
 * machine, and small configurations (the tests') report none during set-up.
 *
 * `gramPaced` and `solveSpdPaced` run the steps of `gram` and `solveSpd` (src/core/linalg.ts) with a pace between
 * them: the results are bitwise equal.
 */
import { choleskyRow, gramAddRow, mirrorUpper, solveCholesky } from '../core/linalg'
import { rowGramRow } from './regression-common'

/**
 * Operations (multiply-adds) between two set-up checkpoints: under a millisecond of compiled scalar JS, 10-15 ms of
 * code that the page has not compiled yet (a set-up runs once per run: 25 ns per operation in Chromium here, where
 * 4 million made 60 ms tasks). A checkpoint draws only once the run control's frame budget is spent, so many small
 * pieces cost no more frames than a few large ones.
 */
export const SETUP_OPERATIONS = 500_000

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
    gramAddRow(out, a, r, cols)
    await pace(cols * (cols + 1) / 2)
  }
  return mirrorUpper(out, cols)
}

/** Solves S x = b for a symmetric positive definite S by Cholesky, paced by rows of the factor; the same as `solveSpd`. */
export async function solveSpdPaced(s: Float64Array, b: Float64Array, pace: (units: number) => Promise<void> | undefined): Promise<Float64Array> {
  const n = b.length
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    choleskyRow(s, l, i, n)
    await pace(i * (i + 1) / 2)
  }
  return solveCholesky(l, b)
}

/**
 * X X^T for X with `rows` rows and `cols` columns, paced by rows; the same sums as `rowGram`. A set-up runs it once
 * per run, so the page may run it before it is compiled: 212 ms for 100 x 500 in Chromium here, against 8 ms later.
 */
export async function rowGramPaced(x: Float64Array, rows: number, cols: number, pace: (units: number) => Promise<void> | undefined): Promise<Float64Array> {
  const out = new Float64Array(rows * rows)
  for (let i = 0; i < rows; i++) {
    rowGramRow(out, x, rows, cols, i)
    await pace(cols * (rows - i))
  }
  return out
}
