import type { Experiment, ParamSpecs } from '../../src/experiments/declare'
import type { ExperimentResult, RunResult } from '../../src/experiments/types'
import * as tf from '@tensorflow/tfjs-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { logisticRegression } from '../../src/core/models'
import { createTrainer } from '../../src/core/trainer'
import { adamVsAdamwExperiment as adamVsAdamw } from '../../src/experiments/adam-vs-adamw'
import { biasVarianceExperiment as biasVariance } from '../../src/experiments/bias-variance'
import { classificationExperiment as classification, gridPoints, logSchedule, probabilityGrid } from '../../src/experiments/classification'
import { listValues, resolveConfig } from '../../src/experiments/declare'
import { landscapeMomentumExperiment as landscapeMomentum, measuredContraction } from '../../src/experiments/landscape-momentum'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

/** Runs an experiment and checks that it leaves no tensor behind. */
async function run<P extends ParamSpecs, M extends string, T extends string>(experiment: Experiment<P, M, T>, params: Record<string, string | number | boolean> = {}): Promise<ExperimentResult<M, T>> {
  const before = tf.memory().numTensors
  const result = await experiment.run(resolveConfig(experiment, params))
  expect(tf.memory().numTensors).toBe(before)
  expect(result.id).toBe(experiment.id)
  expect(result.backend).toBe('cpu')
  return result
}

const relative = (measured: number, expected: number) => Math.abs(measured - expected) / Math.abs(expected)
function find(result: ExperimentResult, label: string): RunResult {
  const found = result.runs.find(r => r.label === label)
  if (!found)
    throw new Error(`no run '${label}' (have ${result.runs.map(r => r.label).join('; ')})`)
  return found
}

describe('the view experiments', () => {
  it('have unique ids, one-line descriptions and validated parameters', async () => {
    const viewExperiments = [biasVariance, adamVsAdamw, landscapeMomentum, classification]
    expect(viewExperiments.map(e => e.id)).toEqual(['bias-variance', 'adam-vs-adamw', 'landscape-momentum', 'classification'])
    for (const e of viewExperiments)
      expect(e.description).toMatch(/^\S[^\n]{10,}$/)
    await expect(run(biasVariance, { etaScale: 2 })).rejects.toThrow(/etaScale/)
    await expect(run(biasVariance, { wStar: 0 })).rejects.toThrow(/wStar/)
    await expect(run(biasVariance, { replicates: 1.5 })).rejects.toThrow(/replicates/)
    await expect(run(adamVsAdamw, { lambdas: '0.1,x' })).rejects.toThrow(/lambdas/)
    await expect(run(adamVsAdamw, { lambdas: '0,0.1' })).rejects.toThrow(/lambdas/)
    await expect(run(landscapeMomentum, { mu: 1 })).rejects.toThrow(/mu/)
    await expect(run(landscapeMomentum, { h2: -1 })).rejects.toThrow(/h2/)
    await expect(run(classification, { kind: 'spiral' })).rejects.toThrow(/kind/)
    await expect(run(classification, { lambda: 0 })).rejects.toThrow(/lambda/)
    expect(listValues(' 0, 0.1 ,0.5')).toEqual([0, 0.1, 0.5])
    expect(logSchedule(100, 2)).toEqual([1, 3, 10, 32, 100])
    expect(logSchedule(50, 1)).toEqual([1, 10, 50])
  })
})

describe('bias-variance: 1-D ridge Monte Carlo (science check 2)', () => {
  it('matches E[w_hat] and MSE(lambda) within 3% over 20k replicates, argmin within one grid step of lambda* = 0.2', async () => {
    const result = await run(biasVariance)
    const [sweep, atZero, atStar] = result.runs
    const lambdaStar = result.theory.lambdaStar
    expect(lambdaStar).toBeCloseTo(0.2, 12)
    // GD (8 steps, error factor 0.1 per step) lands on every replicate's closed form up to float32 rounding.
    expect(sweep.final.maxGdGap).toBeLessThan(1e-5)
    const grid = sweep.series.mse!.map(([lambda]) => lambda)
    expect(grid).toContain(0.2)
    sweep.series.mse!.forEach(([lambda, mse], i) => {
      const mean = sweep.series.meanEstimate![i][1]
      // The closed forms at the same grid points.
      expect(sweep.series.expectedMean![i][0]).toBe(lambda)
      expect(sweep.series.expectedMse![i][0]).toBe(lambda)
      // 3% is science.md's tolerance; the Monte Carlo standard error of an MSE is about sqrt(2/R) = 1% here.
      expect(relative(mean, sweep.series.expectedMean![i][1])).toBeLessThan(0.03)
      expect(relative(mse, sweep.series.expectedMse![i][1])).toBeLessThan(0.03)
      // MSE = variance + bias^2 exactly (population variance).
      expect(sweep.series.variance![i][1] + sweep.series.squaredBias![i][1]).toBeCloseTo(mse, 10)
    })
    expect(Math.abs(sweep.final.argminMse! - lambdaStar)).toBeLessThanOrEqual(sweep.final.gridStep! + 1e-12)
    // The physics: shrinking buys more variance than it costs in bias, 20% lower MSE at lambda* than at 0.
    expect(atStar.final.mse).toBeLessThan(0.85 * atZero.final.mse!)
    expect(atStar.final.meanEstimate).toBeLessThan(0.85 * atZero.final.meanEstimate!)
    // Both histograms hold every replicate, on shared bins.
    for (const r of [atZero, atStar]) {
      expect(r.series.histogram!.reduce((sum, [, count]) => sum + count, 0)).toBe(result.config.replicates)
      expect(r.series.histogram).toHaveLength(result.config.bins as number)
    }
    expect(atZero.series.histogram!.map(([c]) => c)).toEqual(atStar.series.histogram!.map(([c]) => c))
  })
})

