import type { BiasVarianceExtra } from '../../src/experiments/bias-variance'
import type { Progress } from '../../src/experiments/types'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { biasVarianceExperiment as biasVariance } from '../../src/experiments/bias-variance'
import { resolveConfig } from '../../src/experiments/declare'
import { RunStopped } from '../../src/experiments/types'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

// Fewer replicates and grid points than the slide, so the tests stay quick; the 20k check is in experiments-views.
const small = { replicates: 4000, perDecade: 2 }
const config = (params: Record<string, string | number> = {}) => resolveConfig(biasVariance, { ...small, ...params })
const extraOf = (p: { extra?: Record<string, unknown> }) => p.extra as unknown as BiasVarianceExtra
const relative = (measured: number, expected: number) => Math.abs(measured - expected) / Math.abs(expected)

describe('bias-variance as a live demo', () => {
  it('sweeps lambda upwards, one lambda per chunk, with the closed-form curves there from the start', async () => {
    const seen: Progress[] = []
    const result = await biasVariance.run(config(), { checkpoint: snapshot => void seen.push(snapshot()) })
    const e = extraOf(result)
    const L = e.lambdas.length
    // 0, lambda*, and 10^(k/2) for 0.01 <= lambda <= 10.
    expect(e.lambdas).toEqual([0, 0.01, 0.0316227766017, 0.1, 0.2, 0.316227766017, 1, 3.16227766017, 10])
    const done = seen.map(p => p.done)
    done.slice(1).forEach((d, i) => expect(d).toBeGreaterThanOrEqual(done[i]))
    expect(done.at(-1)).toBe(L)
    for (const p of seen) {
      expect(p.total).toBe(L)
      expect(p.runs[0].series.mse).toHaveLength(p.done)
      expect(p.runs[0].series.mseTheory!.length).toBeGreaterThan(100)
      // The draws' set-up pieces (done 0) come before the histograms' bins are known; every lambda's snapshot has them.
      if (p.done > 0 || p.extra)
        expect(extraOf(p).histograms.filter(h => h.length > 0)).toHaveLength(p.done)
    }
  })

  it('frees every tensor when a checkpoint stops the run', async () => {
    const before = tf.memory().numTensors
    let calls = 0
    const stopping = biasVariance.run(config(), {
      checkpoint: () => {
        if (++calls === 12)
          throw new RunStopped()
      },
    })
    await expect(stopping).rejects.toBeInstanceOf(RunStopped)
    expect(tf.memory().numTensors).toBe(before)
  })

  it('measures the curves and histograms the closed forms predict', async () => {
    const result = await biasVariance.run(config())
    const e = extraOf(result)
    const sweep = result.runs[0].series
    const R = e.replicates
    e.lambdas.forEach((lambda, l) => {
      // Monte Carlo error of an MSE over 4000 draws is about sqrt(2/4000) = 2%; 7% is over three standard errors.
      expect(sweep.expectedMse![l][0]).toBe(lambda)
      expect(relative(sweep.mse![l][1], sweep.expectedMse![l][1])).toBeLessThan(0.07)
      expect(relative(sweep.meanEstimate![l][1], sweep.expectedMean![l][1])).toBeLessThan(0.03)
      expect(e.means[l]).toBe(sweep.meanEstimate![l][1])
      expect(e.histograms[l].reduce((a, b) => a + b, 0)).toBe(R)
      // The histogram's own mean (bin centres) is within a bin width of the estimates' mean.
      const centreMean = e.histograms[l].reduce((sum, count, k) => sum + count * (e.binLo + (k + 0.5) * e.binWidth), 0) / R
      expect(Math.abs(centreMean - e.means[l])).toBeLessThan(e.binWidth)
      expect(e.theoryMean[l]).toBe(sweep.expectedMean![l][1])
    })
    // The dashed curves go through the closed-form values at the grid points.
    const curve = sweep.mseTheory!
    const atStar = curve.reduce((best, p) => Math.abs(p[0] - e.lambdaStar) < Math.abs(best[0] - e.lambdaStar) ? p : best)
    expect(Math.abs(Math.log10(atStar[0] / e.lambdaStar))).toBeLessThan(1 / 80)
    expect(relative(atStar[1], sweep.expectedMse![e.lambdas.indexOf(e.lambdaStar)][1])).toBeLessThan(1e-3)
    expect(result.runs[0].final.maxGdGap).toBeLessThan(1e-5)
  })

  it('rejects a bad grid, naming the field', async () => {
    // Past resolveConfig: the run checks its configuration itself.
    const unchecked = (params: Record<string, number>) => ({ ...biasVariance.defaults, ...small, ...params })
    await expect(biasVariance.run(unchecked({ lambdaMin: 0 }))).rejects.toThrow(/lambdaMin/)
    await expect(biasVariance.run(unchecked({ lambdaMax: 0.001 }))).rejects.toThrow(/lambdaMax/)
    await expect(biasVariance.run(unchecked({ perDecade: 500 }))).rejects.toThrow(/perDecade/)
    // Within every bound but not ordered: the cross-field check.
    await expect(biasVariance.run(unchecked({ lambdaMin: 0.5, lambdaMax: 0.2 }))).rejects.toThrow(/^lambdaMax: must be > lambdaMin/)
    expect(() => config({ lambdaMin: 0 })).toThrow(/^lambdaMin: /)
  })
})
