import { beforeAll, describe, expect, it } from 'vitest'
import { mlpLayout } from '../../src/core/mlp/network'
import { applyUpdate, createOptimizerState } from '../../src/core/mlp/update'
import { createOptimizer } from '../../src/core/optimizers'
import { createSchedule, validateSchedule } from '../../src/core/schedules'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

describe('learning-rate schedules against their formulas', () => {
  it('constant is 1 everywhere', () => {
    const f = createSchedule({ name: 'constant', total: 10 })
    expect([0, 5, 9, 100].map(f)).toEqual([1, 1, 1, 1])
  })

  it('linear warmup rises as (s + 1) / W, then stays at 1', () => {
    const f = createSchedule({ name: 'warmup', total: 100, warmup: 4 })
    expect([0, 1, 2, 3, 4, 50].map(f)).toEqual([0.25, 0.5, 0.75, 1, 1, 1])
  })

  it('cosine falls as floor + (1 - floor)(1 + cos(pi s / T)) / 2', () => {
    const f = createSchedule({ name: 'cosine', total: 8, floor: 0.1 })
    for (let s = 0; s <= 8; s++)
      expect(f(s)).toBeCloseTo(0.1 + 0.9 * (1 + Math.cos(Math.PI * s / 8)) / 2, 14)
    expect(f(0)).toBe(1)
    expect(f(4)).toBeCloseTo(0.55, 14)
    expect(f(20)).toBeCloseTo(0.1, 14)
  })

  it('warmup + cosine: the warmup, then the cosine over the remaining updates', () => {
    const f = createSchedule({ name: 'warmup-cosine', total: 12, warmup: 2, floor: 0 })
    expect(f(0)).toBe(0.5)
    expect(f(1)).toBe(1)
    expect(f(2)).toBe(1)
    expect(f(7)).toBeCloseTo((1 + Math.cos(Math.PI * 5 / 10)) / 2, 14)
    expect(f(12)).toBeCloseTo(0, 14)
  })

  it('steps multiply by gamma every `every` updates', () => {
    const f = createSchedule({ name: 'steps', total: 90, every: 30, gamma: 0.5 })
    expect([0, 29, 30, 59, 60, 89].map(f)).toEqual([1, 1, 0.5, 0.5, 0.25, 0.25])
  })

  it('rejects a bad field by name', () => {
    expect(() => validateSchedule({ name: 'cosine', total: 0 })).toThrow(/^schedule.total/)
    expect(() => validateSchedule({ name: 'warmup', total: 5, warmup: 6 })).toThrow(/^schedule.warmup/)
    expect(() => validateSchedule({ name: 'cosine', total: 5, floor: 2 })).toThrow(/^schedule.floor/)
  })
})

/**
 * AdamW on f(w) = (h/2) w^2 with a cosine schedule over 4 updates, written out by hand: PyTorch's order, decay with
 * the scheduled rate first, then the bias-corrected Adam step, both scaled by eta_s = eta f(s).
 */
function adamwByHand(): number[] {
  const h = 2
  const eta = 0.1
  const lambda = 0.5
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8]
  const factors = [1, (1 + Math.SQRT1_2) / 2, 0.5, (1 - Math.SQRT1_2) / 2]
  let w = 1
  let m = 0
  let v = 0
  const out: number[] = []
  factors.forEach((f, s) => {
    const g = h * w
    const t = s + 1
    m = beta1 * m + (1 - beta1) * g
    v = beta2 * v + (1 - beta2) * g * g
    w = w - eta * f * lambda * w - eta * f * (m / (1 - beta1 ** t)) / (Math.sqrt(v / (1 - beta2 ** t)) + eps)
    out.push(w)
  })
  return out
}

describe('adamW under a cosine schedule', () => {
  const expected = adamwByHand()

  it('the hand computation starts as it should: one step of sign(g) and the decay', () => {
    // Step 1: m_hat / sqrt(v_hat) = g / |g| = 1, so w1 = 1 - 0.1 * 0.5 - 0.1.
    expect(expected[0]).toBeCloseTo(0.85, 7)
  })

  it('the small-MLP engine matches it (decayed weight; the bias is not decayed)', () => {
    const layout = mlpLayout({ inputs: 1, hidden: [], activation: 'tanh' })
    const schedule = createSchedule({ name: 'cosine', total: 4 })
    const params = Float64Array.from([1, 1])
    const state = createOptimizerState({ name: 'adamw' }, 2)
    const got: number[] = []
    for (let s = 0; s < 4; s++) {
      const grad = Float64Array.from([2 * params[0], 2 * params[1]])
      applyUpdate({ name: 'adamw' }, layout, params, 0, grad, state, 0.1 * schedule(s), 0.5, s + 1)
      got.push(params[0])
    }
    got.forEach((w, s) => expect(w).toBeCloseTo(expected[s], 12))
    // The bias (same gradient, no decay) ends higher than the weight.
    expect(params[1]).toBeGreaterThan(params[0])
  })

  it('the batched tfjs optimizer with a schedule matches it', () => {
    const w = tf.variable(tf.tensor2d([1], [1, 1]))
    const optimizer = createOptimizer({ name: 'adamw', schedule: createSchedule({ name: 'cosine', total: 4 }) }, [{ eta: 0.1, lambda: 0.5 }], { size: 1 })
    const got: number[] = []
    for (let s = 0; s < 4; s++) {
      const g = tf.mul(w, 2)
      optimizer.apply(w, g)
      g.dispose()
      got.push(w.dataSync()[0])
    }
    got.forEach((v, s) => expect(v).toBeCloseTo(expected[s], 6))
    optimizer.dispose()
    w.dispose()
  })

  it('a constant schedule leaves the tfjs optimizer exactly as without one', () => {
    const run = (schedule?: ReturnType<typeof createSchedule>) => {
      const w = tf.variable(tf.tensor2d([1, -2], [2, 1]))
      const optimizer = createOptimizer({ name: 'sgdw', momentum: 0.5, schedule }, [{ eta: 0.05, lambda: 0.3 }], { size: 2 })
      for (let s = 0; s < 5; s++) {
        const g = tf.mul(w, 3)
        optimizer.apply(w, g)
        g.dispose()
      }
      const out = Array.from(w.dataSync())
      optimizer.dispose()
      w.dispose()
      return out
    }
    expect(run(createSchedule({ name: 'constant', total: 5 }))).toEqual(run())
  })
})
