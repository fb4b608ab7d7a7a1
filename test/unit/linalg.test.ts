import { describe, expect, it } from 'vitest'
import { gram, solveSpd, transposeTimes } from '../../src/core/linalg'
import { createPacer, gramPaced, rowGramPaced, solveSpdPaced } from '../../src/experiments/pacing'
import { outsideRowSpan, rowGram } from '../../src/experiments/regression-common'

describe('float64 linear algebra', () => {
  it('forms A^T A and A^T y', () => {
    const a = Float64Array.from([1, 2, 3, 4, 5, 6]) // 3 x 2
    expect(Array.from(gram(a, 3, 2))).toEqual([35, 44, 44, 56])
    expect(Array.from(transposeTimes(a, 3, 2, Float64Array.from([1, 0, -1])))).toEqual([-4, -4])
  })

  it('solves a symmetric positive definite system', () => {
    const s = Float64Array.from([4, 2, 0, 2, 5, 1, 0, 1, 3])
    const x = Float64Array.from([1, -2, 0.5])
    const b = Float64Array.from([4 * 1 + 2 * -2, 2 * 1 + 5 * -2 + 0.5, -2 + 1.5])
    const solved = solveSpd(s, b)
    solved.forEach((v, i) => expect(v).toBeCloseTo(x[i], 12))
  })

  it('refuses a matrix that is not positive definite', () => {
    expect(() => solveSpd(Float64Array.from([1, 2, 2, 1]), Float64Array.from([1, 1]))).toThrow(/positive definite/)
  })
})

describe('paced set-up (src/experiments/pacing.ts)', () => {
  it('gives the same bits as gram and solveSpd, with a checkpoint every few million operations', async () => {
    const rows = 40
    const cols = 30
    const a = Float64Array.from({ length: rows * cols }, (_, k) => Math.sin(1.3 * k) + 0.1 * Math.cos(7 * k))
    let checkpoints = 0
    const pace = createPacer(() => {
      checkpoints++
    }, 2000)
    const s = await gramPaced(a, rows, cols, pace)
    expect(s).toEqual(gram(a, rows, cols))
    for (let i = 0; i < cols; i++)
      s[i * cols + i] += 0.5
    const b = Float64Array.from({ length: cols }, (_, k) => k - 3)
    expect(await solveSpdPaced(s, b, pace)).toEqual(solveSpd(s, b))
    // rows * cols(cols+1)/2 + sum_i i(i+1)/2 units: at most one checkpoint per 2000, and some.
    const units = rows * cols * (cols + 1) / 2 + Array.from({ length: cols }, (_, i) => i * (i + 1) / 2).reduce((x, y) => x + y)
    expect(checkpoints).toBeGreaterThan(units / 2000 / 2)
    expect(checkpoints).toBeLessThanOrEqual(units / 2000)
  })

  it('gives the same bits as rowGram, paced by rows, and outsideRowSpan the same with it', async () => {
    const rows = 12
    const cols = 50
    // Independent rows: a hash of k, not a smooth function of it.
    const x = Float64Array.from({ length: rows * cols }, (_, k) => (Math.sin(12.9898 * k + 1) * 43758.5453) % 1)
    let checkpoints = 0
    const pace = createPacer(() => {
      checkpoints++
    }, 500)
    const xxT = await rowGramPaced(x, rows, cols, pace)
    expect(xxT).toEqual(rowGram(x, rows, cols))
    // cols * (rows - i) units per row: at most one checkpoint per 500, and some.
    const units = cols * rows * (rows + 1) / 2
    expect(checkpoints).toBeGreaterThan(units / 500 / 2)
    expect(checkpoints).toBeLessThanOrEqual(units / 500)
    const w = Float64Array.from({ length: cols }, (_, k) => 1 / (k + 1))
    expect(outsideRowSpan(x, rows, cols, w, xxT)).toEqual(outsideRowSpan(x, rows, cols, w))
  })
})
