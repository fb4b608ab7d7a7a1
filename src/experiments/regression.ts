/**
 * Weight decay on linear regression (science.md sections 2, 3 and 11):
 * - 'overfitting': the d2l high-dimensional regression, lambda = 0 beside lambda = 3 (minibatch SGD);
 * - 'lambda-sweep': many lambdas on the same data as one batch, against the closed-form ridge solution;
 * - 'regularization-paths': lasso (ISTA) and ridge (GD) coefficients against lambda, against coordinate descent
 *   and the ridge closed form;
 * - 'l1-l2-geometry': a 2-parameter quadratic with an l1 or l2 penalty: the l1 solution sits on a corner.
 *
 * Conventions: squared loss with the 1/2 as a mean over examples, 1/(2n)||Xw + b - y||^2; ridge penalty
 * (lambda/2)||w||^2, lasso penalty lambda||w||_1; the bias is never penalised.
 */
import type { RegressionSet } from '../core/datasets'
import type { ExperimentResult, Progress, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { d2lRegression, standardize } from '../core/datasets'
import { gram, solveSpd, transposeTimes } from '../core/linalg'
import { linearRegression } from '../core/models'
import { createOptimizer } from '../core/optimizers'
import { createRng, normalMatrix } from '../core/random'
import { gdStableLearningRate, lassoKktViolation, lassoLambdaMax, lassoPath, lassoSolution, ridgeSolution } from '../core/theory'
import { createTrainer } from '../core/trainer'
import { defineLegacyExperiment as defineExperiment } from './types'
import { requireAtLeast, requireInteger, requireNonNegative, requirePositive } from './validate'

// ---------------------------------------------------------------------------
// Validation: every message starts with the field name.

function requireStableEta(field: string, eta: number, hMax: number, lambdaMax: number): void {
  const limit = gdStableLearningRate(hMax, lambdaMax)
  if (!(eta < limit))
    throw new Error(`${field}: gradient descent needs eta < 2/(h_max + lambda_max) = ${limit.toPrecision(4)}, got ${eta}`)
}

// ---------------------------------------------------------------------------
// Small float64 helpers (the references the float32 runs are compared with).

/** `count` log-spaced values from `min` to `max`, both included. */
export function logSpace(min: number, max: number, count: number): number[] {
  if (count === 1)
    return [min]
  const a = Math.log(min)
  const b = Math.log(max)
  // The ends exactly, not exp(log(min)).
  return Array.from({ length: count }, (_, i) => i === 0 ? min : i === count - 1 ? max : Math.exp(a + (b - a) * i / (count - 1)))
}

/** 0, every, 2 every, ..., and steps itself. */
function checkpoints(steps: number, every: number): number[] {
  const out: number[] = []
  for (let t = 0; t < steps; t += every)
    out.push(t)
  out.push(steps)
  return out
}

/** Column `run` of a [rows, runs] row-major array. */
function column(values: ArrayLike<number>, rows: number, runs: number, run: number): Float64Array {
  return Float64Array.from({ length: rows }, (_, j) => values[j * runs + run])
}

/** 1/(2n) sum (x_i.w + b - y_i)^2: the models' squared loss with the 1/2. */
function halfMse(set: RegressionSet, w: ArrayLike<number>, b: number): number {
  const { n, d, x, y } = set
  let sum = 0
  for (let i = 0; i < n; i++) {
    let r = b - y[i]
    for (let j = 0; j < d; j++)
      r += x[i * d + j] * w[j]
    sum += r * r
  }
  return sum / (2 * n)
}

const norm2 = (w: ArrayLike<number>) => Math.hypot(...Array.from(w))

/** The training set with its column means and target mean removed, and those means. */
function centre(set: RegressionSet): { centred: RegressionSet, xMean: Float64Array, yMean: number } {
  const { n, d } = set
  const xMean = new Float64Array(d)
  let yMean = 0
  for (let i = 0; i < n; i++) {
    yMean += set.y[i] / n
    for (let j = 0; j < d; j++)
      xMean[j] += set.x[i * d + j] / n
  }
  return { centred: shift(set, xMean, yMean), xMean, yMean }
}

/** x - xMean, y - yMean (the test set is shifted by the training means). */
function shift(set: RegressionSet, xMean: Float64Array, yMean: number): RegressionSet {
  const { n, d } = set
  return {
    n,
    d,
    x: Float64Array.from(set.x, (v, k) => v - xMean[k % d]),
    y: Float64Array.from(set.y, v => v - yMean),
  }
}

/**
 * Ridge with an unpenalised bias: centring makes the bias decouple, so w is the ridge solution of the centred
 * training set and b = mean(y) - mean(x).w (the minimiser of 1/(2n)||Xw + b - y||^2 + (lambda/2)||w||^2).
 */
function ridgeWithBias(train: RegressionSet, lambda: number): { w: Float64Array, b: number } {
  const { centred, xMean, yMean } = centre(train)
  const w = ridgeSolution(centred.x, centred.n, centred.d, centred.y, lambda)
  let b = yMean
  for (let j = 0; j < train.d; j++)
    b -= xMean[j] * w[j]
  return { w, b }
}

/**
 * ridgeWithBias for many lambdas: the centring, X^T X / n and X^T y / n are computed once (the same arithmetic as
 * theory.ts's ridgeSolution, so the results are identical), then one Cholesky solve per lambda, on demand.
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

/** X X^T for X with n rows and d columns (the n x n kernel matrix). */
function rowGram(x: Float64Array, n: number, d: number): Float64Array {
  const out = new Float64Array(n * n)
  for (let i = 0; i < n; i++) {
    for (let k = i; k < n; k++) {
      let sum = 0
      for (let j = 0; j < d; j++)
        sum += x[i * d + j] * x[k * d + j]
      out[i * n + k] = sum
      out[k * n + i] = sum
    }
  }
  return out
}

/** The part of w orthogonal to the span of the rows of X: w - X^T (X X^T)^{-1} X w (rows linearly independent). */
function outsideRowSpan(x: Float64Array, n: number, d: number, w: ArrayLike<number>): Float64Array {
  const xw = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      xw[i] += x[i * d + j] * w[j]
  }
  const z = solveSpd(rowGram(x, n, d), xw)
  const out = Float64Array.from(w)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      out[j] -= x[i * d + j] * z[i]
  }
  return out
}

