import type { AdamVsAdamwExtra } from '../../src/experiments/adam-vs-adamw'
import type { Progress } from '../../src/experiments/types'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { adamVsAdamwExperiment as adamVsAdamw } from '../../src/experiments/adam-vs-adamw'
import { resolveConfig } from '../../src/experiments/declare'
import { RunStopped } from '../../src/experiments/types'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

const config = (params: Record<string, string | number> = {}) => resolveConfig(adamVsAdamw, params)
const extraOf = (p: { extra?: Record<string, unknown> }) => p.extra as unknown as AdamVsAdamwExtra

describe('adam-vs-adamw as a live demo', () => {
  it('steps the three rules together and reports every step, with the ridge point known from the start', async () => {
    const seen: Progress[] = []
    const result = await adamVsAdamw.run(config({ lambdas: '0.1', steps: 200, every: 20 }), { checkpoint: snapshot => void seen.push(snapshot()) })
    expect(seen.map(p => p.done)).toEqual(Array.from({ length: 200 }, (_, t) => t + 1))
    // Each run's closed forms are in its final result; the view has the ridge point in `extra` from the first step.
    expect(result.runs.map(r => r.final.ridgeW1)).toEqual([0, 1, 2].map(() => extraOf(seen[0]).ridge[0][0]))
    expect(extraOf(seen[0]).ridge[0][0]).toBe(result.runs[0].final.ridgeW1)
    // All three rules advance at once: every run has as many samples as the others at each checkpoint.
    for (const p of seen) {
      const lengths = p.runs.map(r => r.series.relativeDistanceToRidge!.length)
      expect(new Set(lengths).size).toBe(1)
      expect(lengths[0]).toBe(Math.floor(p.done / 20))
    }
    expect(extraOf(seen.at(-1)!).runs).toHaveLength(3)
  })

  it('frees every tensor when a checkpoint stops the run', async () => {
    const before = tf.memory().numTensors
    let calls = 0
    const stopping = adamVsAdamw.run(config({ steps: 500 }), {
      checkpoint: () => {
        if (++calls === 60)
          throw new RunStopped()
      },
    })
    await expect(stopping).rejects.toBeInstanceOf(RunStopped)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('draws what the theory says: SGD and Adam + L2 on the ridge bars, AdamW off them, decay eta lambda for SGD and AdamW only', async () => {
    const result = await adamVsAdamw.run(config({ lambdas: '0.1' }))
    const e = extraOf(result)
    const d = result.config.d as number
    const eta = result.config.eta as number
    expect(e.rules).toEqual(['SGD + L2', 'Adam + L2', 'AdamW'])
    const ridge = e.ridge[0]
    const gap = (w: number[]) => Math.hypot(...w.map((v, j) => v - ridge[j])) / Math.hypot(...ridge)
    const [sgd, coupled, adamw] = e.runs
    expect(gap(sgd.weights)).toBeLessThan(1e-3)
    expect(gap(coupled.weights)).toBeLessThan(1e-3)
    expect(gap(adamw.weights)).toBeGreaterThan(1e-2)
    // The bars are the run's final numbers.
    result.runs.forEach((r, i) => {
      for (let j = 0; j < d; j++) {
        expect(e.runs[i].weights[j]).toBe(r.final[`w${j + 1}`])
        expect(e.runs[i].meanDecay[j]).toBeCloseTo(r.final[`meanEffectiveDecayW${j + 1}`]!, 12)
      }
    })
    for (const value of adamw.meanDecay)
      expect(value).toBeCloseTo(eta * 0.1, 12)
    for (const value of sgd.meanDecay)
      expect(value).toBeCloseTo(result.runs[0].final.decayPerStep!, 12)
    // Coupled: the larger the feature scale (gradient), the smaller the decay, over 100x from w1 to wd.
    for (let j = 1; j < d; j++)
      expect(coupled.meanDecay[j]).toBeLessThan(coupled.meanDecay[j - 1])
    expect(coupled.meanDecay[0] / coupled.meanDecay[d - 1]).toBeGreaterThan(100)
  })
})
