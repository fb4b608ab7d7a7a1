import type { ClassificationExtra } from '../../src/experiments/classification'
import type { Progress } from '../../src/experiments/types'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { classificationExperiment as classification, dataBox, probabilityGrid } from '../../src/experiments/classification'
import { resolveConfig } from '../../src/experiments/declare'
import { RunStopped } from '../../src/experiments/types'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

// What ClassificationDemo runs by default: separable data, lambda = 0.01, 12 points per decade.
const demo = { perDecade: 12 }

describe('classification as a live demo', () => {
  it('reports chunks growing with t (2% of the steps so far, at most 25) with the weights a field view draws', async () => {
    const done: number[] = []
    let last: Progress | undefined
    const result = await classification.run(resolveConfig(classification, { ...demo, steps: 5000 }), {
      checkpoint: (snapshot) => {
        last = snapshot()
        done.push(last.done)
      },
    })
    // First the set-up, a slice for each closed form (the max-margin direction, the minimum of each run): step 0.
    expect(done.slice(0, 4)).toEqual([0, 0, 0, 0])
    done.splice(0, 4)
    expect(done[0]).toBe(1)
    expect(done.at(-1)).toBe(5000)
    // One chunk per frame then takes ~390 frames: single steps to t = 50, ~2-4% more per chunk to 1250, 25 steps after.
    expect(done.length).toBeGreaterThan(340)
    expect(done.length).toBeLessThan(440)
    done.slice(1).forEach((d, i) => {
      expect(d).toBeGreaterThan(done[i])
      expect(d - done[i]).toBeLessThanOrEqual(Math.min(25, Math.max(1, Math.ceil(0.02 * done[i]))))
    })
    expect((last!.extra as unknown as ClassificationExtra).closedForms[1].optimumNorm).toBeGreaterThan(0)
    const extra = last!.extra as unknown as ClassificationExtra
    expect(result.extra).toBe(last!.extra)
    // The current weights of both runs, as the runs report them at the end.
    result.runs.forEach((r, b) => {
      expect(Array.from(extra.thetas[b])).toEqual([r.final.w1, r.final.w2, r.final.b])
    })
    // Every point lies inside the drawn box, and the field at the points classifies them as the run does.
    const n = extra.labels.length
    const box = dataBox(extra.x)
    expect(extra.box).toEqual(box)
    for (let i = 0; i < n; i++) {
      expect(extra.x[2 * i]).toBeGreaterThan(box.xMin)
      expect(extra.x[2 * i]).toBeLessThan(box.xMax)
      expect(extra.x[2 * i + 1]).toBeGreaterThan(box.yMin)
      expect(extra.x[2 * i + 1]).toBeLessThan(box.yMax)
    }
    const field = probabilityGrid([extra.thetas[0][0], extra.thetas[0][1]], extra.thetas[0][2], box, 64, 64)
    expect(Math.min(...field)).toBeLessThan(1e-3)
    expect(Math.max(...field)).toBeGreaterThan(1 - 1e-3)
  })

  it('frees every tensor when a checkpoint stops the run', async () => {
    const before = tf.memory().numTensors
    let calls = 0
    const stopped = classification.run(resolveConfig(classification, demo), {
      checkpoint: () => {
        if (++calls === 25)
          throw new RunStopped()
      },
    })
    await expect(stopped).rejects.toBeInstanceOf(RunStopped)
    expect(calls).toBe(25)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('grows ||w|| like log t without decay and holds it at the penalised optimum with decay', async () => {
    const result = await classification.run(resolveConfig(classification, demo), { checkpoint: () => {} })
    const [free, decayed] = result.runs
    const norm = (r: typeof free, t: number) => r.series.weightNorm!.find(([s]) => s === t)![1]
    const slope = free.final.asymptoticNormIncrement!
    // Equal increments per decade = linear in log t; they approach ln(10)/gamma (Soudry) from below.
    const increments = [100, 1000].map(t => norm(free, t * 10) - norm(free, t))
    expect(increments[1] / increments[0]).toBeGreaterThan(0.67)
    expect(increments[1] / increments[0]).toBeLessThan(1.5)
    increments.forEach(d => expect(d).toBeGreaterThan(0.4 * slope))
    increments.forEach(d => expect(d).toBeLessThan(1.05 * slope))
    // The confidence goes to 1 without decay; with decay it stops at the optimum's value, bounded below 1.
    expect(free.final.oneMinusMaxProbability).toBeLessThan(1e-12)
    const optimum = decayed.final.optimumNorm!
    expect(Math.abs(norm(decayed, 10_000) / optimum - 1)).toBeLessThan(1e-4)
    expect(Math.abs(norm(decayed, 10_000) - norm(decayed, 1000))).toBeLessThan(1e-4 * optimum)
    const gap = decayed.final.optimumOneMinusMaxProbability!
    expect(Math.abs(decayed.final.oneMinusMaxProbability! / gap - 1)).toBeLessThan(1e-3)
    expect(gap).toBeGreaterThan(1e-6)
  })
})
