import { beforeAll, describe, expect, it } from 'vitest'
import { encodePoints, resolveConfig, worstCorner } from '../../src/experiments/declare'
import { networkLambdaGridExperiment as experiment, fieldResolution } from '../../src/experiments/network-lambda-grid'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

describe('network-lambda-grid', () => {
  it('trains lambda = 0 beside log-spaced lambdas: the norm falls with lambda, test accuracy peaks inside the grid', async () => {
    const result = await experiment.run(resolveConfig(experiment, { epochs: 150 }))
    const finals = result.runs.map(r => r.final)
    expect(finals.map(f => f.lambda)[0]).toBe(0)
    expect(finals.length).toBe(6)
    const norms = finals.map(f => f.weightNorm!)
    norms.slice(1).forEach((n, k) => expect(n).toBeLessThan(norms[k]))
    const accuracy = finals.map(f => f.testAccuracy!)
    const best = accuracy.indexOf(Math.max(...accuracy))
    expect(best).toBeGreaterThan(0)
    expect(best).toBeLessThan(accuracy.length - 1)
    // lambda = 0 fits the noisy labels best.
    expect(finals[0].trainAccuracy).toBe(Math.max(...finals.map(f => f.trainAccuracy!)))
    const extra = result.extra as { fields: Float32Array, resolution: number }
    expect(extra.resolution).toBe(fieldResolution([12, 12]))
    expect(extra.fields.length).toBe(6 * extra.resolution ** 2)
  })

  it('trains on the added points: a point of class 1 in a class-0 region turns lambda = 0 there', async () => {
    const spec = experiment.params.points
    const at = { x: 0, y: 1.2 }
    const base = { dataset: 'moons', epochs: 120, noise: 0 }
    const field = async (points: string) => {
      const result = await experiment.run(resolveConfig(experiment, { ...base, points }))
      const extra = result.extra as { fields: Float32Array, resolution: number, train: { n: number } }
      const r = extra.resolution
      // The grid node nearest the point, in the lambda = 0 field.
      const i = Math.round((at.x + 1.5) / 3 * (r - 1))
      const j = Math.round((at.y + 1.5) / 3 * (r - 1))
      return { p: extra.fields[j * r + i], n: extra.train.n }
    }
    const without = await field('')
    const withPoints = await field(encodePoints(spec, Array.from({ length: 4 }, () => ({ ...at, label: 1 }))))
    expect(withPoints.n).toBe(without.n + 4)
    expect(withPoints.p).toBeGreaterThan(without.p)
  })

  it('records every epoch up to 300 epochs, every second one beyond, and the last one always', async () => {
    const epochs = async (n: number) => (await experiment.run(resolveConfig(experiment, { epochs: n, nTrain: 10, nTest: 50, batchSize: 10, width: 2, depth: 1 }))).runs[0].series.testLoss!.map(([t]) => t)
    expect(await epochs(3)).toEqual([0, 1, 2, 3])
    const long = await epochs(301)
    expect(long.slice(0, 3)).toEqual([0, 2, 4])
    expect(long.slice(-2)).toEqual([300, 301])
  })

  it('keeps the fields of the costliest networks under the multiply-add budget', () => {
    expect(fieldResolution([8, 8])).toBe(100)
    expect(fieldResolution([16, 16, 16])).toBeGreaterThanOrEqual(40)
    expect(() => experiment.check(worstCorner(experiment))).not.toThrow()
  })

  it('refuses lambdaMax < lambdaMin and a minibatch larger than the training set, by name', () => {
    expect(() => resolveConfig(experiment, { lambdaMin: 0.1, lambdaMax: 0.01 })).toThrow(/^lambdaMax: /)
    expect(() => resolveConfig(experiment, { nTrain: 10, batchSize: 20 })).toThrow(/^batchSize: /)
  })
})
