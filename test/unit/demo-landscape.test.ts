import type { LandscapeMomentumExtra } from '../../src/experiments/landscape-momentum'
import type { Progress } from '../../src/experiments/types'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { resolveConfig } from '../../src/experiments/declare'
import { landscapeMomentumExperiment as landscapeMomentum, measuredContraction } from '../../src/experiments/landscape-momentum'
import { RunStopped } from '../../src/experiments/types'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

// What LandscapeDemo runs by default: lambda = 0 beside lambda = 0.3, mu = 0.5, 300 steps.
const demo = { lambdas: '0,0.3' }

describe('landscape-momentum as a live demo', () => {
  it('reports every step with the closed forms and the trajectories so far', async () => {
    const snapshots: Progress[] = []
    const result = await landscapeMomentum.run(resolveConfig(landscapeMomentum, demo), {
      checkpoint: (snapshot) => {
        snapshots.push(snapshot())
      },
    })
    const steps = result.config.steps as number
    expect(snapshots.map(s => s.done)).toEqual(Array.from({ length: steps + 1 }, (_, t) => t))
    for (const s of snapshots) {
      expect(s.total).toBe(steps)
      // Known before the first step: the minima and the roots a view draws from the start.
      expect((s.extra as unknown as LandscapeMomentumExtra).closedForms[1].rootModulus2).toBeCloseTo(Math.sqrt(0.5), 12)
      expect(s.runs.map(r => r.label)).toEqual(['lambda = 0', 'lambda = 0.3'])
    }
    const extra = snapshots.at(-1)!.extra as unknown as LandscapeMomentumExtra
    expect(extra.trajectories.map(t => t.length)).toEqual([steps + 1, steps + 1])
    expect(extra.trajectories[1][0]).toEqual([-1, -1])
    expect(result.extra).toBe(snapshots.at(-1)!.extra)
    // The marked minimum with decay: each eigen-coordinate of w* times h/(h + lambda).
    extra.eigenvectors.forEach((q, i) => {
      const star = q[0] * extra.wStar[0] + q[1] * extra.wStar[1]
      const shrunk = q[0] * extra.minima[1][0] + q[1] * extra.minima[1][1]
      expect(shrunk).toBeCloseTo(star * extra.h[i] / (extra.h[i] + 0.3), 12)
    })
    const end = extra.trajectories[1].at(-1)!
    expect(Math.hypot(end[0] - extra.minima[1][0], end[1] - extra.minima[1][1])).toBeLessThan(1e-5)
  })

  it('frees every tensor when a checkpoint stops the run', async () => {
    const before = tf.memory().numTensors
    let calls = 0
    const stopped = landscapeMomentum.run(resolveConfig(landscapeMomentum, demo), {
      checkpoint: () => {
        if (++calls === 10)
          throw new RunStopped()
      },
    })
    await expect(stopped).rejects.toBeInstanceOf(RunStopped)
    expect(calls).toBe(10)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('contracts by the largest |root| the readout shows, and decay lowers the damping ratio', async () => {
    let last: Progress | undefined
    const result = await landscapeMomentum.run(resolveConfig(landscapeMomentum, demo), {
      checkpoint: (snapshot) => {
        last = snapshot()
      },
    })
    // The view measures from the live series; the run's final numbers come from the same ones.
    result.runs.forEach((r, b) => {
      expect(r.label).toBe(`lambda = ${[0, 0.3][b]}`)
      for (const i of [1, 2] as const) {
        const errors = last!.runs[b].series[`error${i}`]!.map(([, e]) => e)
        const rate = measuredContraction(errors).rate
        expect(rate).toBe(r.final[`contraction${i}`])
        expect(Math.abs(rate / r.final[`rootModulus${i}`]! - 1)).toBeLessThan(0.02)
      }
    })
    // The flat direction: overdamped and slow without decay (0.947), underdamped at sqrt(mu) with it.
    const [free, decayed] = result.runs
    expect(free.final.underdamped2).toBe(0)
    expect(decayed.final.underdamped2).toBe(1)
    expect(free.final.contraction2).toBeCloseTo(0.947, 3)
    expect(decayed.final.contraction2).toBeCloseTo(Math.sqrt(0.5), 3)
    expect(decayed.final.dampingRatio2).toBeLessThan(free.final.dampingRatio2!)
  })
})
