/**
 * 'bias-variance' (science.md section 2): a 1-D ridge Monte Carlo, the mean, variance and MSE of w_hat against
 * lambda, each against its closed form.
 */
import type { OutputSpecs } from './declare'
import type { Progress, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { linearRegression } from '../core/models'
import { createRng, normalMatrix } from '../core/random'
import { ridge1dLambdaStar, ridge1dMean, ridge1dMse } from '../core/theory'
import { createTrainer } from '../core/trainer'
import { defineExperiment, seedParam } from './declare'
import { lambdaLabel } from './lambdas'
import { createPacer } from './pacing'

/** What the bias-variance view draws: a histogram per lambda (shared bins), filled in as each lambda finishes. */
export interface BiasVarianceExtra {
  lambdas: number[]
  lambdaStar: number
  wStar: number
  replicates: number
  /** Left edge and width of the first of the shared bins. */
  binLo: number
  binWidth: number
  /** Counts per bin for lambdas[l]; empty until that lambda is done. */
  histograms: number[][]
  /** Measured mean and (population) variance of w_hat per finished lambda, in grid order. */
  means: number[]
  variances: number[]
  /** E[w_hat] and Var[w_hat] per lambda of the grid (a Gaussian: w_hat is linear in the noise). */
  theoryMean: number[]
  theoryVariance: number[]
}

const outputs = {
  metrics: {
    meanEstimate: { label: 'mean estimate' },
    variance: { label: 'variance' },
    squaredBias: { label: 'squared bias' },
    mse: { label: 'MSE' },
    meanEstimateTheory: { label: 'mean estimate (theory)' },
    varianceTheory: { label: 'variance (theory)' },
    squaredBiasTheory: { label: 'squared bias (theory)' },
    mseTheory: { label: 'MSE (theory)' },
    expectedMean: { label: 'E[w_hat] at the grid lambda (closed form)' },
    expectedVariance: { label: 'variance of w_hat at the grid lambda (closed form)' },
    expectedMse: { label: 'MSE at the grid lambda (closed form)' },
    histogram: { label: 'histogram of w_hat (count per shared bin)' },
    histogramBinWidth: { label: 'histogram bin width' },
    argminMse: { label: 'argmin of the measured MSE' },
    gridStep: { label: 'grid step' },
    maxGdGap: { label: 'max |w_GD - w_closed form| over all replicates' },
  },
  theory: {
    lambdaStar: { label: 'lambda* = sigma^2/(n w*^2)' },
    gridArgminMse: { label: 'argmin of MSE(lambda) on the grid' },
    secondMoment: { label: 's = sum x^2 / n' },
    gdErrorFactor: { label: 'GD error factor after the run, |1 - etaScale|^steps' },
  },
} satisfies OutputSpecs
type Metric = keyof typeof outputs.metrics

const argminOf = (values: number[]) => values.reduce((best, v, i) => (v < values[best] ? i : best), 0)

/**
 * Model: y = w* x + eps, the objective of section 2 is (1/n) sum (y - w x)^2 + lambda w^2. The batched linear model's
 * loss is 1/(2n) sum r^2 and the optimizer adds (lambda/2) w^2: exactly half of that objective with the same lambda,
 * so the same minimiser w_hat = (sum x y / n) / (s + lambda), s = sum x^2 / n.
 *
 * The design x is FIXED (drawn once, shared by every replicate; only the noise is redrawn). Then s is a constant and
 * E[w_hat] = w* s/(s + lambda), MSE(lambda) hold exactly in expectation. With x redrawn per replicate, s is random and
 * E[s/(s + lambda)] < E[s]/(E[s] + lambda) (Jensen, s/(s + lambda) is concave): for n = 20 (s ~ chi2_20/20 against
 * s = 1) the mean comes out 1.4% low at lambda* and 2.2% low at 0.5, and the MSE 7-9% high, which the 3% tolerance
 * would not absorb.
 *
 * Every replicate meets every lambda with the same noise (common random numbers): the R replicates form one batch
 * (column r of y is replicate r), trained once per lambda of a log-spaced grid (plus 0 and lambda*), so the MSE curve
 * is smooth in lambda and its argmin is sharp. One lambda at a time keeps the batch at n x R numbers and lets a slide
 * draw the curves growing from small to large lambda.
 *
 * Cost: (grid size) x steps GD steps on an n x R batch, one checkpoint per step. The bounds keep the costliest corner
 * (n 40, 20k replicates, 8 points per decade over 1e-3 .. 100, 16 steps: 42 lambdas, 672 steps) at 10-20 s in Node
 * wasm; one step is longer than the slide's 2 ms budget, so the slide shows one per frame: about 15-30 s live.
 */
export const biasVarianceExperiment = defineExperiment({
  id: 'bias-variance',
  description: '1-D ridge Monte Carlo (fixed design, 20k noise draws as one GD batch per lambda of a log grid): mean, variance, MSE of w_hat vs lambda; theory: w* s/(s+lambda), MSE(lambda), lambda* = sigma^2/(n w*^2)',
  purpose: 'Twenty thousand noisy copies of one data set: a larger λ adds bias and removes variance, and the mean squared error is lowest in between. Try: more noise moves the best λ up.',
  params: {
    wStar: { kind: 'number', default: 5, min: 0.1, max: 100, label: 'w*', meaning: 'the true weight: y = w* x + noise' },
    n: { kind: 'integer', default: 20, min: 1, max: 40, label: 'n', meaning: 'points per data set (the design x is drawn once and shared by every data set)', cost: 'max' },
    sigma: { kind: 'number', default: 10, min: 3, max: 30, step: 1, label: 'noise σ', meaning: 'standard deviation of the noise on y' },
    replicates: { kind: 'integer', default: 20_000, min: 100, max: 20_000, label: 'data sets', meaning: 'noise draws, trained together as one batch per λ', cost: 'max' },
    lambdaMin: { kind: 'number', default: 0.01, min: 0.001, max: 1, scale: 'log', label: 'smallest λ of the grid', meaning: 'the log-spaced λ grid starts here (0 and λ* are added to it)', cost: 'min' },
    lambdaMax: { kind: 'number', default: 10, min: 0.1, max: 100, scale: 'log', label: 'largest λ of the grid', meaning: 'the log-spaced λ grid ends here', cost: 'max' },
    perDecade: { kind: 'integer', default: 6, min: 1, max: 8, label: 'grid points per decade', meaning: 'λ values per factor 10 of the grid', cost: 'max' },
    // GD on the 1-D quadratic with curvature s + lambda: the error shrinks by |1 - etaScale| per step, so (0, 2).
    etaScale: { kind: 'number', default: 0.9, min: 0.01, max: 1.99, label: 'η (s + λ)', meaning: 'the GD step times the curvature s + λ: the error shrinks by |1 − η(s + λ)| per step' },
    steps: { kind: 'integer', default: 8, min: 1, max: 16, label: 'GD steps per λ', meaning: 'gradient steps from w = 0 for each λ', cost: 'max' },
    bins: { kind: 'integer', default: 40, min: 1, max: 1000, label: 'histogram bins', meaning: 'bins of the histograms of ŵ, shared by every λ' },
    seed: seedParam(1),
  },
  outputs,
  check(config) {
    if (!(config.lambdaMax > config.lambdaMin))
      throw new Error(`lambdaMax: must be > lambdaMin = ${config.lambdaMin}, got ${config.lambdaMax}`)
  },
  async run(config, hooks) {
    const { wStar, n, sigma, replicates, lambdaMin, lambdaMax, perDecade, etaScale, steps, bins, seed } = config

    const lambdaStar = ridge1dLambdaStar(sigma, n, wStar)
    const grid = new Set<number>([0, lambdaStar])
    for (let k = Math.ceil(Math.log10(lambdaMin) * perDecade - 1e-9); k <= Math.floor(Math.log10(lambdaMax) * perDecade + 1e-9); k++)
      grid.add(Number((10 ** (k / perDecade)).toPrecision(12)))
    const lambdas = [...grid].sort((a, b) => a - b)
    const starIndex = lambdas.indexOf(lambdaStar)
    const L = lambdas.length

    const rng = createRng(seed)
    const x = normalMatrix(rng, n, 1)
    const s = x.reduce((sum, v) => sum + v * v, 0) / n
    if (!(s > 0))
      throw new Error('n: the design has sum x^2 = 0')
    const R = replicates

    const theoryMean = lambdas.map(lambda => ridge1dMean(wStar, s, lambda))
    const theoryMse = lambdas.map(lambda => ridge1dMse(wStar, sigma, n, s, lambda))
    const theoryVariance = theoryMse.map((mse, i) => mse - (theoryMean[i] - wStar) ** 2)
    const theory = {
      lambdaStar,
      gridArgminMse: lambdas[argminOf(theoryMse)],
      secondMoment: s,
      gdErrorFactor: Math.abs(1 - etaScale) ** steps,
    }

    const histograms: number[][] = lambdas.map(() => [])
    const means: number[] = []
    const variances: number[] = []
    const mses: number[] = []
    let gdGap = 0
    let diverged = false
    const along = (values: number[]): Series => values.map((v, i) => [lambdas[i], v])
    // The closed forms on a finer grid than the measured points (40 per decade, lambda = 0 first), for drawing, and at
    // the measured points, for comparing.
    const fine = [0, ...Array.from({ length: Math.floor(40 * Math.log10(lambdaMax / lambdaMin)) + 1 }, (_, k) => lambdaMin * 10 ** (k / 40))]
    const curve = (f: (lambda: number) => number): Series => fine.map(lambda => [lambda, f(lambda)])
    const closedFormCurves: Partial<Record<Metric, Series>> = {
      meanEstimateTheory: curve(lambda => ridge1dMean(wStar, s, lambda)),
      varianceTheory: curve(lambda => ridge1dMse(wStar, sigma, n, s, lambda) - (ridge1dMean(wStar, s, lambda) - wStar) ** 2),
      squaredBiasTheory: curve(lambda => (ridge1dMean(wStar, s, lambda) - wStar) ** 2),
      mseTheory: curve(lambda => ridge1dMse(wStar, sigma, n, s, lambda)),
      expectedMean: along(theoryMean),
      expectedVariance: along(theoryVariance),
      expectedMse: along(theoryMse),
    }
    const sweepSeries = (): Partial<Record<Metric, Series>> => ({
      meanEstimate: along(means),
      variance: along(variances),
      squaredBias: along(means.map(m => (m - wStar) ** 2)),
      mse: along(mses),
      ...closedFormCurves,
    })
    const label0 = `sweep over lambda, ${R} replicates each`
    // The draws take several frames at 20k replicates of 40 points: the slide draws the closed forms meanwhile.
    const checkpoint = hooks?.checkpoint
    const pace = createPacer(checkpoint && (() => checkpoint(() => ({ done: 0, total: L, runs: [{ label: label0, series: sweepSeries() }], theory }))))
    // Targets as the batch wants them, y[i, r] (row-major [n, R]), and each replicate's sum x y / n for the closed form.
    const y = new Float64Array(n * R)
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < n; i++)
        y[i * R + r] = wStar * x[i] + sigma * rng.normal()
      // A normal draw costs about 20 multiply-adds.
      await pace(20 * n)
    }
    const xy = new Float64Array(R)
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < R; r++)
        xy[r] += x[i] * y[i * R + r] / n
    }
    await pace(n * R)

    // One set of bins for every lambda, so that histograms can be compared. Every estimate (s + lambda)^-1 sum x y / n
    // lies between 0 and the lambda = 0 one, so the closed form at lambda = 0 gives the range before any training.
    let lo = 0
    let hi = 0
    for (const c of xy) {
      lo = Math.min(lo, c / s)
      hi = Math.max(hi, c / s)
    }
    const width = (hi - lo) / bins || 1

    const extra = (): BiasVarianceExtra => ({
      lambdas,
      lambdaStar,
      wStar,
      replicates: R,
      binLo: lo,
      binWidth: width,
      histograms: histograms.map(h => h.slice()),
      means: means.slice(),
      variances: variances.slice(),
      theoryMean,
      theoryVariance,
    })
    const snapshot = (done: number): Progress<Metric, keyof typeof theory> => ({
      done,
      total: L,
      runs: [{ label: label0, series: sweepSeries() }],
      theory,
      extra: extra() as unknown as Record<string, unknown>,
    })

    const model = linearRegression(1, { bias: false })
    for (let l = 0; l < L; l++) {
      const lambda = lambdas[l]
      const trainer = createTrainer({
        model,
        optimizer: { name: 'sgd' },
        runs: Array.from({ length: R }, () => ({ eta: etaScale / (s + lambda), lambda })),
        train: { n, d: 1, x, y, targets: R },
        seed,
        init: () => new Float64Array(1),
      })
      let estimates: Float64Array
      try {
        // Setting up a batch of 20k runs is a frame's work of its own.
        await hooks?.checkpoint?.(() => snapshot(l))
        for (let t = 0; t < steps; t++) {
          trainer.step(1)
          await hooks?.checkpoint?.(() => snapshot(l))
        }
        estimates = await trainer.parameter('w')
      }
      finally {
        trainer.dispose()
      }
      let sum = 0
      let sumSq = 0
      const counts = Array.from<number>({ length: bins }).fill(0)
      for (let r = 0; r < R; r++) {
        const e = estimates[r]
        gdGap = Math.max(gdGap, Math.abs(e - xy[r] / (s + lambda)))
        sum += e
        sumSq += (e - wStar) ** 2
        counts[Math.max(0, Math.min(bins - 1, Math.floor((e - lo) / width)))]++
      }
      diverged ||= !estimates.every(Number.isFinite)
      const mean = sum / R
      means.push(mean)
      mses.push(sumSq / R)
      // Population variance, so that MSE = variance + bias^2 holds exactly for the measured numbers too.
      variances.push(sumSq / R - (mean - wStar) ** 2)
      histograms[l] = counts
      await hooks?.checkpoint?.(() => snapshot(l + 1))
    }

    const histogram = (l: number): Series => histograms[l].map((c, k) => [lo + (k + 0.5) * width, c])
    const summary = (l: number): RunResult<Metric> => ({
      label: l === starIndex ? `lambda = lambda* = ${lambdas[l]}` : lambdaLabel(lambdas[l]),
      series: { histogram: histogram(l) },
      final: {
        meanEstimate: means[l],
        variance: variances[l],
        mse: mses[l],
        histogramBinWidth: width,
        expectedMean: theoryMean[l],
        expectedVariance: theoryVariance[l],
        expectedMse: theoryMse[l],
      },
      diverged,
    })
    // One grid step at lambda*: the larger gap to its neighbours on the (log-spaced) grid.
    const gridStep = Math.max(lambdaStar - (lambdas[starIndex - 1] ?? lambdaStar), (lambdas[starIndex + 1] ?? lambdaStar) - lambdaStar)
    return {
      id: 'bias-variance',
      config,
      backend: tf.getBackend(),
      runs: [
        {
          label: label0,
          series: sweepSeries(),
          final: {
            argminMse: lambdas[argminOf(mses)],
            gridStep,
            maxGdGap: gdGap,
          },
          diverged,
        },
        summary(0),
        summary(starIndex),
      ],
      theory,
      extra: extra() as unknown as Record<string, unknown>,
    }
  },
})