describe('adam-vs-adamw: L2 penalty against decoupled decay (science.md section 1)', () => {
  it('reaches the ridge point with SGD + L2 and Adam + L2, not with AdamW; Adam + L2 decays high-gradient weights least', async () => {
    const result = await run(adamVsAdamw)
    const lambdas = listValues(result.config.lambdas as string)
    const d = result.config.d as number
    const weights = (r: RunResult) => Array.from({ length: d }, (_, j) => r.final[`w${j + 1}`]!)
    for (const lambda of lambdas) {
      const sgd = find(result, `SGD + L2, lambda = ${lambda}`)
      const adamL2 = find(result, `Adam + L2, lambda = ${lambda}`)
      const adamw = find(result, `AdamW, lambda = ${lambda}`)
      const ridge = Array.from({ length: d }, (_, j) => sgd.final[`ridgeW${j + 1}`]!)
      // Every rule at this lambda reports the same ridge point.
      for (const r of [adamL2, adamw])
        expect(Array.from({ length: d }, (_, j) => r.final[`ridgeW${j + 1}`])).toEqual(ridge)
      // Recompute the distance from the reported weights, so the check does not trust the run's own number.
      const distance = (w: number[]) => Math.hypot(...w.map((v, j) => v - ridge[j])) / Math.hypot(...ridge)
      expect(distance(weights(sgd))).toBeLessThan(1e-3)
      expect(distance(weights(adamL2))).toBeLessThan(1e-3)
      expect(distance(weights(adamw))).toBeGreaterThan(1e-2)
      // AdamW lands nearer the unpenalised minimiser (inside the box |w| <= 1/lambda) than the ridge point.
      expect(adamw.final.relativeDistanceToUnpenalised).toBeLessThan(adamw.final.relativeDistanceToRidge!)

      const decay = (r: RunResult) => Array.from({ length: d }, (_, j) => r.final[`meanEffectiveDecayW${j + 1}`]!)
      // Adam + L2: the larger the feature (gradient) scale, the less decay; over 100x in gradient scale, > 100x in decay.
      const coupled = decay(adamL2)
      for (let j = 1; j < d; j++)
        expect(coupled[j]).toBeLessThan(coupled[j - 1])
      expect(coupled[0] / coupled[d - 1]).toBeGreaterThan(100)
      // AdamW and SGD: eta * lambda for every weight.
      const etaLambda = adamw.final.decayPerStep!
      for (const value of decay(adamw))
        expect(value).toBeCloseTo(etaLambda, 12)
      for (const value of decay(sgd))
        expect(value).toBeCloseTo(sgd.final.decayPerStep!, 12)
      // With the same eta, the coupled rule decays the high-gradient weight less than AdamW, the low-gradient one more.
      expect(coupled[d - 1]).toBeLessThan(etaLambda)
      expect(coupled[0]).toBeGreaterThan(etaLambda)
    }
  })
})

