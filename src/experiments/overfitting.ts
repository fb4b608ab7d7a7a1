/**
 * 'overfitting': the d2l high-dimensional regression (science.md section 11), minibatch SGD with lambda = 0 beside
 * a chosen lambda. Theory: where SGD without decay converges (the interpolant nearest w0), the full-batch ridge
 * minimiser, and the (1 - eta lambda)^t decay of the init outside the span of the training inputs.
 */
import type { RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { d2lRegression } from '../core/datasets'
import { solveSpd, transposeTimes } from '../core/linalg'
import { linearRegression } from '../core/models'
import { normalMatrix } from '../core/random'
import { createTrainer } from '../core/trainer'
import { defineExperiment, seedParam } from './declare'
import { createPacer, gramPaced, rowGramPaced, solveSpdPaced } from './pacing'
import { centre, column, halfMse, norm2, outsideRowSpan } from './regression-common'

type D2lData = ReturnType<typeof d2lRegression>
type Theory = 'normOutsideNoDecay' | 'normOutside' | 'interpolantTestLoss' | 'ridgeTrainLoss' | 'ridgeTestLoss' | 'noiseFloor' | 'interpolantNorm' | 'ridgeNorm'
/** What each run records against epochs (the theory curves use the same ids). */
type Measured = 'trainLoss' | 'testLoss' | 'weightNorm'

// Most minibatch steps between two checkpoints: 20 take 6-8 ms on tfjs-wasm here (50 took 15-20 ms, and with the
// frame drawn after them made tasks over 50 ms on a busier machine). An epoch at batch size 1 and 100 examples is
// 100 steps, five chunks.
const STEPS_PER_CHUNK = 20

/**
 * The last data set drawn, by its parameters (read only): a new run of the same data (Reset, another lambda or eta)
 * draws none again. At the costliest corner that is 300 000 normals, 30-50 ms in one piece.
 */
let lastData: { key: string, data: D2lData } | undefined
function dataFor(options: { seed: number, nTrain: number, nTest: number, d: number }): D2lData {
  const key = JSON.stringify([options.seed, options.nTrain, options.nTest, options.d])
  if (lastData?.key !== key)
    lastData = { key, data: d2lRegression(options) }
  return lastData.data
}

type Pace = (units: number) => Promise<void> | undefined

/**
 * Ridge with an unpenalised bias: centring makes the bias decouple, so w is the ridge solution of the centred
 * training set and b = mean(y) - mean(x).w (the minimiser of 1/(2n)||Xw + b - y||^2 + (lambda/2)||w||^2).
 * The arithmetic of `ridgeSolution` (core/theory), paced: at d = 500 the d x d system is most of the set-up.
 */
async function ridgeWithBias(train: D2lData['train'], lambda: number, pace: Pace): Promise<{ w: Float64Array, b: number }> {
  const { centred, xMean, yMean } = centre(train)
  const { n, d } = centred
  const s = await gramPaced(centred.x, n, d, pace)
  for (let i = 0; i < s.length; i++)
    s[i] /= n
  for (let i = 0; i < d; i++)
    s[i * d + i] += lambda
  const rhs = transposeTimes(centred.x, n, d, centred.y)
  for (let i = 0; i < d; i++)
    rhs[i] /= n
  const w = await solveSpdPaced(s, rhs, pace)
  let b = yMean
  for (let j = 0; j < train.d; j++)
    b -= xMean[j] * w[j]
  return { w, b }
}

/**
 * The closed forms, known before training (they need the data and w0 only): the values of `theory`, and curves
 * against epochs for the run with decay. `pace` is told the work done, so that a slide can draw in between.
 */
async function overfittingTheory(
  data: D2lData,
  w0: Float64Array,
  options: { lambda: number, eta: number, epochs: number, stepsPerEpoch: number },
  pace: Pace,
): Promise<{ theory: Record<Theory, number>, curves: Record<Measured | 'normOutsideSpan', Series>, xxT: Float64Array }> {
  const { lambda, eta, epochs, stepsPerEpoch } = options
  const { train, test } = data
  const { n: nTrain, d } = train
  const steps = epochs * stepsPerEpoch
  // SGD's gradient for w is a combination of training inputs, and the decay shrinks everything: the part of w
  // outside the span of the training inputs is multiplied by exactly (1 - eta lambda) per step.
  const xxT = await rowGramPaced(train.x, nTrain, d, pace)
  const outside = outsideRowSpan(train.x, nTrain, d, w0, xxT)
  const outside0 = norm2(outside)
  await pace(2 * nTrain * d)
  // Without decay SGD converges to the interpolant nearest (w0, b0 = 0): u0 + A^T (A A^T)^{-1} (y - A u0), A = [X, 1].
  const kernel = xxT.map(v => v + 1)
  const residual = Float64Array.from(train.y, (yi, i) => yi - w0.reduce((s, wj, j) => s + wj * train.x[i * d + j], 0))
  const z = solveSpd(kernel, residual)
  const wInterp = Float64Array.from(w0)
  const zt = transposeTimes(train.x, nTrain, d, z)
  wInterp.forEach((_, j) => (wInterp[j] += zt[j]))
  const bInterp = z.reduce((s, v) => s + v, 0)
  await pace(3 * nTrain * d)
  const ridge = await ridgeWithBias(train, lambda, pace)
  const theory: Record<Theory, number> = {
    normOutsideNoDecay: outside0,
    normOutside: (1 - eta * lambda) ** steps * outside0,
    interpolantTestLoss: halfMse(test, wInterp, bInterp),
    ridgeTrainLoss: halfMse(train, ridge.w, ridge.b),
    ridgeTestLoss: halfMse(test, ridge.w, ridge.b),
    noiseFloor: halfMse(test, data.wTrue, data.bTrue),
    interpolantNorm: norm2(wInterp),
    ridgeNorm: norm2(ridge.w),
  }
  // Once the part of w inside the data span has converged, w_t = w_ridge + (1 - eta lambda)^t u with u = the init
  // outside the span: u moves no training prediction (so the training loss is the ridge one), it is orthogonal to
  // w_ridge (so the norms add in squares), and the test loss is a quadratic in a = (1 - eta lambda)^t. Minibatch
  // noise around w_ridge is left out: these are the curves the run with decay approaches, not its exact values.
  const testAt = (a: number) => halfMse(test, Float64Array.from(ridge.w, (v, j) => v + a * outside[j]), ridge.b)
  const epochsAxis = Array.from({ length: epochs + 1 }, (_, e) => e)
  const shrink = (e: number) => (1 - eta * lambda) ** (e * stepsPerEpoch)
  // One test loss per epoch: 400 epochs at 500 x 500 is 10^8 operations, paced.
  const testLoss: Series = []
  for (const e of epochsAxis) {
    testLoss.push([e, testAt(shrink(e))])
    await pace(test.n * d)
  }
  const curves = {
    trainLoss: epochsAxis.map(e => [e, theory.ridgeTrainLoss] as [number, number]),
    testLoss,
    weightNorm: epochsAxis.map(e => [e, Math.hypot(norm2(ridge.w), shrink(e) * outside0)] as [number, number]),
    normOutsideSpan: epochsAxis.map(e => [e, shrink(e) * outside0] as [number, number]),
  }
  return { theory, curves, xxT }
}

export const overfittingExperiment = defineExperiment({
  id: 'overfitting',
  description: 'd2l high-dimensional regression (20 examples, 200 features), minibatch SGD with lambda = 0 and lambda = 3; theory: the interpolant nearest w0 and the (1 - eta lambda)^t decay outside the data span',
  purpose: 'Twenty examples, two hundred features: without decay the model fits the training set exactly and does badly on new data; with decay the test error falls. Try: a smaller or larger λ, more epochs.',
  params: {
    lambda: { kind: 'number', default: 3, min: 0.01, max: 30, step: 120, scale: 'log', label: 'λ of the second run', meaning: 'weight of the penalty (λ/2)‖w‖² of the second run (the first has λ = 0)' },
    eta: { kind: 'number', default: 0.003, min: 1e-4, max: 0.01, scale: 'log', label: 'η', meaning: 'learning rate of minibatch SGD' },
    epochs: { kind: 'integer', default: 100, min: 1, max: 400, label: 'epochs', meaning: 'passes over the training set (one epoch per frame on the slide)', cost: 'max' },
    batchSize: { kind: 'integer', default: 5, min: 1, max: 100, label: 'batch size', meaning: 'examples per minibatch (an epoch drops the remainder)', cost: 'min' },
    nTrain: { kind: 'integer', default: 20, min: 1, max: 100, label: 'training examples', meaning: 'training examples (fewer than features, so that SGD can interpolate)', cost: 'max' },
    nTest: { kind: 'integer', default: 100, min: 1, max: 500, label: 'test examples', meaning: 'test examples', cost: 'max' },
    d: { kind: 'integer', default: 200, min: 2, max: 500, label: 'features', meaning: 'input dimension d', cost: 'max' },
    initScale: { kind: 'number', default: 1, min: 0.01, max: 10, scale: 'log', label: 'init scale σ₀', meaning: 'standard deviation of the initial weights w0 ~ N(0, σ₀² I), shared by both runs' },
    seed: seedParam(1),
  },
  outputs: {
    metrics: {
      trainLoss: { label: 'train loss' },
      testLoss: { label: 'test loss' },
      weightNorm: { label: 'weight norm' },
      bias: { label: 'bias' },
      normOutsideSpan: { label: 'norm outside the span of the training inputs' },
    },
    theory: {
      normOutsideNoDecay: { label: 'lambda = 0: norm outside the training span (SGD never changes it)' },
      normOutside: { label: 'chosen lambda: norm outside the training span, (1 - eta lambda)^steps x initial' },
      interpolantTestLoss: { label: 'lambda = 0: test loss of the interpolant nearest w0 (where SGD without decay converges)' },
      ridgeTrainLoss: { label: 'chosen lambda: train loss of the full-batch ridge minimiser (NOT the minibatch endpoint)' },
      ridgeTestLoss: { label: 'chosen lambda: test loss of the full-batch ridge minimiser (NOT the minibatch endpoint)' },
      noiseFloor: { label: 'test loss of the true model (noise floor)' },
      interpolantNorm: { label: 'lambda = 0: weight norm of the interpolant nearest w0' },
      ridgeNorm: { label: 'chosen lambda: weight norm of the full-batch ridge minimiser' },
    },
  },
  check(config) {
    if (config.batchSize > config.nTrain)
      throw new Error(`batchSize: must be <= nTrain = ${config.nTrain}, got ${config.batchSize}`)
    if (config.nTrain >= config.d)
      throw new Error(`nTrain: the demo needs more features than examples (nTrain < d = ${config.d}), got ${config.nTrain}`)
  },
  async run(config, hooks) {
    const { lambda, eta, epochs, batchSize, nTrain, nTest, d, initScale, seed } = config
    const lambdas = [0, lambda]
    const series = lambdas.map((): Record<Measured, Series> => ({ trainLoss: [], testLoss: [], weightNorm: [] }))
    // Unknown until the set-up's closed forms are done.
    let theory: Record<Theory, number> | undefined
    // X X^T of the training inputs, from the set-up: the end measures each run's part outside their span with it.
    let xxT: Float64Array | undefined
    let curves: Record<Measured | 'normOutsideSpan', Series> | undefined
    let diverged: boolean[] = []
    const progress = (done: number) => ({
      done,
      total: epochs,
      runs: lambdas.map((l, r) => ({ label: `lambda = ${l}`, series: series[r], diverged: diverged[r] })),
      theory,
      extra: curves && { theoryCurves: curves },
    })
    // At the large corners (600 x 500 draws, the d x d ridge system) the set-up takes longer than a frame: the slide
    // draws (nothing yet) between its pieces.
    const checkpoint = hooks?.checkpoint
    const pace = createPacer(checkpoint && (() => checkpoint(() => progress(0))))
    const data = dataFor({ seed, nTrain, nTest, d })
    // A normal draw costs about 20 multiply-adds.
    await pace(20 * (nTrain + nTest) * d)
    // The trainer drops the remainder of an epoch (a new shuffle starts when a full minibatch no longer fits).
    const stepsPerEpoch = Math.floor(nTrain / batchSize)
    const trainer = createTrainer({
      model: linearRegression(d),
      optimizer: { name: 'sgd' },
      runs: lambdas.map(l => ({ eta, lambda: l })),
      train: data.train,
      test: data.test,
      batchSize,
      // Not `seed`: the trainer's stream would then repeat d2lRegression's draws, and w0 would equal the first input.
      seed: seed + 1_000_003,
      // Older d2l edition: w0 ~ N(0, initScale^2 I), b0 = 0; both runs start from the same w0.
      init: (name, rows, _runs, rng) => name === 'w' ? normalMatrix(rng, rows, 1, initScale) : new Float64Array(rows),
    })
    let wEnd: Float64Array
    let bEnd: Float64Array
    try {
      const w0 = column(await trainer.parameter('w'), d, 2, 0)
      // Known before the first step: a slide draws the theory lines at once.
      ;({ theory, curves, xxT } = await overfittingTheory(data, w0, { lambda, eta, epochs, stepsPerEpoch }, pace))
      for (let epoch = 0; epoch <= epochs; epoch++) {
        // An epoch of many minibatches (up to 100) is split into chunks of a few milliseconds.
        const steps = epoch > 0 ? stepsPerEpoch : 0
        for (let taken = 0; taken < steps;) {
          const k = Math.min(STEPS_PER_CHUNK, steps - taken)
          trainer.step(k)
          taken += k
          if (taken < steps)
            await hooks?.checkpoint?.(() => progress(epoch - 1))
        }
        const m = await trainer.metrics()
        // x = epoch (d2l plots against epochs), not the step.
        lambdas.forEach((_, r) => {
          series[r].trainLoss.push([epoch, m.trainLoss[r]])
          series[r].testLoss.push([epoch, m.testLoss![r]])
          series[r].weightNorm.push([epoch, m.weightNorm[r]])
        })
        diverged = m.diverged
        // A chunk is one epoch (or its last part): a few minibatch steps and one read-back.
        await hooks?.checkpoint?.(() => progress(epoch))
      }
      wEnd = await trainer.parameter('w')
      bEnd = await trainer.parameter('b')
    }
    finally {
      trainer.dispose()
    }
    const { train } = data

    const runs: RunResult<Measured | 'bias' | 'normOutsideSpan'>[] = lambdas.map((l, r) => {
      const w = column(wEnd, d, 2, r)
      const last = (k: Measured) => series[r][k].at(-1)![1]
      return {
        label: `lambda = ${l}`,
        series: series[r],
        final: {
          trainLoss: last('trainLoss'),
          testLoss: last('testLoss'),
          weightNorm: last('weightNorm'),
          bias: bEnd[r],
          normOutsideSpan: norm2(outsideRowSpan(train.x, nTrain, d, w, xxT)),
        },
        diverged: diverged[r] ?? false,
      }
    })
    return {
      id: 'overfitting',
      config,
      backend: tf.getBackend(),
      runs,
      theory,
      // Curves against epochs for the run with decay (see overfittingTheory): what the slide draws dashed.
      extra: { theoryCurves: curves },
    }
  },
})
