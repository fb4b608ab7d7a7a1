/**
 * 'regularization-paths': lasso (ISTA) and ridge (GD) coefficients against lambda on data with a few relevant
 * features (science.md section 3), all lambdas as one batch; theory: the coordinate-descent lasso path, its KKT
 * conditions, and the ridge closed form.
 */
import type { RegressionSet } from '../core/datasets'
import type { OutputSpec, OutputSpecs } from './declare'
import type { RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { standardize } from '../core/datasets'
import { linearRegression } from '../core/models'
import { createRng, normalMatrix } from '../core/random'
import { lassoDescent, lassoKktViolation, lassoLambdaMax, ridgeSolver } from '../core/theory'
import { createTrainer } from '../core/trainer'
import { defineExperiment, seedParam } from './declare'
import { createPacer } from './pacing'
import { column, curvatureRange, logSpace, requireStableEta } from './regression-common'

/** The most features: each coefficient path is a declared metric (`w0`, `w1`, ...). */
const MAX_FEATURES = 50

type Coefficient = `w${number}`
type Metric = Coefficient | 'exactZeros' | 'distance' | 'relativeError' | 'maxKktViolation' | 'zerosSmallestLambda' | 'zerosLargestLambda' | 'largestAboveLambdaMax' | 'zerosAllLambdas'
type Theory = 'lambdaMax' | 'lassoZerosSmallest' | 'lassoZerosLargest' | 'hMax' | 'hMin' | 'contraction'

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

interface ProblemConfig { seed: number, n: number, d: number, relevant: number, noise: number, count: number, minRatio: number, maxRatio: number }

function computeProblem(config: ProblemConfig) {
  const { n, d, count, minRatio, maxRatio } = config
  const data = sparseRegressionData(config)
  const lambdaMax = lassoLambdaMax(data.x, n, d, data.y)
  const lambdas = logSpace(minRatio * lambdaMax, maxRatio * lambdaMax, count)
  return { data, lambdaMax, lambdas, ...curvatureRange(data) }
}

/** The last problem built: `check` and `run` need the same one, and building it twice is a frame's work. */
let lastProblem: { key: string, value: ReturnType<typeof computeProblem> } | undefined

/** The data and the lambda grid: one grid for both penalties (lambda ||w||_1 and (lambda/2)||w||^2), as multiples of the lasso's lambda_max. */
function problem(config: ProblemConfig): ReturnType<typeof computeProblem> {
  const { seed, n, d, relevant, noise, count, minRatio, maxRatio } = config
  const key = JSON.stringify([seed, n, d, relevant, noise, count, minRatio, maxRatio])
  if (lastProblem?.key !== key)
    lastProblem = { key, value: computeProblem(config) }
  return lastProblem.value
}

const coefficientOutputs = Object.fromEntries(Array.from({ length: MAX_FEATURES }, (_, j) => [`w${j}`, { label: `coefficient w[${j}] against lambda` }])) as Record<Coefficient, OutputSpec>
const outputs: OutputSpecs<Metric, Theory> = {
  metrics: {
    ...coefficientOutputs,
    exactZeros: { label: 'exact zeros against lambda' },
    distance: { label: 'max |w - exact| against steps' },
    relativeError: { label: 'max |w - w_exact| / max(1, |w_exact|) over the grid (w_exact: coordinate descent or the ridge closed form)' },
    maxKktViolation: { label: 'max KKT violation' },
    zerosSmallestLambda: { label: 'exact zeros (trainer count), smallest lambda' },
    zerosLargestLambda: { label: 'exact zeros (trainer count), largest lambda' },
    largestAboveLambdaMax: { label: 'largest |w_j| over runs with lambda >= lambda_max' },
    zerosAllLambdas: { label: 'exact zeros (trainer count), all lambdas' },
  },
  theory: {
    lambdaMax: { label: 'lasso lambda_max = ||X^T y||_inf / n' },
    lassoZerosSmallest: { label: 'lasso exact zeros, smallest lambda' },
    lassoZerosLargest: { label: 'lasso exact zeros, largest lambda' },
    hMax: { label: 'largest eigenvalue h_max of X^T X / n' },
    hMin: { label: 'smallest eigenvalue h_min of X^T X / n' },
    contraction: { label: 'GD error contraction bound, max |1 - eta (h + lambda)|^steps' },
  },
}

export const regularizationPathsExperiment = defineExperiment({
  id: 'regularization-paths',
  description: 'Lasso (ISTA) and ridge (GD) coefficients against lambda, 3 relevant features among 20, all lambdas as one batch; theory: coordinate-descent lasso path, KKT, ridge closed form',
  purpose: 'Every coefficient as λ grows: the lasso sets them to exactly zero one after another, ridge only shrinks them all. Try: fewer relevant features, more noise.',
  params: {
    n: { kind: 'integer', default: 50, min: 2, max: 200, label: 'examples', meaning: 'training examples', cost: 'max' },
    d: { kind: 'integer', default: 20, min: 1, max: MAX_FEATURES, label: 'features', meaning: 'standardised Gaussian features', cost: 'max' },
    // 8 at most: the slide's eta = 0.15 stays stable for every seed (see PathsDemo).
    relevant: { kind: 'integer', default: 3, min: 0, max: 8, label: 'relevant features', meaning: 'the first features, with weights of size 1 to 3 and random signs; the rest are 0' },
    noise: { kind: 'number', default: 1, min: 0, max: 3, step: 0.1, label: 'noise σ', meaning: 'standard deviation of the noise added to y' },
    count: { kind: 'integer', default: 40, min: 1, max: 100, label: 'lambdas', meaning: 'number of lambdas per penalty, trained as one batch', cost: 'max' },
    minRatio: { kind: 'number', default: 1e-3, min: 1e-6, max: 10, scale: 'log', label: 'smallest λ / λₘₐₓ', meaning: 'smallest lambda of the log-spaced grid, as a multiple of the lasso lambda_max' },
    maxRatio: { kind: 'number', default: 2, min: 1e-6, max: 10, scale: 'log', label: 'largest λ / λₘₐₓ', meaning: 'largest lambda of the log-spaced grid, as a multiple of the lasso lambda_max' },
    eta: { kind: 'number', default: 0.2, min: 1e-3, max: 1, scale: 'log', label: 'η', meaning: 'step size of ISTA and GD (must stay below 2/(h_max + largest λ))' },
    steps: { kind: 'integer', default: 1000, min: 1, max: 5000, label: 'steps', meaning: 'ISTA and GD steps of every run', cost: 'max' },
    seed: seedParam(3),
  },
  outputs,
  check(config) {
    if (config.relevant > config.d)
      throw new Error(`relevant: must be <= d = ${config.d}, got ${config.relevant}`)
    if (!(config.maxRatio >= config.minRatio))
      throw new Error(`maxRatio: must be >= minRatio = ${config.minRatio}, got ${config.maxRatio}`)
    const { lambdaMax, lambdas, hMax } = problem(config)
    if (!(lambdaMax > 0))
      throw new Error('noise: the data give X^T y = 0, so every lasso solution is 0; use noise > 0 or relevant > 0')
    // The ridge condition eta < 2/(h_max + lambda) implies ISTA's eta < 2/h_max.
    requireStableEta('eta', config.eta, hMax, lambdas.at(-1)!)
  },
  async run(config, hooks) {
    const { n, d, relevant, count, eta, steps, seed } = config
    const { data, lambdaMax, lambdas, hMax, hMin } = problem(config)

    // References, known before training: coordinate descent warm-started from large lambda down (`lassoPath`, one
    // lambda at a time), the ridge closed form. At the large corners (100 lambdas, 200 x 50) they take several frames:
    // the slide draws (the axes, nothing yet) between pieces of them.
    const labels = ['lasso, ISTA', 'ridge, GD']
    const checkpoint = hooks?.checkpoint
    const pace = createPacer(checkpoint && (() => checkpoint(() => ({ done: 0, total: steps, runs: labels.map(label => ({ label, series: {} })), theory: { lambdaMax } }))))
    const pathDescending: Float64Array[] = []
    let init: Float64Array | undefined
    for (let k = count - 1; k >= 0; k--) {
      // A warm-started coordinate descent, paced by its sweeps over the n x d design: a few per lambda far from 0,
      // hundreds near it (one lambda was a 35 ms task at the 200 x 50 corner), each counted as 2 n d operations.
      const descent = lassoDescent(data.x, n, d, data.y, lambdas[k], { init })
      for (let next = descent.next(); ; next = descent.next()) {
        if (next.done) {
          init = next.value
          break
        }
        await pace(2 * n * d)
      }
      pathDescending.push(init)
      await pace(2 * n * d)
    }
    const lassoExact = lambdas.map((_, k) => pathDescending[count - 1 - k])
    const ridgeAt = ridgeSolver(data.x, n, d, data.y)
    await pace(n * d * (d + 1) / 2)
    const ridgeExact: Float64Array[] = []
    for (const l of lambdas) {
      ridgeExact.push(ridgeAt(l))
      await pace(d ** 3 / 6 + d * d)
    }
    // Exact zeros of each run, and the same against lambda as a series.
    const exactZeros = (ws: ArrayLike<number>[]) => ws.map(w => Array.from(w).filter(v => v === 0).length)
    const zerosAgainstLambda = (ws: Float64Array[]): Series => exactZeros(ws).map((zeros, k) => [lambdas[k], zeros])
    const paths = (ws: Float64Array[]): Partial<Record<Metric, Series>> => {
      const out: Partial<Record<Metric, Series>> = {}
      for (let j = 0; j < d; j++)
        out[`w${j}`] = lambdas.map((l, k) => [l, ws[k][j]])
      out.exactZeros = zerosAgainstLambda(ws)
      return out
    }
    // Coefficient j against lambda: [j][k] (what a slide draws, one line per feature).
    const byFeature = (ws: ArrayLike<number>[]) => Array.from({ length: d }, (_, j) => ws.map(w => w[j]))
    const current: { step: number, lasso: Float64Array[], ridge: Float64Array[] } = { step: 0, lasso: lambdas.map(() => new Float64Array(d)), ridge: lambdas.map(() => new Float64Array(d)) }
    // Convergence against training steps: the largest |w - exact| over the grid at each read-back.
    const distance = { lasso: [] as Series, ridge: [] as Series }
    const largestGap = (ws: Float64Array[], exact: Float64Array[]) => {
      let gap = 0
      ws.forEach((w, k) => w.forEach((v, j) => {
        gap = Math.max(gap, Math.abs(v - exact[k][j]))
      }))
      return gap
    }
    const withDistance = (series: Partial<Record<Metric, Series>>, gaps: Series) => ({ ...series, distance: gaps })
    // What a snapshot carries changes only at a read-back (every READ_EVERY steps, every few frames): built there,
    // not per frame, so that a view sees the same objects and redraws nothing between read-backs. The exact paths
    // never change: one set of arrays for the whole run.
    const exactViews = { lassoExact: byFeature(lassoExact), ridgeExact: byFeature(ridgeExact), lassoExactZeros: exactZeros(lassoExact) }
    const views = () => ({
      lambdas,
      lambdaMax,
      relevant,
      step: current.step,
      lasso: current.step === 0 ? [] : byFeature(current.lasso),
      ridge: current.step === 0 ? [] : byFeature(current.ridge),
      lassoZeros: exactZeros(current.lasso),
      ridgeZeros: exactZeros(current.ridge),
      ...exactViews,
    })
    // While it trains, the runs carry the convergence and the zero counts; the coefficient paths (10 000 points per
    // penalty at the costly corner) are in `extra` for the view and in the result at the end.
    const shownRuns = () => [
      { label: labels[0], series: { exactZeros: zerosAgainstLambda(current.lasso), distance: distance.lasso } },
      { label: labels[1], series: { exactZeros: zerosAgainstLambda(current.ridge), distance: distance.ridge } },
    ]
    let shown = { runs: shownRuns(), extra: views() }
    // The exact paths are drawn (a slice of their own: 2 x 50 paths of 100 lambdas at the costly corner) before the
    // trainers are built; the trained paths come with the first read-back (at step 0 they are all 0).
    const snapshotAt = (done: number) => () => ({ done, total: steps, runs: shown.runs, theory: { lambdaMax }, extra: shown.extra })
    await hooks?.checkpoint?.(snapshotAt(0))
    const common = { model: linearRegression(d, { bias: false }), train: data, seed, init: (_: string, rows: number) => new Float64Array(rows) }
    const lasso = createTrainer({ ...common, optimizer: { name: 'ista' }, runs: lambdas.map(l1 => ({ eta, l1 })) })
    const ridge = createTrainer({ ...common, optimizer: { name: 'sgd' }, runs: lambdas.map(lambda => ({ eta, lambda })) })
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
        const snapshot = snapshotAt(t)
        if (t % READ_EVERY === 0 || t === steps) {
          // A checkpoint between the training and the read-back: at the costly corners each is a good part of a
          // frame, and so is drawing 2 x 50 paths of 100 lambdas; the slice that reads them back draws them.
          await hooks?.checkpoint?.(snapshot)
          const [a, b] = await Promise.all([lasso.parameter('w'), ridge.parameter('w')])
          current.step = t
          current.lasso = lambdas.map((_, r) => column(a, d, count, r))
          current.ridge = lambdas.map((_, r) => column(b, d, count, r))
          distance.lasso.push([t, largestGap(current.lasso, lassoExact)])
          distance.ridge.push([t, largestGap(current.ridge, ridgeExact)])
          shown = { runs: shownRuns(), extra: views() }
          await hooks?.checkpoint?.(snapshot, { draw: true })
          continue
        }
        await hooks?.checkpoint?.(snapshot)
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
    const exactRun = (label: string, ws: Float64Array[]): RunResult<Metric> => ({ label, series: paths(ws), final: {}, diverged: false })

    return {
      id: 'regularization-paths',
      config,
      backend: tf.getBackend(),
      runs: [
        {
          label: 'lasso, ISTA',
          series: withDistance(paths(lassoTrained), distance.lasso),
          final: {
            relativeError: gap(lassoTrained, lassoExact),
            maxKktViolation: Math.max(...kkt),
            zerosSmallestLambda: zerosLasso[0],
            zerosLargestLambda: zerosLasso[count - 1],
            largestAboveLambdaMax: Math.max(0, ...aboveMax.flatMap(([, k]) => Array.from(lassoTrained[k], Math.abs))),
          },
          diverged: diverged[0].some(Boolean),
        },
        {
          label: 'ridge, GD',
          series: withDistance(paths(ridgeTrained), distance.ridge),
          final: {
            relativeError: gap(ridgeTrained, ridgeExact),
            zerosAllLambdas: zerosRidge.reduce((s, v) => s + v, 0),
          },
          diverged: diverged[1].some(Boolean),
        },
        exactRun('lasso, coordinate descent (theory)', lassoExact),
        exactRun('ridge, closed form (theory)', ridgeExact),
      ],
      theory: {
        lambdaMax,
        lassoZerosSmallest: lassoExact[0].reduce((s, v) => s + (v === 0 ? 1 : 0), 0),
        lassoZerosLargest: lassoExact[count - 1].reduce((s, v) => s + (v === 0 ? 1 : 0), 0),
        hMax,
        hMin,
        contraction: Math.max(...lambdas.flatMap(l => [Math.abs(1 - eta * (hMin + l)), Math.abs(1 - eta * (hMax + l))])) ** steps,
      },
      extra: views(),
    }
  },
})
