import type { Experiment, ParamSpecs } from '../../src/experiments/declare'
import type { ExperimentResult, Progress } from '../../src/experiments/types'
import { beforeAll, describe, expect, it } from 'vitest'
import { hessianShrink, lassoKktViolation, lassoSolution, ridgeSolution } from '../../src/core/theory'
import { resolveConfig } from '../../src/experiments/declare'
import { l1L2GeometryExperiment, lpBallPoints, quadraticLassoSolution, quadraticLpObjective, quadraticLpSolution, quadraticRidgeSolution } from '../../src/experiments/l1-l2-geometry'
import { lambdaSweepExperiment, SWEEP_CONVERGED_FRACTION } from '../../src/experiments/lambda-sweep'
import { overfittingExperiment } from '../../src/experiments/overfitting'
import { regularizationPathsExperiment, sparseRegressionData } from '../../src/experiments/regularization-paths'
import { RunStopped } from '../../src/experiments/types'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

/** Runs an experiment and checks that it leaves no tensor behind. */
async function run<P extends ParamSpecs, M extends string, T extends string>(experiment: Experiment<P, M, T>, params: Record<string, number> = {}): Promise<ExperimentResult<M, T>> {
  const before = tf.memory().numTensors
  const result = await experiment.run(resolveConfig(experiment, params))
  expect(tf.memory().numTensors - before).toBe(0)
  return result
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.abs(b)

/** Runs an experiment with a checkpoint that takes every snapshot; checks that no tensor is left behind. */
async function watch<P extends ParamSpecs, M extends string, T extends string>(experiment: Experiment<P, M, T>, params: Record<string, number> = {}): Promise<{ result: ExperimentResult<M, T>, snapshots: Progress<M, T>[] }> {
  const snapshots: Progress<M, T>[] = []
  const before = tf.memory().numTensors
  const result = await experiment.run(resolveConfig(experiment, params), { checkpoint: (snapshot) => {
    snapshots.push(structuredClone(snapshot()))
  } })
  expect(tf.memory().numTensors - before).toBe(0)
  return { result, snapshots }
}

/** The checkpoint reports growing progress up to its total, and throwing RunStopped from it frees every tensor. */
async function checkHooks<P extends ParamSpecs, M extends string, T extends string>(experiment: Experiment<P, M, T>, params: Record<string, number>): Promise<Progress<M, T>[]> {
  const { snapshots } = await watch(experiment, params)
  expect(snapshots.length).toBeGreaterThan(3)
  const done = snapshots.map(s => s.done)
  done.slice(1).forEach((v, i) => expect(v).toBeGreaterThanOrEqual(done[i]))
  expect(done.at(-1)).toBe(snapshots[0].total)
  expect(done.at(-1)).toBeGreaterThan(done[0])
  expect(snapshots.every(s => s.total === snapshots[0].total && s.runs.length > 0)).toBe(true)
  // Stopped at the first checkpoint, in the middle and at the last one: the run ends with RunStopped, no tensor left.
  for (const stopAt of [1, Math.ceil(snapshots.length / 2), snapshots.length]) {
    const before = tf.memory().numTensors
    let calls = 0
    const stopped = experiment.run(resolveConfig(experiment, params), { checkpoint: () => {
      if (++calls === stopAt)
        throw new RunStopped()
    } })
    await expect(stopped).rejects.toBeInstanceOf(RunStopped)
    expect(calls).toBe(stopAt)
    expect(tf.memory().numTensors).toBe(before)
  }
  return snapshots
}

describe('overfitting (d2l high-dimensional regression)', () => {
  it('without decay fits the training set and not the test set; lambda = 3 fixes it, as the theory predicts', async () => {
    // Defaults: 100 epochs of 4 minibatches, lambda = 3. Linear model: parameters w and b, one trainer.
    const result = await run(overfittingExperiment, {})
    const [free, decayed] = result.runs
    const theory = result.theory

    expect(free.series.testLoss).toHaveLength(101)
    expect(free.series.trainLoss![0][1]).toBeGreaterThan(10)
    // No decay: training loss ~0 (interpolation), test loss high.
    expect(free.final.trainLoss).toBeLessThan(1e-4)
    expect(free.final.testLoss).toBeGreaterThan(10)
    // SGD without decay converges to the interpolant nearest w0: its test loss (measured 7e-6 relative off after
    // 400 steps; 1e-3 leaves room for float32 and the last bit of convergence).
    expect(relative(free.final.testLoss!, theory.interpolantTestLoss)).toBeLessThan(1e-3)
    // The part of w outside the span of the training inputs: unchanged without decay (float32 rounding only),
    // multiplied by exactly (1 - eta lambda) per step with decay (400 float32 steps: 1e-4 relative).
    expect(relative(free.final.normOutsideSpan!, theory.normOutsideNoDecay)).toBeLessThan(1e-5)
    expect(relative(decayed.final.normOutsideSpan!, theory.normOutside)).toBeLessThan(1e-4)
    // lambda = 3 lowers the test loss by a large factor (measured ~1300x; the brief asks for at least 10x) and ||w||.
    expect(free.final.testLoss! / decayed.final.testLoss!).toBeGreaterThan(10)
    expect(decayed.final.weightNorm).toBeLessThan(free.final.weightNorm! / 10)
    // The minibatch endpoint is not the full-batch ridge minimiser: not converged after 100 epochs, and SGD noise.
    expect(decayed.final.testLoss).toBeGreaterThan(theory.ridgeTestLoss)
    expect(free.diverged || decayed.diverged).toBe(false)
    // Without decay the norm ends at the interpolant's (measured 2e-8 relative).
    expect(relative(free.final.weightNorm!, theory.interpolantNorm)).toBeLessThan(1e-5)
    // The dashed curves: once the part inside the data span has converged, w_t = w_ridge + (1 - eta lambda)^t u
    // (u = the init outside the span). From epoch 20 on the measured norm is within 0.24% of it and the test loss
    // within 6.4% (minibatch noise around w_ridge adds a little test loss, which the curve leaves out).
    const curves = result.extra!.theoryCurves as Record<'trainLoss' | 'testLoss' | 'weightNorm' | 'normOutsideSpan', Array<[number, number]>>
    for (let epoch = 20; epoch <= 100; epoch++) {
      expect(relative(decayed.series.weightNorm![epoch][1], curves.weightNorm[epoch][1])).toBeLessThan(0.01)
      expect(relative(decayed.series.testLoss![epoch][1], curves.testLoss[epoch][1])).toBeLessThan(0.1)
    }
    expect(curves.normOutsideSpan.at(-1)![1]).toBeCloseTo(theory.normOutside, 12)
    expect(curves.testLoss.at(-1)![1]).toBeGreaterThan(theory.ridgeTestLoss)
  })

  it('reports every epoch to a checkpoint with the theory known from the start, and stops cleanly', async () => {
    const snapshots = await checkHooks(overfittingExperiment, { epochs: 6 })
    // The set-up's pieces (data, closed forms) report epoch 0 too; then each epoch once.
    const done = snapshots.map(s => s.done)
    const firstEpoch = done.indexOf(1)
    expect(done.slice(0, firstEpoch).every(d => d === 0)).toBe(true)
    expect(done.slice(firstEpoch - 1)).toEqual([0, 1, 2, 3, 4, 5, 6])
    // Epoch 0 (before the first step) has the theory and its curves.
    const start = snapshots[firstEpoch - 1]
    expect(start.theory!.noiseFloor).toBeGreaterThan(0)
    expect((start.extra!.theoryCurves as Record<string, unknown[]>).testLoss).toHaveLength(7)
    expect(snapshots[firstEpoch + 2].runs[1].series.testLoss).toHaveLength(4)
  })

  it('is seeded, and validates its parameters', async () => {
    const a = await run(overfittingExperiment, { epochs: 3 })
    const b = await run(overfittingExperiment, { epochs: 3 })
    expect(b.runs).toEqual(a.runs)
    const c = await run(overfittingExperiment, { epochs: 3, seed: 2 })
    expect(c.runs[0].final.testLoss).not.toBe(a.runs[0].final.testLoss)
    await expect(run(overfittingExperiment, { batchSize: 50 })).rejects.toThrow(/batchSize/)
    await expect(run(overfittingExperiment, { eta: 0 })).rejects.toThrow(/eta/)
    await expect(run(overfittingExperiment, { nTrain: 300 })).rejects.toThrow(/nTrain/)
  })
})

describe('lambda-sweep (64 lambdas, one batch)', () => {
  it('matches the closed-form ridge losses where GD has converged and the exact GD endpoint everywhere', async () => {
    const result = await run(lambdaSweepExperiment, {})
    const runs = result.runs
    expect(runs.length).toBeGreaterThanOrEqual(64)
    const floor = result.theory.convergenceFloor
    const checked = runs.filter(r => r.final.lambda! >= floor)
    // eta = 0.075, 800 steps: the init outside the data span decays as (1 - eta lambda)^800, negligible from about
    // lambda = 0.15 on; inside the span the error contracts by rate^steps < 1e-40. At least a third of the grid is checked.
    expect(checked.length).toBeGreaterThan(runs.length / 3)
    expect(result.theory.contraction).toBeLessThan(1e-20)
    runs.forEach((r) => {
      // Everywhere: ridge solution + (1 - eta lambda)^steps x (init outside the span), in float64, against float32 GD
      // (measured <= 3e-6 relative; the brief's 1e-2).
      expect(relative(r.final.testLoss!, r.final.gdEndpointTestLoss!)).toBeLessThan(1e-2)
      if (r.final.lambda! < floor)
        return
      // Converged runs: the closed form itself. The remainder adds < SWEEP_CONVERGED_FRACTION to the test loss.
      expect(relative(r.final.trainLoss!, r.final.ridgeTrainLoss!)).toBeLessThan(1e-2)
      expect(relative(r.final.testLoss!, r.final.ridgeTestLoss!)).toBeLessThan(1e-2)
    })
    expect(SWEEP_CONVERGED_FRACTION).toBeLessThan(1e-2)
    // The best lambda: exactly one run marked, the argmin of the measured test losses, one grid step or less from the
    // predicted one, and interior: small lambdas keep the init (test loss orders of magnitude higher), large ones underfit.
    const marked = runs.findIndex(r => r.final.best === 1)
    expect(runs.filter(r => r.final.best === 1)).toHaveLength(1)
    expect(Math.min(...runs.map(r => r.final.testLoss!))).toBe(runs[marked].final.testLoss)
    const predicted = runs.findIndex(r => r.final.lambda === result.theory.bestLambdaGd)
    expect(Math.abs(marked - predicted)).toBeLessThanOrEqual(1)
    expect(runs[0].final.testLoss! / runs[marked].final.testLoss!).toBeGreaterThan(1000)
    expect(runs.at(-1)!.final.testLoss).toBeGreaterThan(runs[marked].final.testLoss!)
    // What the slide draws against lambda: the measured losses, and the closed forms; the quadratic in
    // a = (1 - eta lambda)^t gives the GD endpoint prediction at t = steps.
    const extra = result.extra as { lambdas: number[], test: number[], ridgeTest: number[], testAt: number[][], eta: number, step: number }
    expect(extra.step).toBe(result.config.steps)
    runs.forEach((r, i) => {
      expect(extra.lambdas[i]).toBe(r.final.lambda)
      expect(extra.test[i]).toBe(r.final.testLoss)
      expect(extra.ridgeTest[i]).toBe(r.final.ridgeTestLoss)
      const a = (1 - extra.eta * extra.lambdas[i]) ** extra.step
      const [A, B, C] = extra.testAt[i]
      expect(relative(A + B * a + C * a * a, r.final.gdEndpointTestLoss!)).toBeLessThan(1e-9)
    })
  })

  it('reports the losses against lambda as it trains, matching the prediction at that step, and stops cleanly', async () => {
    const snapshots = await checkHooks(lambdaSweepExperiment, { count: 8, steps: 300, every: 50 })
    // Before training: one closed form per lambda (done = 0), then one step per chunk.
    expect(snapshots.filter(s => s.done === 0).length).toBeGreaterThanOrEqual(8)
    interface Curves { lambdas: number[], step: number, test: number[], testAt: number[][], eta: number }
    const read = snapshots.map(s => s.extra as unknown as Curves).filter(x => x.test.length === 8 && x.step >= 100)
    expect(new Set(read.map(x => x.step))).toEqual(new Set([100, 150, 200, 250, 300]))
    // From step 100 on the part inside the span has converged: the measured test loss is ridge + (1 - eta lambda)^t
    // x (init outside the span) (measured within 1e-6).
    for (const x of read) {
      x.lambdas.forEach((l, r) => {
        const a = (1 - x.eta * l) ** x.step
        const [A, B, C] = x.testAt[r]
        expect(relative(x.test[r], A + B * a + C * a * a)).toBeLessThan(1e-4)
      })
    }
  })

  it('from w0 = 0 converges to the closed form for every lambda, however small (centring decouples the bias)', async () => {
    const result = await run(lambdaSweepExperiment, { initScale: 0, count: 6, lambdaMin: 1e-6, lambdaMax: 1, steps: 300, eta: 0.1 })
    expect(result.theory.convergenceFloor).toBe(1e-6)
    result.runs.forEach((r) => {
      // Train losses go down to ~1e-16 at lambda = 1e-6: float32 rounding of w limits the relative accuracy there.
      expect(relative(r.final.testLoss!, r.final.ridgeTestLoss!)).toBeLessThan(1e-2)
      if (r.final.lambda! >= 1e-2)
        expect(relative(r.final.trainLoss!, r.final.ridgeTrainLoss!)).toBeLessThan(1e-2)
    })
    await expect(run(lambdaSweepExperiment, { eta: 0.2 })).rejects.toThrow(/eta/)
    await expect(run(lambdaSweepExperiment, { lambdaMin: 2, lambdaMax: 1 })).rejects.toThrow(/lambdaMax/)
  })
})

describe('regularization-paths (lasso by ISTA, ridge by GD)', () => {
  it('matches coordinate descent and the ridge closed form, satisfies the KKT conditions, gives exact zeros', async () => {
    // Two trainers (ISTA and GD), one parameter each (no bias).
    const result = await run(regularizationPathsExperiment, {})
    const [lasso, ridge, lassoTheory, ridgeTheory] = result.runs
    const config = result.config as Record<string, number>
    const { n, d } = config
    const data = sparseRegressionData({ seed: config.seed, n, d, relevant: config.relevant, noise: config.noise })
    const lambdas = lasso.series.w0!.map(([l]) => l)
    const coefficients = (r: typeof lasso, k: number) => Float64Array.from({ length: d }, (_, j) => r.series[`w${j}`]![k][1])
    const lambdaMax = result.theory.lambdaMax

    lambdas.forEach((lambda, k) => {
      const wLasso = coefficients(lasso, k)
      const wRidge = coefficients(ridge, k)
      // Independent references, recomputed here. GD/ISTA have converged (contraction < 1e-13), so what is left is
      // float32 rounding at the fixed point, ~1e-6; the tolerance 1e-3 (absolute, or relative above 1) is generous.
      const exactLasso = lassoSolution(data.x, n, d, data.y, lambda)
      const exactRidge = ridgeSolution(data.x, n, d, data.y, lambda)
      for (let j = 0; j < d; j++) {
        expect(Math.abs(wLasso[j] - exactLasso[j])).toBeLessThan(1e-3 * Math.max(1, Math.abs(exactLasso[j])))
        expect(Math.abs(wRidge[j] - exactRidge[j])).toBeLessThan(1e-3 * Math.max(1, Math.abs(exactRidge[j])))
        // The theory runs carry the same references (coordinate descent along the path, warm-started).
        expect(Math.abs(coefficients(lassoTheory, k)[j] - exactLasso[j])).toBeLessThan(1e-9)
        expect(Math.abs(coefficients(ridgeTheory, k)[j] - exactRidge[j])).toBeLessThan(1e-12)
      }
      // Science check 3: KKT to 1e-4, exact zeros (the same pattern as coordinate descent), w = 0 above lambda_max.
      expect(lassoKktViolation(data.x, n, d, data.y, wLasso, lambda)).toBeLessThan(1e-4)
      expect(Array.from(wLasso, v => v === 0)).toEqual(Array.from(exactLasso, v => v === 0))
      expect(lasso.series.exactZeros![k][1]).toBe(wLasso.filter(v => v === 0).length)
      if (lambda >= lambdaMax)
        expect(wLasso.every(v => v === 0)).toBe(true)
      else
        expect(wLasso.some(v => v !== 0)).toBe(true)
      // Ridge shrinks but never zeroes.
      expect(wRidge.every(v => v !== 0)).toBe(true)
    })
    expect(lambdas.some(l => l >= lambdaMax)).toBe(true)
    expect(lasso.final.maxKktViolation).toBeLessThan(1e-4)
    expect(ridge.final.zerosAllLambdas).toBe(0)
    // Somewhere on the path the lasso selects exactly the relevant features (the first three).
    const support = lambdas.map((_, k) => Array.from(coefficients(lasso, k), v => v !== 0))
    const relevant = Array.from({ length: d }, (_, j) => j < config.relevant)
    expect(support.some(s => s.every((v, j) => v === relevant[j]))).toBe(true)
    // What the slide draws: the trained coefficients by feature and the exact zeros, trained and coordinate descent.
    const extra = result.extra as { lasso: number[][], lassoZeros: number[], lassoExactZeros: number[], ridgeZeros: number[] }
    expect(extra.lasso[2].map((v, k) => v === lasso.series.w2![k][1])).toEqual(lambdas.map(() => true))
    expect(extra.lassoZeros).toEqual(lasso.series.exactZeros!.map(([, z]) => z))
    expect(extra.lassoZeros).toEqual(extra.lassoExactZeros)
    expect(extra.ridgeZeros.every(z => z === 0)).toBe(true)
  })

  it('reports the coefficients against lambda as it trains, and stops cleanly', async () => {
    const snapshots = await checkHooks(regularizationPathsExperiment, { steps: 60, count: 10 })
    interface Paths { lambdas: number[], step: number, lasso: number[][], lassoZeros: number[], lassoExact: number[][], lassoExactZeros: number[] }
    // Set-up checkpoints (the exact paths being computed) carry no view yet.
    const first = snapshots.find(s => s.extra)!.extra as unknown as Paths
    const last = snapshots.at(-1)!.extra as unknown as Paths
    // Step 0 shows the exact paths alone (every trained coefficient is still 0); the trained ones come at the first
    // read-back, 20 features by 10 lambdas.
    expect(first.step).toBe(0)
    expect(first.lasso).toEqual([])
    expect(first.lassoExact).toHaveLength(20)
    const trained = snapshots.map(s => s.extra as unknown as Paths | undefined).find(p => p && p.step > 0)!
    expect(trained.lasso).toHaveLength(20)
    expect(trained.lasso[0]).toHaveLength(10)
    expect(last.step).toBe(60)
    // The exact path is there from the start; the largest lambda (2 lambda_max) is all zeros at once.
    expect(first.lassoExactZeros.at(-1)).toBe(20)
    expect(last.lassoZeros.at(-1)).toBe(20)
  })

  it('validates its parameters', async () => {
    await expect(run(regularizationPathsExperiment, { relevant: 30 })).rejects.toThrow(/relevant/)
    await expect(run(regularizationPathsExperiment, { eta: 1 })).rejects.toThrow(/eta/)
    await expect(run(regularizationPathsExperiment, { maxRatio: 1e-4 })).rejects.toThrow(/maxRatio/)
  })
})

describe('l1-l2-geometry', () => {
  it('puts the l1 solution on a corner and the l2 solution nowhere near an axis, matching the closed forms', async () => {
    const result = await run(l1L2GeometryExperiment)
    const [l1, l2] = result.runs
    const t = result.theory
    // Default: c = (2, 0.5), rho = 0.5, lambda = 1: theory says w_l1 = (1.25, 0), w_l2 = (1, 0.5).
    expect(t.l1Zeros).toBe(1)
    expect(t.l1W1).toBeCloseTo(1.25, 12)
    expect(t.l1W2).toBe(0)
    expect(t.l2W1).toBeCloseTo(1, 12)
    expect(t.l2W2).toBeCloseTo(0.5, 12)
    expect(l1.final.zeros).toBe(1)
    expect(l1.final.w2).toBe(0)
    expect(l2.final.zeros).toBe(0)
    // Both converge geometrically (rate <= 0.8 per step, 200 steps); float32 rounding ~1e-7 remains.
    expect(l1.final.maxError).toBeLessThan(1e-4)
    expect(l2.final.maxError).toBeLessThan(1e-4)
    expect(Math.abs(l1.final.w1! - t.l1W1)).toBeLessThan(1e-4)
    expect(Math.abs(l2.final.w1! - t.l2W1)).toBeLessThan(1e-4)
    expect(Math.abs(l2.final.w2! - t.l2W2)).toBeLessThan(1e-4)
    // Along the grid: the l2 path never has an exact zero; the l1 path goes from 0 zeros to 2 (lambda >= lambda_max).
    expect(l2.series.zerosAgainstLambda!.every(([, z]) => z === 0)).toBe(true)
    const l1Zeros = l1.series.zerosAgainstLambda!.map(([, z]) => z)
    expect(l1Zeros[0]).toBe(0)
    expect(l1Zeros.at(-1)).toBe(2)
    // The trajectory starts at c and ends at the solution.
    expect(l1.series.w1Trajectory![0][1]).toBe(2)
    expect(l1.series.w2Trajectory!.at(-1)![1]).toBe(0)
    expect(l1.final.radius).toBeCloseTo(t.l1Radius, 5)
  })

  it('has closed forms that agree with the KKT sign patterns and the Hessian shrink factors', () => {
    const cases = [
      { c: [2, 0.5], rho: 0.5, curvature: 1 },
      { c: [-1, 3], rho: -0.7, curvature: 2 },
      { c: [0.3, 0.2], rho: 0.9, curvature: 0.5 },
    ]
    for (const { c, rho, curvature } of cases) {
      const h = Float64Array.from([curvature, curvature * rho, curvature * rho, curvature])
      for (const lambda of [0, 0.05, 0.3, 1, 2, 5]) {
        // l1: brute force over every zero/sign pattern; the one satisfying the KKT conditions is the solution.
        const w = quadraticLassoSolution(h, c, lambda)
        const g = [h[0] * (w[0] - c[0]) + h[1] * (w[1] - c[1]), h[2] * (w[0] - c[0]) + h[3] * (w[1] - c[1])]
        for (let j = 0; j < 2; j++) {
          if (w[j] !== 0)
            expect(Math.abs(g[j] + lambda * Math.sign(w[j]))).toBeLessThan(1e-10)
          else
            expect(Math.abs(g[j])).toBeLessThanOrEqual(lambda + 1e-10)
        }
        // l2: each eigen-coordinate of c scaled by h/(h + lambda) (eigenvectors (1, 1)/sqrt 2 and (1, -1)/sqrt 2).
        const r = quadraticRidgeSolution(h, c, lambda)
        const s1 = hessianShrink(curvature * (1 + rho), lambda) * (c[0] + c[1]) / 2
        const s2 = hessianShrink(curvature * (1 - rho), lambda) * (c[0] - c[1]) / 2
        expect(r[0]).toBeCloseTo(s1 + s2, 12)
        expect(r[1]).toBeCloseTo(s1 - s2, 12)
      }
    }
  })

  it('reports the trajectories as it trains, with the solutions known from the start, and stops cleanly', async () => {
    const snapshots = await checkHooks(l1L2GeometryExperiment, { steps: 40 })
    expect(snapshots.map(s => s.done)).toEqual(Array.from({ length: 40 }, (_, t) => t + 1))
    expect(snapshots[0].theory!.l1W1).toBeCloseTo(1.25, 12)
    const paths = snapshots.at(-1)!.extra!.trajectories as { l1: Array<[number, number]>, l2: Array<[number, number]> }
    // Step 0 (the centre c) and one point per step; both end at their solutions (rate <= 0.8 per step: 0.8^40 ~ 1e-4).
    expect(paths.l1).toHaveLength(41)
    expect(paths.l1[0]).toEqual([2, 0.5])
    expect(Math.hypot(paths.l1[40][0] - 1.25, paths.l1[40][1])).toBeLessThan(1e-3)
    expect(paths.l1[40][1]).toBe(0)
    expect(Math.hypot(paths.l2[40][0] - 1, paths.l2[40][1] - 0.5)).toBeLessThan(1e-3)
  })

  it('has an lp solution that is the lasso at p = 1, ridge at p = 2, continuous in p, and the global minimum', () => {
    const cases = [
      { c: [2, 0.5], rho: 0.5 },
      { c: [-1, 3], rho: -0.7 },
      { c: [0.3, 0.2], rho: 0.9 },
      { c: [1.5, 1.2], rho: 0.2 },
    ]
    for (const { c, rho } of cases) {
      const h = Float64Array.from([1, rho, rho, 1])
      for (const lambda of [0.05, 0.3, 1]) {
        const near = (a: ArrayLike<number>, b: ArrayLike<number>, tol: number) => expect(Math.hypot(a[0] - b[0], a[1] - b[1])).toBeLessThan(tol)
        // The numerical path near p = 1 and p = 2 meets the closed forms.
        near(quadraticLpSolution(h, c, lambda, 1 + 1e-7), quadraticLassoSolution(h, c, lambda), 1e-5)
        near(quadraticLpSolution(h, c, lambda, 2 + 1e-7), quadraticRidgeSolution(h, c, lambda), 1e-5)
        for (const p of [0.5, 0.8, 1.5, 3]) {
          const w = quadraticLpSolution(h, c, lambda, p)
          const best = quadraticLpObjective(h, c, lambda, p, w)
          // No point of a fine grid around c does better (the objective is not convex for p < 1).
          let gridBest = Infinity
          for (let i = -60; i <= 60; i++) {
            for (let j = -60; j <= 60; j++)
              gridBest = Math.min(gridBest, quadraticLpObjective(h, c, lambda, p, [c[0] * (1 + i / 60), c[1] * (1 + j / 60)]))
          }
          expect(gridBest).toBeGreaterThanOrEqual(best - 1e-12)
          // Stationary in every coordinate that is not zero; p > 1 never gives an exact zero here.
          for (let k = 0; k < 2; k++) {
            const g = h[2 * k] * (w[0] - c[0]) + h[2 * k + 1] * (w[1] - c[1])
            if (w[k] !== 0)
              expect(Math.abs(g + lambda * Math.sign(w[k]) * Math.abs(w[k]) ** (p - 1))).toBeLessThan(1e-8)
            else
              expect(p).toBeLessThanOrEqual(1)
          }
        }
      }
    }
    // p < 1 is sparser than the lasso: the default geometry gives w2 = 0 for both, and at p = 0.5 a larger lambda zeroes both.
    const h = Float64Array.from([1, 0.5, 0.5, 1])
    expect(quadraticLpSolution(h, [2, 0.5], 1, 0.5)[1]).toBe(0)
    expect(() => quadraticLpSolution(h, [2, 0.5], 1, 0)).toThrow(/p:/)
  })

  it('validates its parameters', async () => {
    await expect(run(l1L2GeometryExperiment, { rho: 1 })).rejects.toThrow(/rho/)
    await expect(run(l1L2GeometryExperiment, { eta: 1 })).rejects.toThrow(/eta/)
    await expect(run(l1L2GeometryExperiment, { curvature: -1 })).rejects.toThrow(/curvature/)
  })
})

describe('lpBallPoints', () => {
  it('puts every point on the sphere ||w||_p = radius, with the l1 corners exact', () => {
    for (const p of [0.5, 1, 1.5, 2, 3, Infinity]) {
      const points = lpBallPoints(p, 1.7, 64)
      expect(points).toHaveLength(64)
      for (const [x, y] of points) {
        const norm = p === Infinity ? Math.max(Math.abs(x), Math.abs(y)) : (Math.abs(x) ** p + Math.abs(y) ** p) ** (1 / p)
        expect(Math.abs(norm - 1.7)).toBeLessThan(1e-12)
      }
    }
    expect(lpBallPoints(1, 2, 8).filter((_, k) => k % 2 === 0)).toEqual([[2, 0], [0, 2], [-2, 0], [0, -2]])
    expect(() => lpBallPoints(0, 1, 8)).toThrow(/p:/)
    expect(() => lpBallPoints(2, -1, 8)).toThrow(/radius/)
    expect(() => lpBallPoints(2, 1, 2)).toThrow(/count/)
  })
})
