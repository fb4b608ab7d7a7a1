/**
 * 'lambda-sweep': many lambdas on the d2l data (science.md sections 2 and 11), trained as one batch of full-batch GD
 * from the d2l init, against the closed-form ridge solution (bias unpenalised) plus the (1 - eta lambda)^t decay of
 * the init outside the data span.
 */
import type { RegressionSet } from '../core/datasets'
import type { Progress, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { d2lRegression } from '../core/datasets'
import { gram, solveSpd, transposeTimes } from '../core/linalg'
import { linearRegression } from '../core/models'
import { normalMatrix } from '../core/random'
import { createTrainer } from '../core/trainer'
import { defineExperiment, seedParam } from './declare'
import { createPacer, rowGramPaced } from './pacing'
import { centre, column, curvatureRange, halfMse, logSpace, norm2, outsideRowSpan, requireStableEta, shift } from './regression-common'

/** A run's remaining init part must add less than this fraction to the test loss for its ridge check to apply. */
export const SWEEP_CONVERGED_FRACTION = 1e-4

type Metric = 'trainLoss' | 'testLoss' | 'lambda' | 'weightNorm' | 'bias' | 'best' | 'ridgeTrainLoss' | 'ridgeTestLoss' | 'gdEndpointTestLoss'
type Theory = 'bestLambdaRidge' | 'lowestTestLossRidge' | 'bestLambdaGd' | 'lowestTestLossGd' | 'convergenceFloor' | 'normOutsideSpan' | 'hMax' | 'hMin' | 'contraction'

/** 0, every, 2 every, ..., and steps itself. */
function checkpoints(steps: number, every: number): number[] {
  const out: number[] = []
  for (let t = 0; t < steps; t += every)
    out.push(t)
  out.push(steps)
  return out
}

/**
 * The d2l data, and its training set centred by its own means (the test set shifted by the same means): an exact
 * reparametrisation of the model with a bias. The bias then decouples (its gradient is the bias itself, so from 0 it
 * stays 0), and the Hessian of w is H + lambda I with H = Xc^T Xc / n: inside the span of the centred inputs every
 * eigenvalue is >= h_min + lambda (fast, for every lambda), outside it H = 0 and the init only decays as
 * (1 - eta lambda)^t. Without centring, w and b share a direction whose curvature vanishes with lambda (slow).
 */
function computeCentredData({ seed, nTrain, nTest, d }: { seed: number, nTrain: number, nTest: number, d: number }) {
  const data = d2lRegression({ seed, nTrain, nTest, d })
  const { centred, xMean, yMean } = centre(data.train)
  return { data, centred, test: shift(data.test, xMean, yMean), xMean, yMean, ...curvatureRange(centred) }
}

/** The last data built: resolving, checking and running one configuration need the same (a long task at d = 200 three times over). */
let lastData: { key: string, value: ReturnType<typeof computeCentredData> } | undefined

function centredData(config: { seed: number, nTrain: number, nTest: number, d: number }): ReturnType<typeof computeCentredData> {
  const key = JSON.stringify([config.seed, config.nTrain, config.nTest, config.d])
  if (lastData?.key !== key)
    lastData = { key, value: computeCentredData(config) }
  return lastData.value
}

/**
 * Ridge with an unpenalised bias for many lambdas: the centring, X^T X / n and X^T y / n are computed once (the same
 * arithmetic as theory.ts's ridgeSolution, so the results are identical), then one Cholesky solve per lambda, on demand.
 */
function ridgeWithBiasSolver(train: RegressionSet): (lambda: number) => { w: Float64Array, b: number } {
  const { centred, xMean, yMean } = centre(train)
  const { n, d, x, y } = centred
  const s = gram(x, n, d)
  for (let i = 0; i < s.length; i++)
    s[i] /= n
  const rhs = transposeTimes(x, n, d, y)
  for (let i = 0; i < d; i++)
    rhs[i] /= n
  return (lambda) => {
    const shifted = Float64Array.from(s)
    for (let i = 0; i < d; i++)
      shifted[i * d + i] += lambda
    const w = solveSpd(shifted, rhs)
    let b = yMean
    for (let j = 0; j < d; j++)
      b -= xMean[j] * w[j]
    return { w, b }
  }
}

export const lambdaSweepExperiment = defineExperiment({
  id: 'lambda-sweep',
  description: 'd2l regression, 64 log-spaced lambdas as one batch of full-batch GD from the d2l init; theory: closed-form ridge losses (bias unpenalised) plus the (1 - eta lambda)^t decay of the init outside the data span',
  purpose: 'Training and test error for 64 values of λ at once: too little decay overfits, too much underfits, the best λ is in between. Try: fewer training steps, a smaller initial scale.',
  params: {
    lambdaMin: { kind: 'number', default: 1e-3, min: 1e-6, max: 100, scale: 'log', label: 'smallest λ', meaning: 'smallest lambda of the log-spaced grid' },
    lambdaMax: { kind: 'number', default: 10, min: 1e-6, max: 100, scale: 'log', label: 'largest λ', meaning: 'largest lambda of the log-spaced grid' },
    count: { kind: 'integer', default: 64, min: 1, max: 128, label: 'lambdas', meaning: 'number of lambdas, trained as one batch', cost: 'max' },
    eta: { kind: 'number', default: 0.075, min: 1e-4, max: 1, scale: 'log', label: 'η', meaning: 'learning rate of full-batch gradient descent (must stay below 2/(h_max + largest λ))' },
    steps: { kind: 'integer', default: 800, min: 100, max: 5000, step: 80, scale: 'log', label: 'GD steps', meaning: 'full-batch gradient steps of every run', cost: 'max' },
    every: { kind: 'integer', default: 50, min: 5, max: 1000, label: 'record every', unit: 'steps', meaning: 'steps between two read-backs of the losses', cost: 'min' },
    initScale: { kind: 'number', default: 1, min: 0, max: 1, step: 0.05, label: 'init scale σ₀', meaning: 'standard deviation of the initial weights w0 ~ N(0, σ₀² I), shared by every run (0: from zero)' },
    nTrain: { kind: 'integer', default: 20, min: 2, max: 50, label: 'training examples', meaning: 'training examples', cost: 'max' },
    nTest: { kind: 'integer', default: 100, min: 1, max: 200, label: 'test examples', meaning: 'test examples', cost: 'max' },
    d: { kind: 'integer', default: 200, min: 1, max: 200, label: 'features', meaning: 'input dimension d', cost: 'max' },
    seed: seedParam(1),
  },
  outputs: {
    metrics: {
      trainLoss: { label: 'train loss' },
      testLoss: { label: 'test loss' },
      lambda: { label: 'lambda' },
      weightNorm: { label: 'weight norm' },
      bias: { label: 'bias' },
      best: { label: 'best (lowest measured test loss): 1 for one run, else 0' },
      ridgeTrainLoss: { label: 'ridge train loss (closed form at this lambda)' },
      ridgeTestLoss: { label: 'ridge test loss (closed form at this lambda)' },
      gdEndpointTestLoss: { label: 'GD endpoint test loss (ridge + init left outside the span, at this lambda)' },
    },
    theory: {
      bestLambdaRidge: { label: 'best lambda, closed-form ridge (converged)' },
      lowestTestLossRidge: { label: 'lowest test loss, closed-form ridge' },
      bestLambdaGd: { label: 'best lambda, GD endpoint prediction (ridge + init left outside the span)' },
      lowestTestLossGd: { label: 'lowest test loss, GD endpoint prediction' },
      convergenceFloor: { label: 'convergence floor: smallest lambda whose init remainder is negligible' },
      normOutsideSpan: { label: 'norm of the init outside the span of the centred inputs' },
      hMax: { label: 'largest eigenvalue h_max of the centred X^T X / n' },
      hMin: { label: 'smallest nonzero eigenvalue h_min of the centred X^T X / n' },
      contraction: { label: 'error contraction inside the span after the steps, rate^steps' },
    },
  },
  check(config) {
    if (!(config.lambdaMax >= config.lambdaMin))
      throw new Error(`lambdaMax: must be >= lambdaMin = ${config.lambdaMin}, got ${config.lambdaMax}`)
    if (config.every > config.steps)
      throw new Error(`every: must be <= steps = ${config.steps}, got ${config.every}`)
    requireStableEta('eta', config.eta, Math.max(centredData(config).hMax, 1), config.lambdaMax)
  },
  async run(config, hooks) {
    const { lambdaMin, lambdaMax, count, eta, steps, every, initScale, nTrain, d, seed } = config
    const lambdas = logSpace(lambdaMin, lambdaMax, count)
    const { data, centred, test, xMean, yMean, hMax, hMin } = centredData(config)
    const trainer = createTrainer({
      model: linearRegression(d),
      optimizer: { name: 'sgd' },
      runs: lambdas.map(lambda => ({ eta, lambda })),
      train: centred,
      test,
      seed: seed + 1_000_003,
      // Older d2l edition: w0 ~ N(0, initScale^2 I) shared by every run (initScale = 0: from zero), b0 = 0.
      init: (name, rows, _runs, rng) => name === 'w' ? normalMatrix(rng, rows, 1, initScale) : new Float64Array(rows),
    })
    const trainSeries: Series[] = lambdas.map(() => [])
    const testSeries: Series[] = lambdas.map(() => [])
    // Final losses in float64 from the trained parameters, mapped back to the raw model: b_raw = mean(y) - mean(x).w + b.
    const rawBias = (wr: ArrayLike<number>, bCentred: number) => yMean + bCentred - Array.from(wr).reduce((s, v, j) => s + v * xMean[j], 0)
    interface Exact { train: number, test: number, testGd: number, remainder: number, testAt: [number, number, number] }
    const exact: Exact[] = []
    let outsideNorm = 0
    let w: Float64Array
    let b: Float64Array
    let diverged: boolean[] = []
    // What a slide draws against lambda: the losses at the last read-back and the closed forms.
    const current = { step: 0, train: [] as number[], test: [] as number[] }
    const curves = () => ({
      lambdas,
      step: current.step,
      train: current.train,
      test: current.test,
      ridgeTrain: exact.map(e => e.train),
      ridgeTest: exact.map(e => e.test),
      // Test loss of ridge + a x (init outside the span) is A + B a + C a^2, a = (1 - eta lambda)^t: [A, B, C].
      testAt: exact.map(e => e.testAt),
      eta,
    })
    const snapshot = (done: number): Progress<Metric, Theory> => ({
      done,
      total: steps,
      runs: lambdas.map((lambda, r) => ({ label: `lambda = ${lambda.toPrecision(4)}`, series: { trainLoss: trainSeries[r], testLoss: testSeries[r] }, diverged: diverged[r] })),
      extra: curves(),
    })
    try {
      const w0 = column(await trainer.parameter('w'), d, count, 0)
      // The trainer's set-up and first read-back, then the projection (its Gram matrix paced by rows), then the closed
      // forms: slices of their own (the first two were one task of 60 ms at the costliest corner in Chromium here).
      await hooks?.checkpoint?.(() => snapshot(0))
      // The centred rows sum to zero: the first n - 1 of them span the same space and are independent (n - 1 <= d).
      const checkpoint = hooks?.checkpoint
      const pace = createPacer(checkpoint && (() => checkpoint(() => snapshot(0))))
      const outside0 = nTrain - 1 < d ? outsideRowSpan(centred.x, nTrain - 1, d, w0, await rowGramPaced(centred.x, nTrain - 1, d, pace)) : new Float64Array(d)
      outsideNorm = norm2(outside0)
      await hooks?.checkpoint?.(() => snapshot(0))
      // The closed forms need the data and w0 only: computed after the first read-back (so the slide shows the
      // starting losses at once) and before the first step, one lambda per chunk.
      const closedForms = async () => {
        const ridgeAt = ridgeWithBiasSolver(data.train)
        for (const lambda of lambdas) {
          const { w: we, b: be } = ridgeAt(lambda)
          // GD endpoint: the ridge solution plus what is left of the init outside the span (the part inside has
          // converged, see the contraction bound); it moves no training prediction, so only the test loss changes.
          const left = (1 - eta * lambda) ** steps
          const testWith = (a: number) => {
            const wa = Float64Array.from(we, (v, j) => v + a * outside0[j])
            return halfMse(data.test, wa, rawBias(wa, 0))
          }
          const [f0, f1, fm1] = [testWith(0), testWith(1), testWith(-1)]
          exact.push({
            train: halfMse(data.train, we, be),
            test: halfMse(data.test, we, be),
            testGd: testWith(left),
            remainder: Math.abs(left) * outsideNorm,
            testAt: [f0, (f1 - fm1) / 2, (f1 + fm1) / 2 - f0],
          })
          await hooks?.checkpoint?.(() => snapshot(0))
        }
      }
      for (const t of checkpoints(steps, every)) {
        // One full-batch step of every run per chunk; the losses are read back every `every` steps.
        while (trainer.stepsTaken < t) {
          trainer.step(1)
          if (trainer.stepsTaken < t)
            await hooks?.checkpoint?.(() => snapshot(trainer.stepsTaken))
        }
        const m = await trainer.metrics()
        lambdas.forEach((_, r) => {
          trainSeries[r].push([m.step, m.trainLoss[r]])
          testSeries[r].push([m.step, m.testLoss![r]])
        })
        diverged = m.diverged
        current.step = m.step
        current.train = Array.from(m.trainLoss)
        current.test = Array.from(m.testLoss!)
        await hooks?.checkpoint?.(() => snapshot(m.step))
        if (t === 0)
          await closedForms()
      }
      w = await trainer.parameter('w')
      b = await trainer.parameter('b')
    }
    finally {
      trainer.dispose()
    }
    const measured = lambdas.map((_, r) => {
      const wr = column(w, d, count, r)
      const bRaw = rawBias(wr, b[r])
      return { train: halfMse(data.train, wr, bRaw), test: halfMse(data.test, wr, bRaw), norm: norm2(wr), bias: bRaw }
    })
    const argmin = (values: number[]) => values.reduce((best, v, i) => (v < values[best] ? i : best), 0)
    const bestMeasured = argmin(measured.map(m => m.test))
    const bestRidge = argmin(exact.map(e => e.test))
    const bestGd = argmin(exact.map(e => e.testGd))
    // A run counts as converged when its remaining init adds (about remainder^2 / 2 for isotropic test inputs)
    // less than SWEEP_CONVERGED_FRACTION of the ridge test loss.
    const floorIndex = exact.findIndex(e => e.remainder ** 2 / 2 <= SWEEP_CONVERGED_FRACTION * e.test)
    // Slowest contraction inside the span over the batch: |1 - eta (h + lambda)| at h_min and h_max.
    const rate = Math.max(...lambdas.flatMap(l => [Math.abs(1 - eta * (hMin + l)), Math.abs(1 - eta * (hMax + l))]))

    return {
      id: 'lambda-sweep',
      config,
      backend: tf.getBackend(),
      runs: lambdas.map((lambda, r) => ({
        label: `lambda = ${lambda.toPrecision(4)}`,
        series: { trainLoss: trainSeries[r], testLoss: testSeries[r] },
        final: {
          lambda,
          trainLoss: measured[r].train,
          testLoss: measured[r].test,
          weightNorm: measured[r].norm,
          bias: measured[r].bias,
          best: r === bestMeasured ? 1 : 0,
          ridgeTrainLoss: exact[r].train,
          ridgeTestLoss: exact[r].test,
          gdEndpointTestLoss: exact[r].testGd,
        },
        diverged: diverged[r] ?? false,
      })),
      theory: {
        bestLambdaRidge: lambdas[bestRidge],
        lowestTestLossRidge: exact[bestRidge].test,
        bestLambdaGd: lambdas[bestGd],
        lowestTestLossGd: exact[bestGd].testGd,
        convergenceFloor: floorIndex < 0 ? Number.NaN : lambdas[floorIndex],
        normOutsideSpan: outsideNorm,
        hMax,
        hMin,
        contraction: rate ** steps,
      },
      // The curves against lambda a slide draws, from the float64 losses of the trained parameters.
      extra: { ...curves(), step: steps, train: measured.map(m => m.train), test: measured.map(m => m.test) },
    }
  },
})