describe('landscape-momentum: penalised quadratic and heavy ball (science.md sections 3, 4)', () => {
  it('ends at the shrunk minimum and contracts by the largest |root| in each eigen-direction', async () => {
    const result = await run(landscapeMomentum)
    const { wStar1, wStar2 } = result.config as { wStar1: number, wStar2: number }
    const starNorm = Math.hypot(wStar1, wStar2)
    const lambdas = listValues(result.config.lambdas as string)
    expect(result.runs).toHaveLength(lambdas.length)
    lambdas.forEach((lambda, b) => {
      const r = result.runs[b]
      const tag = `lambda = ${lambda}`
      expect(r.label).toBe(tag)
      expect(r.diverged).toBe(false)
      const minimum = [r.final.minimumW1!, r.final.minimumW2!]
      expect(Math.hypot(r.final.w1! - minimum[0], r.final.w2! - minimum[1]) / starNorm).toBeLessThan(1e-4)
      // The minimum really is the shrunk one: eigen-coordinates of w* times h/(h + lambda).
      const coords = [result.theory.starCoordinate1 * r.final.shrink1!, result.theory.starCoordinate2 * r.final.shrink2!]
      expect(Math.hypot(...coords)).toBeCloseTo(Math.hypot(...minimum), 10)
      for (const i of [1, 2] as const) {
        const predicted = r.final[`rootModulus${i}`]!
        expect(relative(r.final[`contraction${i}`]!, predicted)).toBeLessThan(0.02)
        // The plain distance ratio: exact for real roots; for complex ones the cosine's phase at the two peaks
        // enters over a ~25-step window (measured 2.3% at 45 degrees per step), so 4% there.
        const underdamped = r.final[`underdamped${i}`] === 1
        expect(relative(r.final[`distanceRatio${i}`]!, predicted)).toBeLessThan(underdamped ? 0.04 : 0.02)
      }
    })
    // Decay visibly moves the minimum (the flat direction keeps 1/11 of its coordinate at lambda = 0.5).
    expect(Math.hypot(result.runs[2].final.w1! - wStar1, result.runs[2].final.w2! - wStar2)).toBeGreaterThan(0.5)
    // The regimes of the defaults: the flat direction goes from overdamped to underdamped as lambda grows,
    // and its damping ratio falls; the measured rate follows (0.947, 0.800, 0.707).
    expect(result.runs[0].final.underdamped2).toBe(0)
    expect(result.runs[2].final.underdamped2).toBe(1)
    const zeta = result.runs.map(r => r.final.dampingRatio2!)
    expect(zeta[1]).toBeLessThan(zeta[0])
    expect(zeta[2]).toBeLessThan(zeta[1])
    const rates = result.runs.map(r => r.final.contraction2)
    expect(rates[0]).toBeCloseTo(0.947, 3)
    expect(rates[1]).toBeCloseTo(0.8, 3)
    // Science check 4 (also in theory.test.ts).
    const check4 = [result.theory.shrinkCheckH10, result.theory.shrinkCheckH1, result.theory.shrinkCheckH0p1, result.theory.shrinkCheckH0p01]
    ;[0.9901, 0.9091, 0.5, 0.0909].forEach((expected, i) => expect(check4[i]).toBeCloseTo(expected, 4))
  })

  it('measures the contraction of synthetic sequences with known roots', () => {
    const steps = 200
    const overdamped = Array.from({ length: steps }, (_, t) => 2 * 0.9 ** t - 1.5 * 0.6 ** t)
    expect(measuredContraction(overdamped).rate).toBeCloseTo(0.9, 6)
    expect(measuredContraction(overdamped).ratio).toBeCloseTo(0.9, 3)
    const spiral = Array.from({ length: steps }, (_, t) => 0.93 ** t * Math.cos(0.7 * t + 0.3))
    expect(measuredContraction(spiral).rate).toBeCloseTo(0.93, 6)
    expect(Number.isNaN(measuredContraction([1, 1, 1, 1]).rate)).toBe(true)
  })
})

