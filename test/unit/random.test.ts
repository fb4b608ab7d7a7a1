import { describe, expect, it } from 'vitest'
import { createRng, deriveSeed, normalMatrix } from '../../src/core/random'

describe('createRng', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    const a = normalMatrix(createRng(7), 10, 10)
    const b = normalMatrix(createRng(7), 10, 10)
    const c = normalMatrix(createRng(8), 10, 10)
    expect(Array.from(a)).toEqual(Array.from(b))
    expect(Array.from(a)).not.toEqual(Array.from(c))
  })

  it('derives independent streams from one seed', () => {
    expect(deriveSeed(1, 'trainer')).toBe(deriveSeed(1, 'trainer'))
    expect(deriveSeed(1, 'trainer')).not.toBe(deriveSeed(1, 'data'))
    expect(deriveSeed(1, 'trainer')).not.toBe(deriveSeed(2, 'trainer'))
    expect(createRng(deriveSeed(1, 'trainer')).normal()).not.toBe(createRng(1).normal())
  })

  it('draws standard normals', () => {
    const sample = normalMatrix(createRng(1), 200_000, 1)
    const mean = sample.reduce((s, v) => s + v, 0) / sample.length
    const variance = sample.reduce((s, v) => s + (v - mean) ** 2, 0) / sample.length
    expect(Math.abs(mean)).toBeLessThan(0.01)
    expect(Math.abs(variance - 1)).toBeLessThan(0.01)
  })

  it('draws uniforms in [0, 1)', () => {
    const rng = createRng(3)
    const sample = Array.from({ length: 100_000 }, () => rng.uniform())
    expect(Math.min(...sample)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...sample)).toBeLessThan(1)
    expect(Math.abs(sample.reduce((s, v) => s + v, 0) / sample.length - 0.5)).toBeLessThan(0.005)
  })
})