/**
 * Eigenvalues (ascending) of a symmetric n x n matrix by cyclic Jacobi rotations; the core's linalg has no
 * eigen-solver, and the learning-rate checks and convergence bounds need h_max and h_min.
 */
function symmetricEigenvalues(matrix: Float64Array, n: number): Float64Array {
  const a = Float64Array.from(matrix)
  const total = a.reduce((s, v) => s + v * v, 0)
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++)
        off += a[p * n + q] ** 2
    }
    if (off <= 1e-30 * total)
      break
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]
        if (apq === 0)
          continue
        // Rotation that zeroes a_pq (A <- J^T A J), the stable choice of Numerical Recipes 11.1.
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1))
        const c = 1 / Math.sqrt(t * t + 1)
        const s = t * c
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]
          const akq = a[k * n + q]
          a[k * n + p] = c * akp - s * akq
          a[k * n + q] = s * akp + c * akq
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]
          const aqk = a[q * n + k]
          a[p * n + k] = c * apk - s * aqk
          a[q * n + k] = s * apk + c * aqk
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => a[i * n + i]).sort()
}

/** Largest and smallest nonzero eigenvalue of X^T X / n (computed from the smaller of X^T X and X X^T). */
function curvatureRange(set: RegressionSet): { hMax: number, hMin: number } {
  const { n, d, x } = set
  const small = n <= d ? rowGram(x, n, d) : gram(x, n, d)
  const size = Math.min(n, d)
  const eig = symmetricEigenvalues(small.map(v => v / n), size)
  const hMax = eig[size - 1]
  // Eigenvalues below this are zero up to rounding (e.g. the one that centring removes).
  const nonzero = Array.from(eig).filter(v => v > 1e-9 * hMax)
  return { hMax, hMin: nonzero[0] ?? 0 }
}

// ---------------------------------------------------------------------------
// 1. The d2l experiment: overfitting without decay, fixed by lambda = 3.

/**
 * The closed forms of the d2l experiment, known before training (they need the data and w0 only): the values of
 * `theory`, and curves against epochs for the run with decay.
 */
function overfittingTheory(
  data: ReturnType<typeof d2lRegression>,
  w0: Float64Array,
  options: { lambda: number, eta: number, epochs: number, stepsPerEpoch: number },
): { theory: Record<string, number>, curves: Record<string, Series> } {
  const { lambda, eta, epochs, stepsPerEpoch } = options
  const { train, test } = data
  const { n: nTrain, d } = train
  const steps = epochs * stepsPerEpoch
  // SGD's gradient for w is a combination of training inputs, and the decay shrinks everything: the part of w
  // outside the span of the training inputs is multiplied by exactly (1 - eta lambda) per step.
  const outside = outsideRowSpan(train.x, nTrain, d, w0)
  const outside0 = norm2(outside)
  // Without decay SGD converges to the interpolant nearest (w0, b0 = 0): u0 + A^T (A A^T)^{-1} (y - A u0), A = [X, 1].
  const kernel = rowGram(train.x, nTrain, d).map(v => v + 1)
  const residual = Float64Array.from(train.y, (yi, i) => yi - w0.reduce((s, wj, j) => s + wj * train.x[i * d + j], 0))
  const z = solveSpd(kernel, residual)
  const wInterp = Float64Array.from(w0)
  const zt = transposeTimes(train.x, nTrain, d, z)
  wInterp.forEach((_, j) => (wInterp[j] += zt[j]))
  const bInterp = z.reduce((s, v) => s + v, 0)
  const ridge = ridgeWithBias(train, lambda)
  const theory: Record<string, number> = {
    'lambda = 0: norm outside the training span (SGD never changes it)': outside0,
    [`lambda = ${lambda}: norm outside the training span, (1 - eta lambda)^steps x initial`]: (1 - eta * lambda) ** steps * outside0,
    'lambda = 0: test loss of the interpolant nearest w0 (where SGD without decay converges)': halfMse(test, wInterp, bInterp),
    [`lambda = ${lambda}: train loss of the full-batch ridge minimiser (NOT the minibatch endpoint)`]: halfMse(train, ridge.w, ridge.b),
    [`lambda = ${lambda}: test loss of the full-batch ridge minimiser (NOT the minibatch endpoint)`]: halfMse(test, ridge.w, ridge.b),
    'test loss of the true model (noise floor)': halfMse(test, data.wTrue, data.bTrue),
    'lambda = 0: weight norm of the interpolant nearest w0': norm2(wInterp),
    [`lambda = ${lambda}: weight norm of the full-batch ridge minimiser`]: norm2(ridge.w),
  }
  // Once the part of w inside the data span has converged, w_t = w_ridge + (1 - eta lambda)^t u with u = the init
  // outside the span: u moves no training prediction (so the training loss is the ridge one), it is orthogonal to
  // w_ridge (so the norms add in squares), and the test loss is a quadratic in a = (1 - eta lambda)^t. Minibatch
  // noise around w_ridge is left out: these are the curves the run with decay approaches, not its exact values.
  const testAt = (a: number) => halfMse(test, Float64Array.from(ridge.w, (v, j) => v + a * outside[j]), ridge.b)
  const epochsAxis = Array.from({ length: epochs + 1 }, (_, e) => e)
  const shrink = (e: number) => (1 - eta * lambda) ** (e * stepsPerEpoch)
  const curves: Record<string, Series> = {
    'train loss': epochsAxis.map(e => [e, theory[`lambda = ${lambda}: train loss of the full-batch ridge minimiser (NOT the minibatch endpoint)`]]),
    'test loss': epochsAxis.map(e => [e, testAt(shrink(e))]),
    'weight norm': epochsAxis.map(e => [e, Math.hypot(norm2(ridge.w), shrink(e) * outside0)]),
    'norm outside the span': epochsAxis.map(e => [e, shrink(e) * outside0]),
  }
  return { theory, curves }
}

