/**
 * Four lecture views, each checked against the closed forms of shared/science.md:
 * - 'bias-variance' (section 2): 1-D ridge Monte Carlo, mean, variance and MSE of w_hat against lambda.
 * - 'adam-vs-adamw' (section 1): SGD + L2, Adam + L2 and AdamW on features with very different gradient scales.
 * - 'landscape-momentum' (sections 3, 4): heavy ball on a 2-D quadratic with coupled L2, shrunk minimum and roots.
 * - 'classification' (section 9): logistic regression with and without decay, norm growth and confidence.
 */
import type { Classification2dKind } from '../core/datasets'
import type { BatchedOptimizer, OptimizerName } from '../core/optimizers'
import type { Progress, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { classification2d } from '../core/datasets'
import { solveSpd } from '../core/linalg'
import { linearRegression, logisticRegression } from '../core/models'
import { createOptimizer } from '../core/optimizers'
import { createRng, normalMatrix } from '../core/random'
import {
  conditionNumber,
  dampingRatio,
  heavyBallRoots,
  heavyBallStable,
  hessianShrink,
  isUnderdamped,
  ridge1dLambdaStar,
  ridge1dMean,
  ridge1dMse,
  ridgeSolution,
} from '../core/theory'
import { createTrainer } from '../core/trainer'
import { defineLegacyExperiment as defineExperiment } from './types'
import { requireFinite, requireInteger, requireNonNegative, requireOpenInterval, requirePositive } from './validate'

// ---------------------------------------------------------------------------
// Validation and small shared helpers.

/** Comma-separated lambdas ('0,0.1,0.5'): each a finite number >= 0, at least one. */
export function parseLambdas(field: string, text: string): number[] {
  const parts = String(text).split(',').map(p => p.trim()).filter(p => p.length > 0)
  if (parts.length === 0)
    throw new Error(`${field}: give at least one lambda, e.g. '0,0.1', got '${text}'`)
  return parts.map((part) => {
    const value = Number(part)
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${field}: every lambda must be a finite number >= 0, got '${part}'`)
    return value
  })
}

/** Steps 1 .. steps, perDecade points per decade (round(10^(k/perDecade)), deduplicated), ending at steps. */
export function logSchedule(steps: number, perDecade: number): number[] {
  const out = new Set<number>()
  for (let k = 0; ; k++) {
    const t = Math.round(10 ** (k / perDecade))
    if (t > steps)
      break
    out.add(t)
  }
  out.add(steps)
  return [...out].sort((a, b) => a - b)
}

/** Largest eigenvalue of a small symmetric positive semi-definite matrix (power iteration, float64). */
function largestEigenvalue(m: Float64Array, size: number): number {
  let v = new Float64Array(size).fill(1 / Math.sqrt(size))
  let value = 0
  for (let iteration = 0; iteration < 500; iteration++) {
    const next = new Float64Array(size)
    for (let i = 0; i < size; i++) {
      for (let j = 0; j < size; j++)
        next[i] += m[i * size + j] * v[j]
    }
    const norm = Math.hypot(...next)
    if (norm === 0)
      return 0
    const previous = value
    value = norm
    v = next.map(e => e / norm)
    if (Math.abs(value - previous) <= 1e-14 * value)
      break
  }
  return value
}

const label = (lambda: number) => `lambda = ${lambda}`

/** A zero variable; tf.variable keeps its initial tensor alive, so that one is disposed here. */
function zerosVariable(shape: [number, number]): tf.Variable {
  const initial = tf.zeros(shape)
  const variable = tf.variable(initial)
  initial.dispose()
  return variable
}

// ---------------------------------------------------------------------------
// 1. Bias and variance of the 1-D ridge estimate (science.md section 2).

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
 */
export const biasVariance = defineExperiment({
  id: 'bias-variance',
  description: '1-D ridge Monte Carlo (fixed design, 20k noise draws as one GD batch per lambda of a log grid): mean, variance, MSE of w_hat vs lambda; theory: w* s/(s+lambda), MSE(lambda), lambda* = sigma^2/(n w*^2)',
  defaults: { wStar: 5, n: 20, sigma: 10, replicates: 20_000, lambdaMin: 0.01, lambdaMax: 10, perDecade: 6, etaScale: 0.9, steps: 8, bins: 40, seed: 1 },
  async run(config, hooks) {
    const { wStar, n, sigma, replicates, lambdaMin, lambdaMax, perDecade, etaScale, steps, bins, seed } = config
    requireFinite('wStar', wStar)
    if (wStar === 0)
      throw new Error('wStar: must be != 0 (lambda* = sigma^2/(n w*^2))')
    requireInteger('n', n, 1, 10_000)
    requireNonNegative('sigma', sigma)
    requireInteger('replicates', replicates, 2, 200_000)
    if (n * replicates > 4_000_000)
      throw new Error(`replicates: n * replicates must be <= 4e6 (one batch of targets), got ${n * replicates}`)
    requirePositive('lambdaMin', lambdaMin)
    requirePositive('lambdaMax', lambdaMax)
    if (!(lambdaMax > lambdaMin))
      throw new Error(`lambdaMax: must be > lambdaMin = ${lambdaMin}, got ${lambdaMax}`)
    requireInteger('perDecade', perDecade, 1, 100)
    if (Math.log10(lambdaMax / lambdaMin) * perDecade > 200)
      throw new Error(`perDecade: at most 200 grid points, got ${Math.ceil(Math.log10(lambdaMax / lambdaMin) * perDecade)}`)
    // GD on the 1-D quadratic with curvature s + lambda: the error shrinks by |1 - etaScale| per step.
    requireOpenInterval('etaScale', etaScale, 0, 2)
    requireInteger('steps', steps, 1, 10_000)
    requireInteger('bins', bins, 1, 1000)
    requireInteger('seed', seed, -(2 ** 31), 2 ** 31)

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
    // Targets as the batch wants them, y[i, r] (row-major [n, R]), and each replicate's sum x y / n for the closed form.
    const y = new Float64Array(n * R)
    for (let r = 0; r < R; r++) {
      for (let i = 0; i < n; i++)
        y[i * R + r] = wStar * x[i] + sigma * rng.normal()
    }
    const xy = new Float64Array(R)
    for (let i = 0; i < n; i++) {
      for (let r = 0; r < R; r++)
        xy[r] += x[i] * y[i * R + r] / n
    }

    const theoryMean = lambdas.map(lambda => ridge1dMean(wStar, s, lambda))
    const theoryMse = lambdas.map(lambda => ridge1dMse(wStar, sigma, n, s, lambda))
    const theoryVariance = theoryMse.map((mse, i) => mse - (theoryMean[i] - wStar) ** 2)
    const theory: Record<string, number> = {
      'lambda* = sigma^2/(n w*^2)': lambdaStar,
      'argmin of MSE(lambda) on the grid': lambdas[argminOf(theoryMse)],
      's = sum x^2 / n': s,
      'GD error factor after the run, |1 - etaScale|^steps': Math.abs(1 - etaScale) ** steps,
    }
    lambdas.forEach((lambda, i) => {
      theory[`E[w_hat], lambda = ${lambda}`] = theoryMean[i]
      theory[`variance, lambda = ${lambda}`] = theoryVariance[i]
      theory[`MSE, lambda = ${lambda}`] = theoryMse[i]
    })

    // One set of bins for every lambda, so that histograms can be compared. Every estimate (s + lambda)^-1 sum x y / n
    // lies between 0 and the lambda = 0 one, so the closed form at lambda = 0 gives the range before any training.
    let lo = 0
    let hi = 0
    for (const c of xy) {
      lo = Math.min(lo, c / s)
      hi = Math.max(hi, c / s)
    }
    const width = (hi - lo) / bins || 1
    const histograms: number[][] = lambdas.map(() => [])
    const means: number[] = []
    const variances: number[] = []
    const mses: number[] = []
    let gdGap = 0
    let diverged = false
    const along = (values: number[]): Series => values.map((v, i) => [lambdas[i], v])
    // The closed-form curves on a finer grid than the measured points (40 per decade, lambda = 0 first), for drawing.
    const fine = [0, ...Array.from({ length: Math.floor(40 * Math.log10(lambdaMax / lambdaMin)) + 1 }, (_, k) => lambdaMin * 10 ** (k / 40))]
    const curve = (f: (lambda: number) => number): Series => fine.map(lambda => [lambda, f(lambda)])
    const theoryCurves: Record<string, Series> = {
      'mean estimate (theory)': curve(lambda => ridge1dMean(wStar, s, lambda)),
      'variance (theory)': curve(lambda => ridge1dMse(wStar, sigma, n, s, lambda) - (ridge1dMean(wStar, s, lambda) - wStar) ** 2),
      'squared bias (theory)': curve(lambda => (ridge1dMean(wStar, s, lambda) - wStar) ** 2),
      'MSE (theory)': curve(lambda => ridge1dMse(wStar, sigma, n, s, lambda)),
    }
    const sweepSeries = (): Record<string, Series> => ({
      'mean estimate': along(means),
      'variance': along(variances),
      'squared bias': along(means.map(m => (m - wStar) ** 2)),
      'MSE': along(mses),
      ...theoryCurves,
    })
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
    const label0 = `sweep over lambda, ${R} replicates each`
    const snapshot = (done: number): Progress => ({
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
    const summary = (l: number): RunResult => ({
      label: l === starIndex ? `lambda = lambda* = ${lambdas[l]}` : label(lambdas[l]),
      series: { histogram: histogram(l) },
      final: { 'mean estimate': means[l], 'variance': variances[l], 'MSE': mses[l], 'histogram bin width': width },
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
            'argmin of the measured MSE': lambdas[argminOf(mses)],
            'grid step': gridStep,
            'max |w_GD - w_closed form| over all replicates': gdGap,
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

// ---------------------------------------------------------------------------
// 2. L2 penalty vs decoupled decay under Adam (science.md section 1).

interface ScaledRegression {
  n: number
  d: number
  x: Float64Array
  y: Float64Array
  scales: number[]
}

/** x_ij = scale_j z_ij with scales geometric from 1/sqrt(ratio) to sqrt(ratio); y = sum_j x_ij + noise (w_true = 1). */
function scaledRegression(n: number, d: number, ratio: number, noise: number, seed: number): ScaledRegression {
  const scales = Array.from({ length: d }, (_, j) => ratio ** (j / (d - 1) - 0.5))
  const rng = createRng(seed)
  const x = new Float64Array(n * d)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = 0
    for (let j = 0; j < d; j++) {
      const value = scales[j] * rng.normal()
      x[i * d + j] = value
      sum += value
    }
    y[i] = sum + noise * rng.normal()
  }
  return { n, d, x, y, scales }
}

/** What the adam-vs-adamw view draws: per run (rule x lambda) the current weights and mean effective decay so far. */
export interface AdamVsAdamwExtra {
  lambdas: number[]
  scales: number[]
  /** Rule labels: SGD + L2, Adam + L2, AdamW. */
  rules: string[]
  runs: Array<{ rule: number, lambda: number, weights: number[], meanDecay: number[] }>
  /** Ridge solution per lambda. */
  ridge: number[][]
  unpenalised?: number[]
}

function relativeDistance(a: ArrayLike<number>, b: ArrayLike<number>) {
  let num = 0
  let den = 0
  for (let i = 0; i < b.length; i++) {
    num += (a[i] - b[i]) ** 2
    den += b[i] ** 2
  }
  return Math.sqrt(num / den)
}

/**
 * Same data, same start (w = 0), same lambdas (columns of one batch per rule), three rules.
 * Effective decay = the shrink per step that the lambda term applies to w_j, divided by w_j:
 * SGD + L2 and AdamW: eta*lambda for every weight; Adam + L2: eta*lambda/(sqrt(v_hat_j) + eps), where v_hat is
 * re-accumulated here from the run's own gradients (g + lambda w), exactly as the optimizer does (same beta2, eps).
 *
 * Convergence (why 1e-3 is reachable without an lr schedule): SGD is plain GD on the strongly convex ridge
 * objective, with eta_b = sgdEtaScale/(trace(X^T X/n) + lambda_b) < 2/(h_max + lambda_b) it contracts linearly, by
 * at most 1 - eta_b lambda_b per step. Adam + L2 has the ridge point as its only fixed point (m = 0 there); full-batch
 * Adam with a constant eta ends in an edge-of-stability wobble whose size scales with eta: at eta = 0.01 the distance
 * to the ridge point measured 1e-7 to 5e-5 (relative) from step 1000 on, well inside 1e-3, so no schedule is needed.
 * AdamW's fixed points solve lambda w_j = m_hat_j/(sqrt(v_hat_j) + eps); full batch, it heads for a KKT point of
 * min L s.t. |w_j| <= 1/lambda (Xie & Li), here the unpenalised minimiser (inside the box): at the defaults it ends
 * 2-7% from that and 21-35% from the ridge point.
 */
export const adamVsAdamw = defineExperiment({
  id: 'adam-vs-adamw',
  description: 'SGD + L2, Adam + L2 and AdamW on features whose gradient scales span 100x: SGD and Adam+L2 reach the ridge solution, AdamW does not; Adam+L2 decays the high-gradient weights least',
  defaults: { d: 4, n: 200, scaleRatio: 100, noise: 0.5, lambdas: '0.1,0.3', eta: 0.01, sgdEtaScale: 1.9, steps: 3000, every: 50, seed: 3 },
  async run(config, hooks) {
    const { d, n, scaleRatio, noise, eta, sgdEtaScale, steps, every, seed } = config
    requireInteger('d', d, 2, 64)
    requireInteger('n', n, 1, 100_000)
    requirePositive('scaleRatio', scaleRatio)
    requireNonNegative('noise', noise)
    const lambdas = parseLambdas('lambdas', config.lambdas)
    if (lambdas.includes(0))
      throw new Error('lambdas: every lambda must be > 0 (the comparison is about the decay term)')
    requirePositive('eta', eta)
    requireOpenInterval('sgdEtaScale', sgdEtaScale, 0, 2)
    requireInteger('steps', steps, 1, 1_000_000)
    requireInteger('every', every, 1, steps)
    requireInteger('seed', seed, -(2 ** 31), 2 ** 31)

    const data = scaledRegression(n, d, scaleRatio, noise, seed)
    const B = lambdas.length
    const ridge = lambdas.map(l => ridgeSolution(data.x, n, d, data.y, l))
    const ols = n >= d ? ridgeSolution(data.x, n, d, data.y, 0) : undefined
    // trace(X^T X / n) >= its largest eigenvalue, so eta_b below 2/(trace + lambda_b) is a stable GD step.
    let trace = 0
    for (const v of data.x)
      trace += v * v
    trace /= n
    const beta1 = 0.9
    const beta2 = 0.999
    const eps = 1e-8
    const rules: Array<{ name: OptimizerName, label: string, etas: number[] }> = [
      { name: 'sgd', label: 'SGD + L2', etas: lambdas.map(l => sgdEtaScale / (trace + l)) },
      { name: 'adam-l2', label: 'Adam + L2', etas: lambdas.map(() => eta) },
      { name: 'adamw', label: 'AdamW', etas: lambdas.map(() => eta) },
    ]

    // Known before the first step: the slide draws the ridge point from the start.
    const theory: Record<string, number> = {}
    data.scales.forEach((scale, j) => {
      theory[`feature scale ${j + 1}`] = scale
    })
    lambdas.forEach((lambda, b) => {
      ridge[b].forEach((value, j) => {
        theory[`ridge w${j + 1}, ${label(lambda)}`] = value
      })
      theory[`SGD decay per step eta lambda, ${label(lambda)}`] = rules[0].etas[b] * lambda
      theory[`AdamW decay per step eta lambda, ${label(lambda)}`] = eta * lambda
      theory[`AdamW box bound 1/lambda, ${label(lambda)}`] = 1 / lambda
    })
    ols?.forEach((value, j) => {
      theory[`unpenalised minimiser w${j + 1}`] = value
    })

    // The three rules step together, so that a slide shows them side by side while they train.
    const R = rules.length
    const distance: Series[][] = rules.map(() => lambdas.map(() => []))
    const decay: Series[][][] = rules.map(() => lambdas.map(() => Array.from({ length: d }, () => [])))
    const decaySum: number[][][] = rules.map(() => lambdas.map(() => Array.from<number>({ length: d }).fill(0)))
    const weights: Float64Array[] = rules.map(() => new Float64Array(d * B))
    let samples = 0
    const column = (r: number, b: number) => Array.from({ length: d }, (_, j) => weights[r][j * B + b])
    const runLabel = (r: number, b: number) => `${rules[r].label}, ${label(lambdas[b])}`
    const pairs = rules.flatMap((_, r) => lambdas.map((__, b) => [r, b] as const))
    const seriesOf = (r: number, b: number, copy: boolean): Record<string, Series> => {
      const out: Record<string, Series> = { 'relative distance to ridge': copy ? distance[r][b].slice() : distance[r][b] }
      for (let j = 0; j < d; j++)
        out[`effective decay per step, w${j + 1}`] = copy ? decay[r][b][j].slice() : decay[r][b][j]
      return out
    }
    const extra = (): AdamVsAdamwExtra => ({
      lambdas,
      scales: data.scales,
      rules: rules.map(r => r.label),
      runs: pairs.map(([r, b]) => ({
        rule: r,
        lambda: lambdas[b],
        weights: column(r, b),
        meanDecay: decaySum[r][b].map(sum => samples ? sum / samples : Number.NaN),
      })),
      ridge: ridge.map(w => Array.from(w)),
      unpenalised: ols ? Array.from(ols) : undefined,
    })
    const snapshot = (t: number): Progress => ({
      done: t,
      total: steps,
      runs: pairs.map(([r, b]) => ({ label: runLabel(r, b), series: seriesOf(r, b, true) })),
      theory,
      extra: extra() as unknown as Record<string, unknown>,
    })

    const model = linearRegression(d, { bias: false })
    const batch = { x: tf.tensor2d(Float32Array.from(data.x), [n, d]), y: tf.tensor2d(Float32Array.from(data.y), [n, 1]) }
    const lambdaGrid = tf.tidy(() => tf.tile(tf.tensor2d(lambdas, [1, B]), [d, 1]))
    const ws: tf.Variable[] = []
    const optimizers: BatchedOptimizer[] = []
    const tracked = zerosVariable([d, B])
    try {
      for (const rule of rules) {
        const w = zerosVariable([d, B])
        ws.push(w)
        optimizers.push(createOptimizer({ name: rule.name, beta1, beta2, eps }, lambdas.map((lambda, b) => ({ eta: rule.etas[b], lambda })), { size: d }, w))
      }
      for (let t = 1; t <= steps; t++) {
        tf.tidy(() => {
          rules.forEach((rule, r) => {
            const [g] = model.gradients([ws[r]], batch)
            if (rule.name === 'adam-l2') {
              const full = tf.add(g, tf.mul(lambdaGrid, ws[r]))
              tracked.assign(tf.add(tf.mul(tracked, beta2), tf.mul(tf.square(full), 1 - beta2)))
            }
            optimizers[r].apply(ws[r], g)
          })
        })
        if (t % every === 0 || t === steps) {
          const read = await Promise.all([...ws.map(w => w.data()), tracked.data()])
          const v = read[R]
          samples++
          rules.forEach((rule, r) => {
            weights[r] = Float64Array.from(read[r])
            lambdas.forEach((lambda, b) => {
              distance[r][b].push([t, relativeDistance(column(r, b), ridge[b])])
              for (let j = 0; j < d; j++) {
                const applied = rule.name === 'adam-l2'
                  ? rule.etas[b] * lambda / (Math.sqrt(v[j * B + b] / (1 - beta2 ** t)) + eps)
                  : rule.etas[b] * lambda
                decay[r][b][j].push([t, applied])
                decaySum[r][b][j] += applied
              }
            })
          })
        }
        await hooks?.checkpoint?.(() => snapshot(t))
      }
    }
    finally {
      optimizers.forEach(o => o.dispose())
      tf.dispose([...ws, tracked, batch.x, batch.y, lambdaGrid])
    }
    const runs: RunResult[] = pairs.map(([r, b]) => {
      const w = column(r, b)
      const final: Record<string, number> = { 'relative distance to ridge': relativeDistance(w, ridge[b]) }
      if (ols)
        final['relative distance to the unpenalised minimum'] = relativeDistance(w, ols)
      for (let j = 0; j < d; j++) {
        final[`w${j + 1}`] = w[j]
        final[`mean effective decay per step, w${j + 1}`] = decaySum[r][b][j] / samples
      }
      return { label: runLabel(r, b), series: seriesOf(r, b, false), final, diverged: !w.every(Number.isFinite) }
    })
    return { id: 'adam-vs-adamw', config, backend: tf.getBackend(), runs, theory, extra: extra() as unknown as Record<string, unknown> }
  },
})

// ---------------------------------------------------------------------------
// 3. The penalised quadratic and heavy ball (science.md sections 3 and 4).

/** For each t, the largest |e(s)| over s >= t and the step s where it is reached. */
function tailMaxima(errors: ArrayLike<number>): { tail: Float64Array, peak: Int32Array } {
  const count = errors.length
  const tail = new Float64Array(count)
  const peak = new Int32Array(count)
  for (let t = count - 1; t >= 0; t--) {
    const value = Math.abs(errors[t])
    const later = t < count - 1 && tail[t + 1] > value
    tail[t] = later ? tail[t + 1] : value
    peak[t] = later ? peak[t + 1] : t
  }
  return { tail, peak }
}

export interface Contraction {
  /** Larger |root| of the recurrence e(t+1) = a e(t) + c e(t-1) fitted to the window (relative least squares). */
  rate: number
  /** Plain distance ratio (|e(s2)|/|e(s1)|)^(1/(s2 - s1)) between the peaks of |e| that follow `from` and `to`. */
  ratio: number
  from: number
  to: number
}

/**
 * Per-step contraction of an error sequence e(t) -> 0 along one eigen-direction, measured long after the start, on the
 * window where |e| has fallen from `hi` to `lo` times its initial maximum (`lo` well above the float32 floor).
 * Heavy ball restricted to an eigen-direction is exactly a two-term linear recurrence, so fitting its two coefficients
 * to the measured trajectory and taking its larger |root| measures the asymptotic rate for real and complex roots
 * alike (once one real mode dominates the window, the one-term ratio e(t+1)/e(t) does). The plain distance ratio is
 * returned too: for a heavily damped oscillation it carries the cosine's phase at both ends (2.3% over a 25-step
 * window at 45 degrees per step), so it is a rougher check there.
 */
export function measuredContraction(errors: ArrayLike<number>, hi = 1e-1, lo = 1e-5): Contraction {
  const { tail, peak } = tailMaxima(errors)
  const firstBelow = (fraction: number) => tail.findIndex(value => value <= fraction * tail[0])
  const from = firstBelow(hi)
  const to = firstBelow(lo)
  if (from < 1 || to <= from + 2)
    return { rate: Number.NaN, ratio: Number.NaN, from, to }
  // Weighted least squares, each equation divided by the size of its data: e(t+1) = a e(t) + c e(t-1) (two modes)
  // and e(t+1) = rho e(t) (one dominant mode).
  let saa = 0
  let sac = 0
  let scc = 0
  let sya = 0
  let syc = 0
  for (let t = from; t < to; t++) {
    const p = errors[t]
    const q = errors[t - 1]
    const next = errors[t + 1]
    const weight = 1 / (p * p + q * q)
    saa += weight * p * p
    sac += weight * p * q
    scc += weight * q * q
    sya += weight * next * p
    syc += weight * next * q
  }
  const rho = sya / saa
  // Once one real mode dominates, e(t) and e(t-1) are collinear and the two-mode fit is ill-posed: use rho.
  const det = saa * scc - sac * sac
  let rate = rho
  if (det > 1e-6 * saa * scc) {
    const a = (sya * scc - syc * sac) / det
    const c = (saa * syc - sac * sya) / det
    // Roots of z^2 - a z - c = 0: complex ones both have modulus sqrt(-c).
    const disc = a * a + 4 * c
    rate = disc < 0 ? Math.sqrt(-c) : Math.max(Math.abs(a + Math.sqrt(disc)), Math.abs(a - Math.sqrt(disc))) / 2
  }
  const ratio = (tail[to] / tail[from]) ** (1 / (peak[to] - peak[from]))
  return { rate: Math.abs(rate), ratio, from, to }
}

function largestRootModulus(eta: number, mu: number, k: number) {
  return Math.max(...heavyBallRoots(eta, mu, k).map(z => Math.hypot(z.re, z.im)))
}

/**
 * L(w) = 1/2 (w - w*)^T H (w - w*), H = Q diag(h1, h2) Q^T with Q the rotation by `angle` degrees, written as the
 * batched linear model's loss 1/(2n)||X w - y||^2 with n = 2, X = sqrt(2) H^(1/2), y = X w*: then X^T X / n = H and
 * X^T y / n = H w*, so the core trainer and its momentum rule (coupled L2, spring constant k = h + lambda) run it.
 */
export const landscapeMomentum = defineExperiment({
  id: 'landscape-momentum',
  description: 'Heavy ball with coupled L2 on a 2-D quadratic, several lambdas in one batch: ends at the shrunk minimum h/(h+lambda) per eigen-direction, contracts by the largest |root| of z^2 - (1+mu-eta k) z + mu',
  defaults: { h1: 1, h2: 0.05, angle: 30, wStar1: 0.5, wStar2: 1.5, start1: -1, start2: -1, eta: 0.5, mu: 0.5, lambdas: '0,0.1,0.5', steps: 300 },
  async run(config, hooks) {
    const { h1, h2, angle, wStar1, wStar2, start1, start2, eta, mu, steps } = config
    requirePositive('h1', h1)
    requirePositive('h2', h2)
    requireFinite('angle', angle)
    for (const [field, value] of Object.entries({ wStar1, wStar2, start1, start2 }))
      requireFinite(field, value)
    requirePositive('eta', eta)
    if (!(mu >= 0 && mu < 1))
      throw new Error(`mu: must be in [0, 1), got ${mu}`)
    const lambdas = parseLambdas('lambdas', config.lambdas)
    requireInteger('steps', steps, 1, 100_000)

    const h = [h1, h2]
    const theta = angle * Math.PI / 180
    const q = [[Math.cos(theta), Math.sin(theta)], [-Math.sin(theta), Math.cos(theta)]] // eigen-directions (rows)
    const wStar = [wStar1, wStar2]
    const starCoords = q.map(qi => qi[0] * wStar[0] + qi[1] * wStar[1])
    // X = sqrt(2) Q diag(sqrt h) Q^T (symmetric), y = X w*.
    const xMatrix = new Float64Array(4)
    for (let r = 0; r < 2; r++) {
      for (let c = 0; c < 2; c++)
        xMatrix[r * 2 + c] = Math.SQRT2 * (Math.sqrt(h[0]) * q[0][r] * q[0][c] + Math.sqrt(h[1]) * q[1][r] * q[1][c])
    }
    const y = Float64Array.from([0, 1], r => xMatrix[r * 2] * wStar[0] + xMatrix[r * 2 + 1] * wStar[1])
    // The theory minimum: each eigen-coordinate of w* times h/(h + lambda).
    const minima = lambdas.map(lambda => [0, 1].map(c =>
      q[0][c] * starCoords[0] * hessianShrink(h[0], lambda) + q[1][c] * starCoords[1] * hessianShrink(h[1], lambda)))
    // The minimum of the float32 problem the trainer actually solves (X and y rounded): the errors whose decay is
    // measured are taken from it, so that float32 rounding (~1e-7/h_min) does not put a floor under them.
    const x32 = Float64Array.from(Float32Array.from(xMatrix))
    const y32 = Float64Array.from(Float32Array.from(y))
    const minima32 = lambdas.map(lambda => ridgeSolution(x32, 2, 2, y32, lambda))

    // Closed forms first: a slide draws them (minima, roots, damping ratios) from the first frame on.
    const theory: Record<string, number> = {
      'eigen-coordinate 1 of w*': starCoords[0],
      'eigen-coordinate 2 of w*': starCoords[1],
    }
    lambdas.forEach((lambda, b) => {
      const tag = label(lambda)
      theory[`minimum w1, ${tag}`] = minima[b][0]
      theory[`minimum w2, ${tag}`] = minima[b][1]
      theory[`condition number (h_max + lambda)/(h_min + lambda), ${tag}`] = conditionNumber(Math.max(h1, h2), Math.min(h1, h2), lambda)
      h.forEach((hi, i) => {
        const k = hi + lambda
        const dir = `direction ${i + 1}, ${tag}`
        theory[`shrink factor h/(h + lambda), ${dir}`] = hessianShrink(hi, lambda)
        theory[`largest |root|, ${dir}`] = largestRootModulus(eta, mu, k)
        theory[`damping ratio, ${dir}`] = dampingRatio(eta, mu, hi, lambda)
        theory[`underdamped (1 = yes), ${dir}`] = isUnderdamped(eta, mu, k) ? 1 : 0
        theory[`stable (1 = yes), ${dir}`] = heavyBallStable(eta, mu, k) ? 1 : 0
      })
    })
    // Science check 4 (also in theory.test.ts): shrink ratios for h = (10, 1, 0.1, 0.01), lambda = 0.1.
    for (const hi of [10, 1, 0.1, 0.01])
      theory[`check 4: shrink h/(h + 0.1), h = ${hi}`] = hessianShrink(hi, 0.1)

    const B = lambdas.length
    const positions: Series[][] = lambdas.map(() => [[], []])
    const errors: Series[][] = lambdas.map(() => [[], []])
    const distance: Series[] = lambdas.map(() => [])
    const loss: Series[] = lambdas.map(() => [])
    const trajectories: Array<Array<[number, number]>> = lambdas.map(() => [])
    let diverged: boolean[] = lambdas.map(() => false)
    const seriesOf = (b: number): Record<string, Series> => ({
      'w1': positions[b][0],
      'w2': positions[b][1],
      'distance to the shrunk minimum': distance[b],
      'loss (without penalty)': loss[b],
      'error along eigen-direction 1': errors[b][0],
      'error along eigen-direction 2': errors[b][1],
    })
    // What a landscape view draws besides the series: the quadratic, both minima of every run, the paths so far.
    const extra = {
      h,
      angle,
      eigenvectors: q,
      wStar,
      start: [start1, start2],
      eta,
      mu,
      lambdas,
      minima,
      trajectories,
    }
    const trainer = createTrainer({
      model: linearRegression(2, { bias: false }),
      optimizer: { name: 'momentum', momentum: mu },
      runs: lambdas.map(lambda => ({ eta, lambda })),
      train: { n: 2, d: 2, x: xMatrix, y },
      seed: 0,
      init: () => Float64Array.from([start1, start2]),
    })
    try {
      // One step per chunk: a step and its read-back take well under a millisecond, and a slide can show every one.
      for (let t = 0; t <= steps; t++) {
        if (t > 0)
          trainer.step(1)
        const m = await trainer.metrics()
        diverged = m.diverged
        const w = await trainer.parameter('w')
        lambdas.forEach((_, b) => {
          const point: [number, number] = [w[b], w[B + b]]
          trajectories[b].push(point)
          positions[b][0].push([t, point[0]])
          positions[b][1].push([t, point[1]])
          loss[b].push([t, m.trainLoss[b]])
          distance[b].push([t, Math.hypot(point[0] - minima[b][0], point[1] - minima[b][1])])
          const e = [point[0] - minima32[b][0], point[1] - minima32[b][1]]
          q.forEach((qi, i) => errors[b][i].push([t, qi[0] * e[0] + qi[1] * e[1]]))
        })
        await hooks?.checkpoint?.(() => ({
          done: t,
          total: steps,
          runs: lambdas.map((lambda, b) => ({ label: label(lambda), series: seriesOf(b), diverged: diverged[b] })),
          theory,
          extra,
        }))
      }
    }
    finally {
      trainer.dispose()
    }

    const runs: RunResult[] = lambdas.map((lambda, b) => {
      const final: Record<string, number> = {
        'w1': positions[b][0].at(-1)![1],
        'w2': positions[b][1].at(-1)![1],
        'distance to the shrunk minimum': distance[b].at(-1)![1],
      }
      errors[b].forEach((e, i) => {
        const measured = measuredContraction(e.map(([, value]) => value))
        final[`contraction per step, direction ${i + 1} (measured)`] = measured.rate
        final[`distance ratio per step, direction ${i + 1}`] = measured.ratio
        final[`contraction window start, direction ${i + 1}`] = measured.from
        final[`contraction window end, direction ${i + 1}`] = measured.to
      })
      return { label: label(lambda), series: seriesOf(b), final, diverged: diverged[b] }
    })
    return { id: 'landscape-momentum', config, backend: tf.getBackend(), runs, theory, extra }
  },
})

// ---------------------------------------------------------------------------
// 4. Logistic regression with and without decay (science.md section 9).

export interface Box {
  xMin: number
  xMax: number
  yMin: number
  yMax: number
}

function requireGrid(box: Box, nx: number, ny: number): void {
  requireInteger('nx', nx, 2, 4096)
  requireInteger('ny', ny, 2, 4096)
  for (const [field, value] of Object.entries(box))
    requireFinite(`box.${field}`, value)
  if (!(box.xMax > box.xMin))
    throw new Error(`box.xMax: must be > box.xMin = ${box.xMin}, got ${box.xMax}`)
  if (!(box.yMax > box.yMin))
    throw new Error(`box.yMax: must be > box.yMin = ${box.yMin}, got ${box.yMax}`)
}

/** The nx * ny grid nodes of the box (edges included), row-major n x 2: point j*nx + i is (x_i, y_j). */
export function gridPoints(box: Box, nx: number, ny: number): Float64Array {
  requireGrid(box, nx, ny)
  const out = new Float64Array(nx * ny * 2)
  for (let j = 0; j < ny; j++) {
    const yj = box.yMin + (box.yMax - box.yMin) * j / (ny - 1)
    for (let i = 0; i < nx; i++) {
      out[(j * nx + i) * 2] = box.xMin + (box.xMax - box.xMin) * i / (nx - 1)
      out[(j * nx + i) * 2 + 1] = yj
    }
  }
  return out
}

/** The data's bounding box (x row-major n x 2), widened by `pad` of each side's range: the field a view draws. */
export function dataBox(x: ArrayLike<number>, pad = 0.12): Box {
  let xMin = Infinity
  let xMax = -Infinity
  let yMin = Infinity
  let yMax = -Infinity
  for (let i = 0; i + 1 < x.length; i += 2) {
    xMin = Math.min(xMin, x[i])
    xMax = Math.max(xMax, x[i])
    yMin = Math.min(yMin, x[i + 1])
    yMax = Math.max(yMax, x[i + 1])
  }
  const dx = (xMax - xMin) * pad || 1
  const dy = (yMax - yMin) * pad || 1
  return { xMin: xMin - dx, xMax: xMax + dx, yMin: yMin - dy, yMax: yMax + dy }
}

/** Numerically safe logistic function in float64. */
function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
}

/** P(y = 1) = sigmoid(w . x + b) at the nodes of gridPoints(box, nx, ny), in the same order: the heatmap of a run. */
export function probabilityGrid(w: ArrayLike<number>, b: number, box: Box, nx: number, ny: number): Float64Array {
  if (w.length !== 2)
    throw new Error(`w: expected 2 weights, got ${w.length}`)
  requireFinite('w[0]', w[0])
  requireFinite('w[1]', w[1])
  requireFinite('b', b)
  const points = gridPoints(box, nx, ny)
  return Float64Array.from({ length: nx * ny }, (_, p) => sigmoid(w[0] * points[2 * p] + w[1] * points[2 * p + 1] + b))
}

/** Float64 summary of a 2-D logistic model (w1, w2, b) on the training set; the same numbers for every backend. */
function logisticSummary(x: Float64Array, labels: Int32Array, theta: ArrayLike<number>) {
  const n = labels.length
  let loss = 0
  let maxMargin = 0
  let correct = 0
  const gradient = [0, 0, 0]
  for (let i = 0; i < n; i++) {
    const z = theta[0] * x[2 * i] + theta[1] * x[2 * i + 1] + theta[2]
    const y = labels[i]
    // softplus(z) - y z, stable for large |z|.
    loss += Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z
    maxMargin = Math.max(maxMargin, Math.abs(z))
    if ((z > 0 ? 1 : 0) === y)
      correct++
    const error = sigmoid(z) - y
    gradient[0] += error * x[2 * i] / n
    gradient[1] += error * x[2 * i + 1] / n
    gradient[2] += error / n
  }
  return {
    loss: loss / n,
    maxProbability: sigmoid(maxMargin),
    // 1 - sigmoid(m) = sigmoid(-m): keeps its digits where the probability itself rounds to 1.
    oneMinusMax: sigmoid(-maxMargin),
    accuracy: correct / n,
    gradient,
  }
}

/** Minimiser of the mean logistic loss + (lambda/2)(w1^2 + w2^2 [+ b^2]) by damped Newton in float64; undefined if none. */
function penalisedLogisticNewton(x: Float64Array, labels: Int32Array, lambda: number, decayBias: boolean): Float64Array | undefined {
  const n = labels.length
  const penalty = [lambda, lambda, decayBias ? lambda : 0]
  const objective = (theta: ArrayLike<number>) =>
    logisticSummary(x, labels, theta).loss + penalty.reduce((sum, p, k) => sum + p * theta[k] * theta[k] / 2, 0)
  const fullGradient = (theta: ArrayLike<number>) =>
    logisticSummary(x, labels, theta).gradient.map((v, k) => v + penalty[k] * theta[k])
  // Gradient entries are sums of terms of size |x_k|: judge them against the rms of each input column.
  const scale = [0, 0, 1]
  for (let i = 0; i < n; i++) {
    scale[0] += x[2 * i] ** 2 / n
    scale[1] += x[2 * i + 1] ** 2 / n
  }
  let theta = new Float64Array(3)
  for (let iteration = 0; iteration < 100; iteration++) {
    const g = fullGradient(theta)
    const hessian = new Float64Array(9)
    for (let i = 0; i < n; i++) {
      const row = [x[2 * i], x[2 * i + 1], 1]
      const p = sigmoid(theta[0] * row[0] + theta[1] * row[1] + theta[2])
      for (let a = 0; a < 3; a++) {
        for (let c = 0; c < 3; c++)
          hessian[a * 3 + c] += p * (1 - p) * row[a] * row[c] / n
      }
    }
    for (let k = 0; k < 3; k++)
      hessian[k * 4] += penalty[k]
    let direction: Float64Array
    try {
      direction = solveSpd(hessian, Float64Array.from(g))
    }
    catch {
      return undefined
    }
    // Newton decrement g^T H^-1 g: half of it is the predicted decrease of the objective.
    const decrement = direction.reduce((sum, v, k) => sum + v * g[k], 0)
    if (decrement < 1e-26)
      break
    const current = objective(theta)
    let stepSize = 1
    let next = theta.map((v, k) => v - direction[k])
    while (objective(next) > current - 1e-4 * stepSize * decrement && stepSize > 1e-12) {
      stepSize /= 2
      next = theta.map((v, k) => v - stepSize * direction[k])
    }
    theta = next
    if (Math.hypot(...theta) > 1e4)
      return undefined // no finite minimiser (separable data without decay)
  }
  const g = fullGradient(theta)
  return g.every((v, k) => Math.abs(v) <= 1e-9 * Math.sqrt(scale[k])) ? theta : undefined
}

/**
 * The max-margin vector (w1, w2, b) of the data augmented with a constant 1 (the bias is a weight like the others, as
 * in Soudry et al.): argmin ||(w, b)||^2 subject to y_i (w . x_i + b) >= 1, y in {-1, +1}, by dual coordinate ascent.
 * GD without decay on separable data follows w(t) = w_hat log t + O(1). Undefined if the data are not separable.
 */
function maxMarginVector(x: Float64Array, labels: Int32Array): Float64Array | undefined {
  const n = labels.length
  const alpha = new Float64Array(n)
  const w = new Float64Array(3)
  const row = (i: number) => [x[2 * i], x[2 * i + 1], 1]
  for (let sweep = 0; sweep < 20_000; sweep++) {
    let worst = 0
    for (let i = 0; i < n; i++) {
      const xi = row(i)
      const yi = 2 * labels[i] - 1
      const margin = yi * (w[0] * xi[0] + w[1] * xi[1] + w[2] * xi[2])
      const violation = alpha[i] > 0 ? Math.abs(margin - 1) : Math.max(0, 1 - margin)
      worst = Math.max(worst, violation)
      const next = Math.max(0, alpha[i] + (1 - margin) / (xi[0] ** 2 + xi[1] ** 2 + 1))
      const delta = next - alpha[i]
      if (delta !== 0) {
        alpha[i] = next
        for (let k = 0; k < 3; k++)
          w[k] += delta * yi * xi[k]
      }
    }
    if (worst < 1e-10)
      return w
    if (Math.hypot(...w) > 1e6)
      return undefined
  }
  return undefined
}

/**
 * Full-batch GD (or heavy ball, `momentum` > 0; both with the coupled L2 gradient) on logisticRegression(2), the runs
 * lambda = 0 and lambda as one batch, both started at 0. eta = lr/L, L = (1/4) lambda_max(X~^T X~/n) + lambda the
 * smoothness of the penalised loss (X~ = [X, 1]): one slider value works for every data kind; GD is stable for lr < 2.
 * The norm reported is ||w|| of the two input weights (the bias is not in it, decayed or not).
 */
export const classification = defineExperiment({
  id: 'classification',
  description: 'Logistic regression on 2-D data, lambda = 0 beside lambda: without decay ||w|| grows like log t on separable data and confidence -> 1; with decay w converges, max probability < 1',
  defaults: { kind: 'separable', lambda: 0.01, decayBias: false, lr: 1.5, momentum: 0, steps: 10_000, perDecade: 4, n: 200, seed: 1 },
  async run(config, hooks) {
    const { lambda, decayBias, lr, momentum, steps, perDecade, n, seed } = config
    const kind = config.kind as Classification2dKind
    if (!['separable', 'overlapping', 'imbalanced', 'unscaled'].includes(kind))
      throw new Error(`kind: must be one of separable, overlapping, imbalanced, unscaled, got '${kind}'`)
    requirePositive('lambda', lambda)
    if (typeof decayBias !== 'boolean')
      throw new Error(`decayBias: must be true or false, got '${decayBias}'`)
    requirePositive('lr', lr)
    if (!(momentum >= 0 && momentum < 1))
      throw new Error(`momentum: must be in [0, 1), got ${momentum}`)
    requireInteger('steps', steps, 1, 10_000_000)
    requireInteger('perDecade', perDecade, 1, 100)
    requireInteger('n', n, 2, 100_000)
    requireInteger('seed', seed, -(2 ** 31), 2 ** 31)

    const data = classification2d(kind, { seed, n })
    const lambdas = [0, lambda]
    const gramTilde = new Float64Array(9)
    for (let i = 0; i < n; i++) {
      const row = [data.x[2 * i], data.x[2 * i + 1], 1]
      for (let a = 0; a < 3; a++) {
        for (let c = 0; c < 3; c++)
          gramTilde[a * 3 + c] += row[a] * row[c] / n
      }
    }
    const smoothness = largestEigenvalue(gramTilde, 3) / 4 + lambda
    const eta = lr / smoothness

    // Closed forms first (Newton minima, the max-margin direction): a slide draws them from the first frame on.
    const hat = kind === 'separable' ? maxMarginVector(data.x, data.labels) : undefined
    const theory: Record<string, number> = { 'learning rate eta = lr / L': eta, 'smoothness L': smoothness }
    lambdas.forEach((l) => {
      // Without decay a finite minimiser exists only for non-separable data; Newton says so by failing.
      const optimum = l === 0 && kind === 'separable' ? undefined : penalisedLogisticNewton(data.x, data.labels, l, decayBias)
      if (!optimum)
        return
      const summary = logisticSummary(data.x, data.labels, optimum)
      const tag = l === 0 ? 'no decay' : label(l)
      theory[`w1 at the minimum (Newton), ${tag}`] = optimum[0]
      theory[`w2 at the minimum (Newton), ${tag}`] = optimum[1]
      theory[`b at the minimum (Newton), ${tag}`] = optimum[2]
      theory[`weight norm at the minimum (Newton), ${tag}`] = Math.hypot(optimum[0], optimum[1])
      theory[`max probability at the minimum (Newton), ${tag}`] = summary.maxProbability
      theory[`1 - max probability at the minimum (Newton), ${tag}`] = summary.oneMinusMax
    })
    const shrink = [1, 2].map(j => theory[`w${j} at the minimum (Newton), ${label(lambda)}`] / theory[`w${j} at the minimum (Newton), no decay`])
    if (shrink.every(Number.isFinite)) {
      theory['shrink w1(lambda)/w1(0) (Newton)'] = shrink[0]
      theory['shrink w2(lambda)/w2(0) (Newton)'] = shrink[1]
    }
    if (hat) {
      theory['max-margin w_hat1 (augmented, bias in the norm)'] = hat[0]
      theory['max-margin w_hat2'] = hat[1]
      theory['max-margin b_hat'] = hat[2]
      theory['margin gamma = 1/||(w_hat, b_hat)||'] = 1 / Math.hypot(...hat)
      theory['norm increment per decade without decay, ln(10) ||w_hat|| (asymptotic)'] = Math.LN10 * Math.hypot(hat[0], hat[1])
    }

    const runLabel = (l: number) => l === 0 ? 'no decay' : `${label(l)}${decayBias ? ', bias decayed' : ''}`
    const names = ['weight norm ||w||', 'max probability', '1 - max probability', 'training loss'] as const
    const series = lambdas.map(() => Object.fromEntries(names.map(name => [name, [] as Series])) as Record<typeof names[number], Series>)
    const thetas: Float64Array[] = lambdas.map(() => new Float64Array(3))
    let diverged = lambdas.map(() => false)
    // What a decision-field view draws: the points, a box around them, each run's current (w1, w2, b).
    const extra = { x: data.x, labels: data.labels, box: dataBox(data.x), lambdas, thetas, kind, decayBias }
    const trainer = createTrainer({
      model: logisticRegression(2),
      optimizer: momentum > 0 ? { name: 'momentum', momentum } : { name: 'sgd' },
      runs: lambdas.map(l => ({ eta, lambda: l })),
      train: { n, d: 2, x: data.x, y: Float64Array.from(data.labels) },
      decayBias,
      seed,
      init: (_, rows) => new Float64Array(rows),
    })
    // Chunks between checkpoints grow with t (2% of the steps so far, at most 25: ~0.1-0.2 ms a step on wasm): a slide
    // that draws one chunk per frame then moves at an even pace in log t, the axis the norm grows along.
    const chunkAt = (taken: number) => Math.min(25, Math.max(1, Math.ceil(0.02 * taken)))
    try {
      for (const t of logSchedule(steps, perDecade)) {
        while (trainer.stepsTaken < t) {
          trainer.step(Math.min(chunkAt(trainer.stepsTaken), t - trainer.stepsTaken))
          const reached = trainer.stepsTaken === t
          // Without a watcher the weights are read only where the series record them.
          if (!reached && !hooks?.checkpoint)
            continue
          const w = await trainer.parameter('w')
          const b = await trainer.parameter('b')
          lambdas.forEach((_, r) => {
            thetas[r] = Float64Array.from([w[r], w[2 + r], b[r]])
            if (!reached)
              return
            const summary = logisticSummary(data.x, data.labels, thetas[r])
            series[r]['weight norm ||w||'].push([t, Math.hypot(w[r], w[2 + r])])
            series[r]['max probability'].push([t, summary.maxProbability])
            series[r]['1 - max probability'].push([t, summary.oneMinusMax])
            series[r]['training loss'].push([t, summary.loss])
          })
          const done = trainer.stepsTaken
          await hooks?.checkpoint?.(() => ({
            done,
            total: steps,
            runs: lambdas.map((l, r) => ({ label: runLabel(l), series: series[r] })),
            theory,
            extra,
          }))
        }
      }
      diverged = (await trainer.metrics()).diverged
    }
    finally {
      trainer.dispose()
    }

    const valueAt = (s: Series, t: number) => s.find(([step]) => step === t)?.[1] ?? Number.NaN
    const lastDecade = 10 ** Math.floor(Math.log10(steps))
    const runs: RunResult[] = lambdas.map((l, r) => {
      const summary = logisticSummary(data.x, data.labels, thetas[r])
      const penalty = [l, l, decayBias ? l : 0]
      const norm = series[r]['weight norm ||w||']
      const final: Record<string, number> = {
        'weight norm ||w||': Math.hypot(thetas[r][0], thetas[r][1]),
        'max probability': summary.maxProbability,
        '1 - max probability': summary.oneMinusMax,
        'accuracy': summary.accuracy,
        'training loss': summary.loss,
        'w1': thetas[r][0],
        'w2': thetas[r][1],
        'b': thetas[r][2],
        'gradient norm of the penalised objective': Math.hypot(...summary.gradient.map((g, k) => g + penalty[k] * thetas[r][k])),
      }
      // Growth of ||w|| per decade of steps, for every full decade 1..10..100..: equal increments = linear in log t.
      for (let t = 1; t * 10 <= steps; t *= 10)
        final[`norm increment, steps ${t} to ${t * 10}`] = valueAt(norm, t * 10) - valueAt(norm, t)
      if (lastDecade >= 10)
        final['norm increment over the last full decade'] = valueAt(norm, lastDecade) - valueAt(norm, lastDecade / 10)
      if (hat) {
        const cos = (thetas[r][0] * hat[0] + thetas[r][1] * hat[1]) / (Math.hypot(thetas[r][0], thetas[r][1]) * Math.hypot(hat[0], hat[1]))
        final['angle of w to the max-margin w_hat (degrees)'] = Math.acos(Math.min(1, cos)) * 180 / Math.PI
      }
      if (l > 0 && kind !== 'separable') {
        // Relative shrink of each weight against the run without decay (both converged when steps suffice).
        final['shrink w1(lambda)/w1(0)'] = thetas[r][0] / thetas[0][0]
        final['shrink w2(lambda)/w2(0)'] = thetas[r][1] / thetas[0][1]
      }
      return { label: runLabel(l), series: series[r], final, diverged: diverged[r] }
    })

    return { id: 'classification', config, backend: tf.getBackend(), runs, theory, extra }
  },
})

/** The four experiments of this file, for the registry. */
export const viewExperiments = [biasVariance, adamVsAdamw, landscapeMomentum, classification]
