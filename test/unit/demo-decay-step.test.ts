import type { DecayStepExtra, Point } from '../../src/experiments/decay-step'
import type { Progress } from '../../src/experiments/types'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { ridgeSolution } from '../../src/core/ridge'
import { dataGradient, decayStepExperiment, makePlaneData } from '../../src/experiments/decay-step'
import { resolveConfig } from '../../src/experiments/declare'
import { RunStopped } from '../../src/experiments/types'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

const config = (params: Record<string, string | number> = {}) => resolveConfig(decayStepExperiment, params)
/** Runs without resolving first: the run itself must reject what its declaration does not allow. */
const runUnchecked = (params: Record<string, string | number>) => decayStepExperiment.run({ ...decayStepExperiment.defaults, ...params } as typeof decayStepExperiment.defaults)
const extraOf = (p: { extra?: Record<string, unknown> }) => p.extra as unknown as DecayStepExtra
const distance = (a: Point, b: ArrayLike<number>) => Math.hypot(a[0] - b[0], a[1] - b[1])

describe('decay-step: one step of decay in the plane of two weights', () => {
  it('reports a checkpoint per step with the trajectory so far', async () => {
    const seen: Progress[] = []
    const result = await decayStepExperiment.run(config({ steps: 40 }), { checkpoint: snapshot => void seen.push(snapshot()) })
    expect(seen.map(p => p.done)).toEqual(Array.from({ length: 41 }, (_, t) => t))
    for (const p of seen) {
      expect(p.total).toBe(40)
      expect(extraOf(p).trajectories[1]).toHaveLength(p.done + 1)
      expect(p.theory?.ridgeW1).toBe(result.theory.ridgeW1)
    }
    expect(extraOf(result).trajectories[0]).toHaveLength(41)
    expect(extraOf(result).coupledFromSame).toHaveLength(40)
  })

  it('frees every tensor when a checkpoint stops the run', async () => {
    for (const optimizer of ['sgd', 'adam-l2']) {
      const before = tf.memory().numTensors
      let calls = 0
      const stopping = decayStepExperiment.run(config({ optimizer }), {
        checkpoint: () => {
          if (++calls === 5)
            throw new RunStopped()
        },
      })
      await expect(stopping).rejects.toBeInstanceOf(RunStopped)
      expect(tf.memory().numTensors).toBe(before)
    }
  })

  it('with SGD, the L2 step and shrink-then-gradient coincide at every step and end at the ridge solution', async () => {
    const result = await decayStepExperiment.run(config())
    const { eta, lambda } = result.config as { eta: number, lambda: number }
    const e = extraOf(result)
    const data = makePlaneData(result.config.seed as number)
    const [coupled, decoupled] = e.trajectories
    coupled.forEach((p, t) => expect(distance(p, decoupled[t]) / Math.hypot(...decoupled[t])).toBeLessThan(1e-6))
    // Every SGDW step is (1 - eta lambda) w - eta g(w), with g the data-loss gradient (float64 reference).
    for (let t = 0; t < decoupled.length - 1; t++) {
      const p = decoupled[t]
      const g = dataGradient(data, p)
      const expected = [(1 - eta * lambda) * p[0] - eta * g[0], (1 - eta * lambda) * p[1] - eta * g[1]]
      expect(distance(decoupled[t + 1], expected)).toBeLessThan(1e-5)
      expect(distance(e.coupledFromSame[t], decoupled[t + 1])).toBeLessThan(1e-5)
    }
    const ridge = ridgeSolution(data, lambda)
    expect(distance(decoupled.at(-1)!, ridge) / Math.hypot(...ridge)).toBeLessThan(1e-4)
    expect(e.ridge[0]).toBeCloseTo(result.theory.ridgeW1, 12)
    // At the ridge point the shrink and the gradient step cancel: lambda w = -g.
    const g = dataGradient(data, ridge)
    expect(Math.hypot(g[0] + lambda * ridge[0], g[1] + lambda * ridge[1])).toBeLessThan(1e-12)
  })

  it('with Adam, Adam + L2 and AdamW part from the first step; Adam + L2 reaches the ridge point, AdamW does not', async () => {
    const result = await decayStepExperiment.run(config({ optimizer: 'adam-l2', steps: 2000, every: 100 }))
    const { eta, lambda } = result.config as { eta: number, lambda: number }
    const e = extraOf(result)
    const data = makePlaneData(result.config.seed as number)
    const [coupled, decoupled] = e.trajectories
    // Step 1 from m = v = 0: Adam moves every coordinate by eta against the sign of its gradient.
    const w0 = e.w0
    const g0 = dataGradient(data, w0)
    const adamL2 = [0, 1].map(j => w0[j] - eta * Math.sign(g0[j] + lambda * w0[j]))
    const adamw = [0, 1].map(j => (1 - eta * lambda) * w0[j] - eta * Math.sign(g0[j]))
    expect(distance(coupled[1], adamL2)).toBeLessThan(1e-5)
    expect(distance(decoupled[1], adamw)).toBeLessThan(1e-5)
    expect(distance(coupled[1], decoupled[1])).toBeGreaterThan(eta * lambda)
    // The coupled step from the decoupled run's own state lands elsewhere too (the float64 counterfactual).
    expect(distance(e.coupledFromSame[0], adamL2)).toBeLessThan(1e-5)
    expect(result.runs[1].final.coupledStepGap).toBeGreaterThan(1e-2)
    const ridge = ridgeSolution(data, lambda)
    expect(distance(coupled.at(-1)!, ridge) / Math.hypot(...ridge)).toBeLessThan(1e-3)
    expect(distance(decoupled.at(-1)!, ridge) / Math.hypot(...ridge)).toBeGreaterThan(0.1)
  })

  it('rejects bad parameters, naming them', async () => {
    await expect(runUnchecked({ optimizer: 'lion' })).rejects.toThrow(/optimizer/)
    // eta * lambda >= 1 (no shrink left) is outside the bounds: eta is at most 0.3, lambda at most 1.5.
    await expect(runUnchecked({ eta: 2, lambda: 0.5 })).rejects.toThrow(/^eta/)
    await expect(runUnchecked({ lambda: 2 })).rejects.toThrow(/^lambda/)
    await expect(runUnchecked({ every: 0 })).rejects.toThrow(/every/)
    await expect(runUnchecked({ steps: 10, every: 20 })).rejects.toThrow(/^every/)
  })
})