export const overfittingExperiment = defineExperiment({
  id: 'overfitting',
  description: 'd2l high-dimensional regression (20 examples, 200 features), minibatch SGD with lambda = 0 and lambda = 3; theory: the interpolant nearest w0 and the (1 - eta lambda)^t decay outside the data span',
  defaults: { lambda: 3, eta: 0.003, epochs: 100, batchSize: 5, nTrain: 20, nTest: 100, d: 200, initScale: 1, seed: 1 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { lambda, eta, epochs, batchSize, nTrain, nTest, d, initScale, seed } = config
    requirePositive('lambda', lambda)
    requirePositive('eta', eta)
    requireInteger('epochs', epochs, 1)
    requireInteger('nTrain', nTrain, 1)
    requireInteger('batchSize', batchSize, 1)
    if (batchSize > nTrain)
      throw new Error(`batchSize: must be <= nTrain = ${nTrain}, got ${batchSize}`)
    requireInteger('nTest', nTest, 1)
    requireInteger('d', d, 1)
    if (nTrain >= d)
      throw new Error(`nTrain: the demo needs more features than examples (nTrain < d = ${d}), got ${nTrain}`)
    requirePositive('initScale', initScale)
    requireInteger('seed', seed, 0)

    const data = d2lRegression({ seed, nTrain, nTest, d })
    const lambdas = [0, lambda]
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
    const names = ['train loss', 'test loss', 'weight norm'] as const
    const series = lambdas.map(() => Object.fromEntries(names.map(k => [k, [] as Series])) as Record<typeof names[number], Series>)
    let theory: Record<string, number>
    let curves: Record<string, Series>
    let wEnd: Float64Array
    let bEnd: Float64Array
    let diverged: boolean[] = []
    try {
      const w0 = column(await trainer.parameter('w'), d, 2, 0)
      // Known before the first step: a slide draws the theory lines at once.
      ;({ theory, curves } = overfittingTheory(data, w0, { lambda, eta, epochs, stepsPerEpoch }))
      for (let epoch = 0; epoch <= epochs; epoch++) {
        if (epoch > 0)
          trainer.step(stepsPerEpoch)
        const m = await trainer.metrics()
        // x = epoch (d2l plots against epochs), not the step.
        lambdas.forEach((_, r) => {
          series[r]['train loss'].push([epoch, m.trainLoss[r]])
          series[r]['test loss'].push([epoch, m.testLoss![r]])
          series[r]['weight norm'].push([epoch, m.weightNorm[r]])
        })
        diverged = m.diverged
        // A chunk is one epoch: a few minibatch steps and one read-back.
        await hooks?.checkpoint?.(() => ({
          done: epoch,
          total: epochs,
          runs: lambdas.map((l, r) => ({ label: `lambda = ${l}`, series: series[r], diverged: diverged[r] })),
          theory,
          extra: { theoryCurves: curves },
        }))
      }
      wEnd = await trainer.parameter('w')
      bEnd = await trainer.parameter('b')
    }
    finally {
      trainer.dispose()
    }
    const { train } = data

    const runs: RunResult[] = lambdas.map((l, r) => {
      const w = column(wEnd, d, 2, r)
      const last = (k: typeof names[number]) => series[r][k].at(-1)![1]
      return {
        label: `lambda = ${l}`,
        series: series[r],
        final: {
          'train loss': last('train loss'),
          'test loss': last('test loss'),
          'weight norm': last('weight norm'),
          'bias': bEnd[r],
          'norm outside the span of the training inputs': norm2(outsideRowSpan(train.x, nTrain, d, w)),
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

// ---------------------------------------------------------------------------
// 2. Many lambdas at once on the d2l data, against the closed-form ridge solution.

/** A run's remaining init part must add less than this fraction to the test loss for its ridge check to apply. */
export const SWEEP_CONVERGED_FRACTION = 1e-4

export const lambdaSweepExperiment = defineExperiment({
  id: 'lambda-sweep',
  description: 'd2l regression, 64 log-spaced lambdas as one batch of full-batch GD from the d2l init; theory: closed-form ridge losses (bias unpenalised) plus the (1 - eta lambda)^t decay of the init outside the data span',
  defaults: { lambdaMin: 1e-3, lambdaMax: 10, count: 64, eta: 0.075, steps: 800, every: 50, initScale: 1, nTrain: 20, nTest: 100, d: 200, seed: 1 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { lambdaMin, lambdaMax, count, eta, steps, every, initScale, nTrain, nTest, d, seed } = config
    requirePositive('lambdaMin', lambdaMin)
    requirePositive('lambdaMax', lambdaMax)
    requireAtLeast('lambdaMax', lambdaMax, 'lambdaMin', lambdaMin)
    requireInteger('count', count, 1)
    requirePositive('eta', eta)
    requireInteger('steps', steps, 1)
    requireInteger('every', every, 1)
    requireNonNegative('initScale', initScale)
    requireInteger('nTrain', nTrain, 2)
    requireInteger('nTest', nTest, 1)
    requireInteger('d', d, 1)
    requireInteger('seed', seed, 0)

    const data = d2lRegression({ seed, nTrain, nTest, d })
    const lambdas = logSpace(lambdaMin, lambdaMax, count)
    // Training runs on the training set centred by its own means (the test set shifted by the same means): an exact
    // reparametrisation of the model with a bias. The bias then decouples (its gradient is the bias itself, so from
    // 0 it stays 0), and the Hessian of w is H + lambda I with H = Xc^T Xc / n: inside the span of the centred inputs
    // every eigenvalue is >= h_min + lambda (fast, for every lambda), outside it H = 0 and the init only decays as
    // (1 - eta lambda)^t. Without centring, w and b share a direction whose curvature vanishes with lambda (slow).
    const { centred, xMean, yMean } = centre(data.train)
    const test = shift(data.test, xMean, yMean)
    const { hMax, hMin } = curvatureRange(centred)
    requireStableEta('eta', eta, Math.max(hMax, 1), lambdaMax)
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
    const snapshot = (done: number): Progress => ({
      done,
      total: steps,
      runs: lambdas.map((lambda, r) => ({ label: `lambda = ${lambda.toPrecision(4)}`, series: { 'train loss': trainSeries[r], 'test loss': testSeries[r] }, diverged: diverged[r] })),
      extra: curves(),
    })
    try {
      const w0 = column(await trainer.parameter('w'), d, count, 0)
      // The centred rows sum to zero: the first n - 1 of them span the same space and are independent (n - 1 <= d).
      const outside0 = nTrain - 1 < d ? outsideRowSpan(centred.x, nTrain - 1, d, w0) : new Float64Array(d)
      outsideNorm = norm2(outside0)
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

    const theory: Record<string, number> = {
      'best lambda, closed-form ridge (converged)': lambdas[bestRidge],
      'lowest test loss, closed-form ridge': exact[bestRidge].test,
      'best lambda, GD endpoint prediction (ridge + init left outside the span)': lambdas[bestGd],
      'lowest test loss, GD endpoint prediction': exact[bestGd].testGd,
      'convergence floor: smallest lambda whose init remainder is negligible': floorIndex < 0 ? Number.NaN : lambdas[floorIndex],
      'norm of the init outside the span of the centred inputs': outsideNorm,
      'largest eigenvalue h_max of the centred X^T X / n': hMax,
      'smallest nonzero eigenvalue h_min of the centred X^T X / n': hMin,
      'error contraction inside the span after the steps, rate^steps': rate ** steps,
    }
    lambdas.forEach((_, r) => {
      theory[`lambda[${r}] ridge train loss`] = exact[r].train
      theory[`lambda[${r}] ridge test loss`] = exact[r].test
      theory[`lambda[${r}] GD endpoint test loss`] = exact[r].testGd
    })
    return {
      id: 'lambda-sweep',
      config,
      backend: tf.getBackend(),
      runs: lambdas.map((lambda, r) => ({
        label: `lambda = ${lambda.toPrecision(4)}`,
        series: { 'train loss': trainSeries[r], 'test loss': testSeries[r] },
        final: {
          'lambda': lambda,
          'train loss': measured[r].train,
          'test loss': measured[r].test,
          'weight norm': measured[r].norm,
          'bias': measured[r].bias,
          'best (lowest measured test loss)': r === bestMeasured ? 1 : 0,
        },
        diverged: diverged[r] ?? false,
      })),
      theory,
      // The curves against lambda a slide draws, from the float64 losses of the trained parameters.
      extra: { ...curves(), step: steps, train: measured.map(m => m.train), test: measured.map(m => m.test) },
    }
  },
})

// ---------------------------------------------------------------------------
// 3. Lasso and ridge paths on data with a few relevant features.

/**
 * n x d standardised Gaussian features, the first `relevant` of them with weights of size 1 to 3 and random signs,
 * y = X w_true + noise N(0, noise^2); no intercept (the models have no bias).
 */
export function sparseRegressionData(options: { seed: number, n: number, d: number, relevant: number, noise: number }): RegressionSet & { wTrue: Float64Array } {
  const { seed, n, d, relevant, noise } = options
  const rng = createRng(seed)
  const x = standardize(normalMatrix(rng, n, d), n, d).x
  const wTrue = new Float64Array(d)
  for (let j = 0; j < relevant; j++)
    wTrue[j] = (rng.uniform() < 0.5 ? -1 : 1) * (1 + 2 * rng.uniform())
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = noise * rng.normal()
    for (let j = 0; j < d; j++)
      sum += x[i * d + j] * wTrue[j]
    y[i] = sum
  }
  return { n, d, x, y, wTrue }
}

export const regularizationPathsExperiment = defineExperiment({
  id: 'regularization-paths',
  description: 'Lasso (ISTA) and ridge (GD) coefficients against lambda, 3 relevant features among 20, all lambdas as one batch; theory: coordinate-descent lasso path, KKT, ridge closed form',
  defaults: { n: 50, d: 20, relevant: 3, noise: 1, count: 40, minRatio: 1e-3, maxRatio: 2, eta: 0.2, steps: 1000, seed: 3 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { n, d, relevant, noise, count, minRatio, maxRatio, eta, steps, seed } = config
    requireInteger('n', n, 2)
    requireInteger('d', d, 1)
    requireInteger('relevant', relevant, 0)
    if (relevant > d)
      throw new Error(`relevant: must be <= d = ${d}, got ${relevant}`)
    requireNonNegative('noise', noise)
    requireInteger('count', count, 1)
    requirePositive('minRatio', minRatio)
    requirePositive('maxRatio', maxRatio)
    requireAtLeast('maxRatio', maxRatio, 'minRatio', minRatio)
    requirePositive('eta', eta)
    requireInteger('steps', steps, 1)
    requireInteger('seed', seed, 0)

    const data = sparseRegressionData({ seed, n, d, relevant, noise })
    const lambdaMax = lassoLambdaMax(data.x, n, d, data.y)
    if (!(lambdaMax > 0))
      throw new Error('noise: the data give X^T y = 0, so every lasso solution is 0; use noise > 0 or relevant > 0')
    // One grid for both penalties (lambda ||w||_1 and (lambda/2)||w||^2), as multiples of the lasso's lambda_max.
    const lambdas = logSpace(minRatio * lambdaMax, maxRatio * lambdaMax, count)
    const { hMax, hMin } = curvatureRange(data)
    // The ridge condition eta < 2/(h_max + lambda) implies ISTA's eta < 2/h_max.
    requireStableEta('eta', eta, hMax, lambdas.at(-1)!)

    const common = { model: linearRegression(d, { bias: false }), train: data, seed, init: (_: string, rows: number) => new Float64Array(rows) }
    const lasso = createTrainer({ ...common, optimizer: { name: 'ista' }, runs: lambdas.map(l1 => ({ eta, l1 })) })
    const ridge = createTrainer({ ...common, optimizer: { name: 'sgd' }, runs: lambdas.map(lambda => ({ eta, lambda })) })
    // References, known before training: coordinate descent warm-started from large lambda down, the ridge closed form.
    const descending = lambdas.map((_, k) => count - 1 - k)
    const pathDescending = lassoPath(data.x, n, d, data.y, descending.map(k => lambdas[k]))
    const lassoExact = lambdas.map((_, k) => pathDescending[count - 1 - k])
    const ridgeExact = lambdas.map(l => ridgeSolution(data.x, n, d, data.y, l))
    const paths = (ws: Float64Array[]): Record<string, Series> => {
      const out: Record<string, Series> = {}
      for (let j = 0; j < d; j++)
        out[`w[${j}]`] = lambdas.map((l, k) => [l, ws[k][j]])
      out['exact zeros'] = lambdas.map((l, k) => [l, ws[k].reduce((s, v) => s + (v === 0 ? 1 : 0), 0)])
      return out
    }
    // Coefficient j against lambda: [j][k] (what a slide draws, one line per feature).
    const byFeature = (ws: ArrayLike<number>[]) => Array.from({ length: d }, (_, j) => ws.map(w => w[j]))
    const exactZeros = (ws: ArrayLike<number>[]) => ws.map(w => Array.from(w).filter(v => v === 0).length)
    const current: { step: number, lasso: Float64Array[], ridge: Float64Array[] } = { step: 0, lasso: lambdas.map(() => new Float64Array(d)), ridge: lambdas.map(() => new Float64Array(d)) }
    // Convergence against training steps: the largest |w - exact| over the grid at each read-back.
    const distance = { lasso: [] as Series, ridge: [] as Series }
    const largestGap = (ws: Float64Array[], exact: Float64Array[]) => Math.max(...ws.flatMap((w, k) => Array.from(w, (v, j) => Math.abs(v - exact[k][j]))))
    const withDistance = (series: Record<string, Series>, gaps: Series) => ({ ...series, 'max |w - exact| against steps': gaps })
    const views = () => ({
      lambdas,
      lambdaMax,
      relevant,
      step: current.step,
      lasso: byFeature(current.lasso),
      ridge: byFeature(current.ridge),
      lassoZeros: exactZeros(current.lasso),
      ridgeZeros: exactZeros(current.ridge),
      lassoExact: byFeature(lassoExact),
      ridgeExact: byFeature(ridgeExact),
      lassoExactZeros: exactZeros(lassoExact),
    })
    let wLasso: Float64Array
    let wRidge: Float64Array
    let zerosLasso: Float64Array
    let zerosRidge: Float64Array
    let diverged: boolean[][]
    try {
      // Chunks of a few steps of both trainers; the coefficients are read back every READ_EVERY steps.
      const CHUNK = 5
      const READ_EVERY = 20
      for (let t = 0; t < steps;) {
        const k = Math.min(CHUNK, steps - t)
        lasso.step(k)
        ridge.step(k)
        t += k
        if (t % READ_EVERY === 0 || t === steps) {
          const [a, b] = await Promise.all([lasso.parameter('w'), ridge.parameter('w')])
          current.step = t
          current.lasso = lambdas.map((_, r) => column(a, d, count, r))
          current.ridge = lambdas.map((_, r) => column(b, d, count, r))
          distance.lasso.push([t, largestGap(current.lasso, lassoExact)])
          distance.ridge.push([t, largestGap(current.ridge, ridgeExact)])
        }
        await hooks?.checkpoint?.(() => ({
          done: t,
          total: steps,
          runs: [
            { label: 'lasso, ISTA', series: withDistance(paths(current.lasso), distance.lasso) },
            { label: 'ridge, GD', series: withDistance(paths(current.ridge), distance.ridge) },
          ],
          theory: { 'lasso lambda_max = ||X^T y||_inf / n': lambdaMax },
          extra: views(),
        }))
      }
      const [ml, mr] = [await lasso.metrics(), await ridge.metrics()]
      zerosLasso = ml.zeros
      zerosRidge = mr.zeros
      diverged = [ml.diverged, mr.diverged]
      wLasso = await lasso.parameter('w')
      wRidge = await ridge.parameter('w')
    }
    finally {
      lasso.dispose()
      ridge.dispose()
    }

    const lassoTrained = lambdas.map((_, k) => column(wLasso, d, count, k))
    const ridgeTrained = lambdas.map((_, k) => column(wRidge, d, count, k))
    const gap = (a: Float64Array[], b: Float64Array[]) => Math.max(...a.flatMap((w, k) => Array.from(w, (v, j) => Math.abs(v - b[k][j]) / Math.max(1, Math.abs(b[k][j])))))
    const kkt = lambdas.map((l, k) => lassoKktViolation(data.x, n, d, data.y, lassoTrained[k], l))
    const aboveMax = lambdas.map((l, k) => [l, k] as const).filter(([l]) => l >= lambdaMax)
    const exactRun = (label: string, ws: Float64Array[]): RunResult => ({ label, series: paths(ws), final: {}, diverged: false })

    return {
      id: 'regularization-paths',
      config,
      backend: tf.getBackend(),
      runs: [
        {
          label: 'lasso, ISTA',
          series: withDistance(paths(lassoTrained), distance.lasso),
          final: {
            'max |w - w_lasso| / max(1, |w_lasso|)': gap(lassoTrained, lassoExact),
            'max KKT violation': Math.max(...kkt),
            'exact zeros (trainer count), smallest lambda': zerosLasso[0],
            'exact zeros (trainer count), largest lambda': zerosLasso[count - 1],
            'largest |w_j| over runs with lambda >= lambda_max': Math.max(0, ...aboveMax.flatMap(([, k]) => Array.from(lassoTrained[k], Math.abs))),
          },
          diverged: diverged[0].some(Boolean),
        },
        {
          label: 'ridge, GD',
          series: withDistance(paths(ridgeTrained), distance.ridge),
          final: {
            'max |w - w_ridge| / max(1, |w_ridge|)': gap(ridgeTrained, ridgeExact),
            'exact zeros (trainer count), all lambdas': zerosRidge.reduce((s, v) => s + v, 0),
          },
          diverged: diverged[1].some(Boolean),
        },
        exactRun('lasso, coordinate descent (theory)', lassoExact),
        exactRun('ridge, closed form (theory)', ridgeExact),
      ],
      theory: {
        'lasso lambda_max = ||X^T y||_inf / n': lambdaMax,
        'lasso exact zeros, smallest lambda': lassoExact[0].reduce((s, v) => s + (v === 0 ? 1 : 0), 0),
        'lasso exact zeros, largest lambda': lassoExact[count - 1].reduce((s, v) => s + (v === 0 ? 1 : 0), 0),
        'largest eigenvalue h_max of X^T X / n': hMax,
        'smallest eigenvalue h_min of X^T X / n': hMin,
        'GD error contraction bound, max |1 - eta (h + lambda)|^steps': Math.max(...lambdas.flatMap(l => [Math.abs(1 - eta * (hMin + l)), Math.abs(1 - eta * (hMax + l))])) ** steps,
      },
      extra: views(),
    }
  },
})

// ---------------------------------------------------------------------------
// 4. Geometry: a 2-parameter quadratic with an l1 or an l2 penalty.

/** ||w||_p of a 2-vector (p = Infinity: the max norm). */
function lpNorm2d(x: number, y: number, p: number): number {
  if (p === Infinity)
    return Math.max(Math.abs(x), Math.abs(y))
  return (Math.abs(x) ** p + Math.abs(y) ** p) ** (1 / p)
}

/**
 * `count` points on the boundary {w : ||w||_p = radius} of the 2-D lp ball (p > 0, Infinity allowed), at equally
 * spaced angles from the +x axis, counter-clockwise, not closed (the first point is not repeated). With count a
 * multiple of 4 the axis points (the corners of the l1 ball) are included exactly.
 */
export function lpBallPoints(p: number, radius: number, count: number): Array<[number, number]> {
  if (!(p > 0) || Number.isNaN(p))
    throw new Error(`p: must be > 0 (Infinity allowed), got ${p}`)
  requirePositive('radius', radius)
  requireInteger('count', count, 4)
  return Array.from({ length: count }, (_, k) => {
    let cx = Math.cos(2 * Math.PI * k / count)
    let cy = Math.sin(2 * Math.PI * k / count)
    // Exact zeros on the axes, so the l1 corners are exact.
    if ((4 * k) % count === 0) {
      const quarter = 4 * k / count
      cx = [1, 0, -1, 0][quarter]
      cy = [0, 1, 0, -1][quarter]
    }
    const scale = radius / lpNorm2d(cx, cy, p)
    return [cx * scale, cy * scale]
  })
}

/** H = curvature [[1, rho], [rho, 1]], row-major. */
function quadraticHessian(curvature: number, rho: number): Float64Array {
  return Float64Array.from([curvature, curvature * rho, curvature * rho, curvature])
}

/** l2 solution argmin 1/2 (w - c)^T H (w - c) + (lambda/2)||w||^2 = (H + lambda I)^{-1} H c. */
export function quadraticRidgeSolution(h: Float64Array, c: readonly number[], lambda: number): Float64Array {
  const shifted = Float64Array.from([h[0] + lambda, h[1], h[2], h[3] + lambda])
  return solveSpd(shifted, Float64Array.from([h[0] * c[0] + h[1] * c[1], h[2] * c[0] + h[3] * c[1]]))
}

/**
 * l1 solution argmin 1/2 (w - c)^T H (w - c) + lambda||w||_1, by theory.ts's lassoSolution after writing the
 * quadratic as a mean squared loss: H = X^T X / 2 with X = sqrt(2) L^T (H = L L^T, Cholesky) and y = X c, so
 * 1/(2*2)||Xw - y||^2 = 1/2 (w - c)^T H (w - c).
 */
export function quadraticLassoSolution(h: Float64Array, c: readonly number[], lambda: number): Float64Array {
  const l11 = Math.sqrt(h[0])
  const l21 = h[2] / l11
  const l22 = Math.sqrt(h[3] - l21 * l21)
  const x = Float64Array.from([l11, l21, 0, l22].map(v => Math.SQRT2 * v))
  const y = Float64Array.from([x[0] * c[0] + x[1] * c[1], x[2] * c[0] + x[3] * c[1]])
  return lassoSolution(x, 2, 2, y, lambda, { tol: 1e-14 })
}

/** (lambda/p)||w||_p^p + 1/2 (w - c)^T H (w - c): the objective of quadraticLpSolution. */
export function quadraticLpObjective(h: Float64Array, c: readonly number[], lambda: number, p: number, w: ArrayLike<number>): number {
  const e0 = w[0] - c[0]
  const e1 = w[1] - c[1]
  return 0.5 * (h[0] * e0 * e0 + 2 * h[1] * e0 * e1 + h[3] * e1 * e1) + (lambda / p) * (Math.abs(w[0]) ** p + Math.abs(w[1]) ** p)
}

/**
 * argmin over real w of a/2 w^2 - b w + (lambda/p)|w|^p (a > 0): the exact one-coordinate step of
 * quadraticLpSolution. p = 1 soft-thresholds; p > 1 has one root of a w + lambda sign(w)|w|^(p-1) = b; for p < 1
 * the candidates are 0 and the larger root (the local minimum), whichever is lower. The root lies in (0, |b|/a].
 */
function lpCoordinateMinimiser(a: number, b: number, lambda: number, p: number): number {
  if (b === 0 || lambda === 0)
    return b / a
  if (p === 1)
    return Math.sign(b) * Math.max(Math.abs(b) - lambda, 0) / a
  const beta = Math.abs(b)
  const slope = (u: number) => a * u + lambda * u ** (p - 1) - beta
  // For p < 1 the slope is convex in u with its minimum at uMin; the local minimum is the root above it.
  let lo = p < 1 ? (lambda * (1 - p) / a) ** (1 / (2 - p)) : 0
  let hi = beta / a
  if (p < 1 && (lo >= hi || slope(lo) >= 0))
    return 0
  for (let k = 0; k < 200 && hi - lo > 1e-15 * hi; k++) {
    const mid = (lo + hi) / 2
    if (slope(mid) > 0)
      hi = mid
    else
      lo = mid
  }
  const u = (lo + hi) / 2
  if (p < 1 && a / 2 * u * u - beta * u + (lambda / p) * u ** p >= 0)
    return 0
  return Math.sign(b) * u
}

/**
 * argmin 1/2 (w - c)^T H (w - c) + (lambda/p)||w||_p^p for a 2-parameter quadratic: p = 1 is the lasso (lambda||w||_1)
 * and p = 2 ridge ((lambda/2)||w||^2), both in closed form; other p > 0 by coordinate descent with the exact
 * one-coordinate minimiser (exact zeros for p <= 1). For p < 1 the objective is not convex: descent starts from c, 0
 * and the l1 and l2 solutions, and the lowest end wins.
 */
export function quadraticLpSolution(h: Float64Array, c: readonly number[], lambda: number, p: number): Float64Array {
  if (!(p > 0) || !Number.isFinite(p))
    throw new Error(`p: must be a finite number > 0, got ${p}`)
  requireNonNegative('lambda', lambda)
  if (p === 1)
    return quadraticLassoSolution(h, c, lambda)
  if (p === 2 || lambda === 0)
    return quadraticRidgeSolution(h, c, p === 2 ? lambda : 0)
  const hc = [h[0] * c[0] + h[1] * c[1], h[2] * c[0] + h[3] * c[1]]
  const descend = (start: ArrayLike<number>) => {
    const w = Float64Array.from(start)
    for (let sweep = 0; sweep < 5000; sweep++) {
      const before = [w[0], w[1]]
      w[0] = lpCoordinateMinimiser(h[0], hc[0] - h[1] * w[1], lambda, p)
      w[1] = lpCoordinateMinimiser(h[3], hc[1] - h[2] * w[0], lambda, p)
      if (Math.abs(w[0] - before[0]) + Math.abs(w[1] - before[1]) <= 1e-15 * (1 + Math.abs(w[0]) + Math.abs(w[1])))
        break
    }
    return w
  }
  const starts = p > 1 ? [c] : [c, [0, 0], quadraticLassoSolution(h, c, lambda), quadraticRidgeSolution(h, c, lambda), [c[0], 0], [0, c[1]]]
  const ends = starts.map(descend)
  const values = ends.map(w => quadraticLpObjective(h, c, lambda, p, w))
  return ends[values.indexOf(Math.min(...values))]
}

export const l1L2GeometryExperiment = defineExperiment({
  id: 'l1-l2-geometry',
  description: 'A 2-parameter quadratic penalised by lambda||w||_1 (ISTA) or (lambda/2)||w||^2 (GD), a grid of lambdas as one batch; theory: KKT/coordinate-descent corner solution and (H + lambda I)^{-1} H c',
  defaults: { cx: 2, cy: 0.5, rho: 0.5, curvature: 1, lambda: 1, lambdaMin: 0.1, lambdaMax: 2.5, count: 9, eta: 0.4, steps: 200, every: 1 },
  async run(config, hooks): Promise<ExperimentResult> {
    const { cx, cy, rho, curvature, lambda, lambdaMin, lambdaMax, count, eta, steps, every } = config
    if (!Number.isFinite(cx))
      throw new Error(`cx: must be a finite number, got ${cx}`)
    if (!Number.isFinite(cy))
      throw new Error(`cy: must be a finite number, got ${cy}`)
    if (!(Math.abs(rho) < 1))
      throw new Error(`rho: must be in (-1, 1) so that H is positive definite, got ${rho}`)
    requirePositive('curvature', curvature)
    requireNonNegative('lambda', lambda)
    requireNonNegative('lambdaMin', lambdaMin)
    requireNonNegative('lambdaMax', lambdaMax)
    requireAtLeast('lambdaMax', lambdaMax, 'lambdaMin', lambdaMin)
    requireInteger('count', count, 1)
    requirePositive('eta', eta)
    requireInteger('steps', steps, 1)
    requireInteger('every', every, 1)
    const hMax = curvature * (1 + Math.abs(rho))
    requireStableEta('eta', eta, hMax, Math.max(lambda, lambdaMax))

    // Column 0 is the highlighted lambda; the rest a linear grid (for the paths against lambda).
    const grid = count === 1 ? [lambdaMin] : Array.from({ length: count }, (_, k) => lambdaMin + (lambdaMax - lambdaMin) * k / (count - 1))
    const lambdas = [lambda, ...grid]
    const runs = lambdas.length
    const c = [cx, cy]
    const h = quadraticHessian(curvature, rho)

    // createOptimizer driven directly on the exact gradient H (w - c); both start at c, the unpenalised minimum.
    const hTensor = tf.tensor2d(Float32Array.from(h), [2, 2])
    const hc = tf.tidy(() => tf.tile(tf.matMul(hTensor, tf.tensor2d([cx, cy], [2, 1])), [1, runs]))
    // tf.variable shares the initial tensor's data without taking ownership: dispose that tensor here.
    const variableAt = (value: number[]) => {
      const initial = tf.tidy(() => tf.tile(tf.tensor2d(value, [2, 1]), [1, runs]))
      const v = tf.variable(initial)
      initial.dispose()
      return v
    }
    const wL1 = variableAt(c)
    const wL2 = variableAt(c)
    const ista = createOptimizer({ name: 'ista' }, lambdas.map(l1 => ({ eta, l1 })), { size: 2 })
    const gd = createOptimizer({ name: 'sgd' }, lambdas.map(l => ({ eta, lambda: l })), { size: 2 })
    const trajectory = { l1: [[], []] as Series[], l2: [[], []] as Series[] }
    const record = async (t: number) => {
      const [a, b] = await Promise.all([wL1.data(), wL2.data()])
      for (let i = 0; i < 2; i++) {
        trajectory.l1[i].push([t, a[i * runs]])
        trajectory.l2[i].push([t, b[i * runs]])
      }
    }
    const exactL1 = lambdas.map(l => quadraticLassoSolution(h, c, l))
    const exactL2 = lambdas.map(l => quadraticRidgeSolution(h, c, l))
    const zeros = (w: Float64Array) => (w[0] === 0 ? 1 : 0) + (w[1] === 0 ? 1 : 0)
    const l1Norm = (w: Float64Array) => Math.abs(w[0]) + Math.abs(w[1])
    const l2Norm = (w: Float64Array) => Math.hypot(w[0], w[1])
    const theory: Record<string, number> = {
      'l1 solution w1': exactL1[0][0],
      'l1 solution w2': exactL1[0][1],
      'l1 exact zeros': zeros(exactL1[0]),
      'l1 ball radius ||w_l1||_1': l1Norm(exactL1[0]),
      'l2 solution w1': exactL2[0][0],
      'l2 solution w2': exactL2[0][1],
      'l2 exact zeros': zeros(exactL2[0]),
      'l2 ball radius ||w_l2||_2': l2Norm(exactL2[0]),
    }
    // The trajectories at the highlighted lambda as points (w1, w2), for a view of the plane.
    const trajectories = () => ({
      l1: trajectory.l1[0].map(([, w1], i) => [w1, trajectory.l1[1][i][1]] as [number, number]),
      l2: trajectory.l2[0].map(([, w1], i) => [w1, trajectory.l2[1][i][1]] as [number, number]),
    })
    const trajectorySeries = (traj: Series[]) => ({ 'w1 (trajectory at lambda)': traj[0], 'w2 (trajectory at lambda)': traj[1] })
    let finalL1: Float64Array
    let finalL2: Float64Array
    try {
      await record(0)
      for (let t = 1; t <= steps; t++) {
        for (const [w, optimizer] of [[wL1, ista], [wL2, gd]] as const) {
          const g = tf.tidy(() => tf.sub(tf.matMul(hTensor, w), hc))
          optimizer.apply(w, g)
          g.dispose()
        }
        if (t % every === 0 || t === steps)
          await record(t)
        // One step of both runs per chunk.
        await hooks?.checkpoint?.(() => ({
          done: t,
          total: steps,
          runs: [{ label: 'l1, ISTA', series: trajectorySeries(trajectory.l1) }, { label: 'l2, GD', series: trajectorySeries(trajectory.l2) }],
          theory,
          extra: { trajectories: trajectories() },
        }))
      }
      finalL1 = Float64Array.from(await wL1.data())
      finalL2 = Float64Array.from(await wL2.data())
    }
    finally {
      tf.dispose([hTensor, hc, wL1, wL2])
      ista.dispose()
      gd.dispose()
    }

    const trainedL1 = lambdas.map((_, k) => column(finalL1, 2, runs, k))
    const trainedL2 = lambdas.map((_, k) => column(finalL2, 2, runs, k))
    const maxGap = (a: Float64Array[], b: Float64Array[]) => Math.max(...a.flatMap((w, k) => [Math.abs(w[0] - b[k][0]), Math.abs(w[1] - b[k][1])]))
    const order = grid.map((_, k) => k + 1)
    const result = (label: string, trained: Float64Array[], exact: Float64Array[], traj: Series[], radius: (w: Float64Array) => number): RunResult => ({
      label,
      series: {
        'w1 against lambda': order.map(k => [lambdas[k], trained[k][0]]),
        'w2 against lambda': order.map(k => [lambdas[k], trained[k][1]]),
        'exact zeros against lambda': order.map(k => [lambdas[k], zeros(trained[k])]),
        'w1 (trajectory at lambda)': traj[0],
        'w2 (trajectory at lambda)': traj[1],
      },
      final: {
        'w1': trained[0][0],
        'w2': trained[0][1],
        'exact zeros': zeros(trained[0]),
        'ball radius (norm of the solution)': radius(trained[0]),
        'max |w - theory| over all lambdas': maxGap(trained, exact),
      },
      diverged: !trained.every(w => Number.isFinite(w[0]) && Number.isFinite(w[1])),
    })
    return {
      id: 'l1-l2-geometry',
      config,
      backend: tf.getBackend(),
      runs: [
        result('l1, ISTA', trainedL1, exactL1, trajectory.l1, l1Norm),
        result('l2, GD', trainedL2, exactL2, trajectory.l2, l2Norm),
      ],
      theory,
      extra: { trajectories: trajectories() },
    }
  },
})

export const regressionExperiments = [overfittingExperiment, lambdaSweepExperiment, regularizationPathsExperiment, l1L2GeometryExperiment]