describe('classification: logistic regression with and without decay (science.md section 9, check 8)', () => {
  it('separable data: ||w|| grows linearly in log t without decay, converges with it, max probability < 1', async () => {
    const result = await run(classification)
    const [free, decayed] = result.runs
    expect(free.label).toBe('no decay')
    expect(result.config.steps).toBe(10_000)
    const slope = free.final.asymptoticNormIncrement!
    // Without decay: about the same increment in each of the last two decades (1e2..1e3, 1e3..1e4), approaching
    // Soudry's asymptote ln(10)/gamma from below (the O(1) term still settles: measured 2.0, 2.5 against 3.3).
    const late = [free.final.normIncrementDecade3!, free.final.normIncrementDecade4!]
    expect(late[1] / late[0]).toBeGreaterThan(0.67)
    expect(late[1] / late[0]).toBeLessThan(1.5)
    for (const increment of late) {
      expect(increment).toBeGreaterThan(0.4 * slope)
      expect(increment).toBeLessThan(1.05 * slope)
    }
    expect(free.final.angleToMaxMargin).toBeLessThan(2)
    expect(free.final.oneMinusMaxProbability).toBeLessThan(1e-12)
    expect(free.final.accuracy).toBe(1)
    // With decay: no growth over the last decade, at the Newton minimum, confidence bounded away from 1.
    const norm = decayed.final.weightNorm!
    expect(Math.abs(decayed.final.normIncrementLastDecade!)).toBeLessThan(1e-4 * norm)
    expect(relative(norm, decayed.final.optimumNorm!)).toBeLessThan(1e-4)
    expect(decayed.final.maxProbability).toBeLessThan(1 - 1e-6)
    expect(relative(decayed.final.oneMinusMaxProbability!, decayed.final.optimumOneMinusMaxProbability!)).toBeLessThan(1e-3)
    expect(norm).toBeLessThan(0.5 * free.final.weightNorm!)
    // The log-spaced series: 4 points per decade from 1 to 10^4.
    expect(free.series.weightNorm!.map(([t]) => t)).toEqual(logSchedule(10_000, 4))
  })

  it('unscaled features: one lambda shrinks the unit-scale weight far more than the x100 one', async () => {
    // Heavy ball (mu = 0.99, eta = 1/L) because plain GD needs ~1e5 steps at this conditioning (~2e4).
    const unscaled = await run(classification, { kind: 'unscaled', momentum: 0.99, lr: 1, steps: 5000 })
    const standard = await run(classification, { kind: 'overlapping', steps: 1000 })
    for (const result of [unscaled, standard]) {
      expect(result.runs.map(r => r.label)).toEqual(['no decay', 'lambda = 0.01'])
      result.runs.forEach((r) => {
        expect(relative(r.final.w1!, r.final.optimumW1!)).toBeLessThan(1e-3)
        expect(relative(r.final.w2!, r.final.optimumW2!)).toBeLessThan(1e-3)
      })
    }
    // Same points, feature 2 times 100 in 'unscaled': its weight is 100x smaller, so (lambda/2) w2^2 barely touches
    // it. Asserted: the relative shrink 1 - w(lambda)/w(0) of w1 is more than twice that of w2 (measured 13% vs 5%),
    // while on 'overlapping' the two shrinks are within a factor 1.5 of each other (16% vs 19%).
    const shrink = (r: ExperimentResult) => [1 - r.runs[1].final.shrinkW1!, 1 - r.runs[1].final.shrinkW2!]
    const [u1, u2] = shrink(unscaled)
    expect(u2).toBeGreaterThan(0)
    expect(u1).toBeGreaterThan(2 * u2)
    const [s1, s2] = shrink(standard)
    expect(s1 / s2).toBeGreaterThan(1 / 1.5)
    expect(s1 / s2).toBeLessThan(1.5)
  })

  it('decayBias puts the bias under the penalty too', async () => {
    const off = await run(classification, { kind: 'overlapping', steps: 1000 })
    const on = await run(classification, { kind: 'overlapping', steps: 1000, decayBias: true })
    expect(on.runs[1].label).toMatch(/bias decayed/)
    expect(on.runs[1].final.b).toBeCloseTo(on.runs[1].final.optimumB!, 5)
    expect(Math.abs(on.runs[1].final.b!)).toBeLessThan(Math.abs(off.runs[1].final.b!))
    // The run without decay is the same either way.
    expect(on.runs[0].final.b).toBe(off.runs[0].final.b)
  })

  it('evaluates P(y = 1) on a grid as the model does', async () => {
    const box = { xMin: -3, xMax: 3, yMin: -2, yMax: 2 }
    const points = gridPoints(box, 4, 3)
    expect(Array.from(points.subarray(0, 4))).toEqual([-3, -2, -1, -2])
    expect(Array.from(points.subarray(22))).toEqual([3, 2])
    const w = [1.5, -2]
    const b = 0.25
    const grid = probabilityGrid(w, b, box, 31, 21)
    expect(grid).toHaveLength(31 * 21)
    // The trainer's own predict at the same points, with the model holding (w, b).
    const before = tf.memory().numTensors
    const trainer = createTrainer({
      model: logisticRegression(2),
      optimizer: { name: 'sgd' },
      runs: [{ eta: 0.1 }],
      train: { n: 1, d: 2, x: new Float64Array(2), y: new Float64Array(1) },
      seed: 0,
      init: name => Float64Array.from(name === 'w' ? w : [b]),
    })
    const predicted = await trainer.predict(gridPoints(box, 31, 21), 31 * 21)
    trainer.dispose()
    expect(tf.memory().numTensors).toBe(before)
    grid.forEach((p, i) => expect(p).toBeCloseTo(predicted[i], 6))
    // 1/2 on the decision boundary, symmetric about it.
    const onLine = probabilityGrid([1, 1], 0, { xMin: -1, xMax: 1, yMin: -1, yMax: 1 }, 3, 3)
    expect(onLine[2]).toBe(0.5) // (1, -1)
    expect(onLine[0] + onLine[8]).toBeCloseTo(1, 15)
    expect(() => probabilityGrid(w, b, box, 1, 5)).toThrow(/nx/)
    expect(() => probabilityGrid(w, b, { ...box, yMax: -5 }, 5, 5)).toThrow(/yMax/)
    expect(() => probabilityGrid([1], b, box, 5, 5)).toThrow(/w/)
  })
})
