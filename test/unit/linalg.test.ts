import { describe, expect, it } from 'vitest'
import { gram, solveSpd, transposeTimes } from '../../src/core/linalg'

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
