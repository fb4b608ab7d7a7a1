/**
 * 'landscape-momentum' (science.md sections 3 and 4): heavy ball with coupled L2 on a 2-D quadratic, several lambdas
 * in one batch: where each ends (the shrunk minimum) and how fast it gets there (the largest |root|).
 */
import type { OutputSpecs } from './declare'
import type { RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { linearRegression } from '../core/models'
import {
  conditionNumber,
  dampingRatio,
  heavyBallRoots,
  heavyBallStable,
  hessianShrink,
  isUnderdamped,
  ridgeSolution,
} from '../core/theory'
import { createTrainer } from '../core/trainer'
import { defineExperiment, listValues } from './declare'
import { lambdaLabel } from './lambdas'

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

/** The closed forms of one run (one lambda): its minimum, and per eigen-direction the shrink, roots and damping. */
const closedFormOutputs = {
  minimumW1: { label: 'minimum w1 (closed form)' },
  minimumW2: { label: 'minimum w2 (closed form)' },
  conditionNumber: { label: 'condition number (h_max + lambda)/(h_min + lambda)' },
  shrink1: { label: 'shrink factor h/(h + lambda), direction 1' },
  shrink2: { label: 'shrink factor h/(h + lambda), direction 2' },
  rootModulus1: { label: 'largest |root|, direction 1' },
  rootModulus2: { label: 'largest |root|, direction 2' },
  dampingRatio1: { label: 'damping ratio, direction 1' },
  dampingRatio2: { label: 'damping ratio, direction 2' },
  underdamped1: { label: 'underdamped (1 = yes), direction 1' },
  underdamped2: { label: 'underdamped (1 = yes), direction 2' },
  stable1: { label: 'stable (1 = yes), direction 1' },
  stable2: { label: 'stable (1 = yes), direction 2' },
}
export type LandscapeClosedForms = Record<keyof typeof closedFormOutputs, number>

const outputs = {
  metrics: {
    w1: { label: 'w1' },
    w2: { label: 'w2' },
    distanceToMinimum: { label: 'distance to the shrunk minimum' },
    loss: { label: 'loss (without penalty)' },
    error1: { label: 'error along eigen-direction 1' },
    error2: { label: 'error along eigen-direction 2' },
    contraction1: { label: 'contraction per step, direction 1 (measured)' },
    contraction2: { label: 'contraction per step, direction 2 (measured)' },
    distanceRatio1: { label: 'distance ratio per step, direction 1' },
    distanceRatio2: { label: 'distance ratio per step, direction 2' },
    windowStart1: { label: 'contraction window start, direction 1', unit: 'steps' },
    windowStart2: { label: 'contraction window start, direction 2', unit: 'steps' },
    windowEnd1: { label: 'contraction window end, direction 1', unit: 'steps' },
    windowEnd2: { label: 'contraction window end, direction 2', unit: 'steps' },
    ...closedFormOutputs,
  },
  theory: {
    starCoordinate1: { label: 'eigen-coordinate 1 of w*' },
    starCoordinate2: { label: 'eigen-coordinate 2 of w*' },
    // Science check 4 (also in theory.test.ts): shrink ratios for h = (10, 1, 0.1, 0.01), lambda = 0.1.
    shrinkCheckH10: { label: 'check 4: shrink h/(h + 0.1), h = 10' },
    shrinkCheckH1: { label: 'check 4: shrink h/(h + 0.1), h = 1' },
    shrinkCheckH0p1: { label: 'check 4: shrink h/(h + 0.1), h = 0.1' },
    shrinkCheckH0p01: { label: 'check 4: shrink h/(h + 0.1), h = 0.01' },
  },
} satisfies OutputSpecs
type Metric = keyof typeof outputs.metrics

/** What a landscape view draws besides the series: the quadratic, each run's minimum and closed forms, the paths so far. */
export interface LandscapeMomentumExtra {
  h: number[]
  angle: number
  /** Eigen-directions of H, as rows. */
  eigenvectors: number[][]
  wStar: number[]
  start: number[]
  eta: number
  mu: number
  lambdas: number[]
  minima: number[][]
  /** Per lambda, known before the first step (the same values as that run's `final`). */
  closedForms: LandscapeClosedForms[]
  trajectories: Array<Array<[number, number]>>
}

const coordinate = { kind: 'number', min: -5, max: 5 } as const

/**
 * L(w) = 1/2 (w - w*)^T H (w - w*), H = Q diag(h1, h2) Q^T with Q the rotation by `angle` degrees, written as the
 * batched linear model's loss 1/(2n)||X w - y||^2 with n = 2, X = sqrt(2) H^(1/2), y = X w*: then X^T X / n = H and
 * X^T y / n = H w*, so the core trainer and its momentum rule (coupled L2, spring constant k = h + lambda) run it.
 *
 * Cost: the slide shows one step per frame, so a live run lasts (steps + 1) frames: 2000 steps are about 35 s.
 */
export const landscapeMomentumExperiment = defineExperiment({
  id: 'landscape-momentum',
  description: 'Heavy ball with coupled L2 on a 2-D quadratic, several lambdas in one batch: ends at the shrunk minimum h/(h+lambda) per eigen-direction, contracts by the largest |root| of z^2 - (1+mu-eta k) z + mu',
  purpose: 'Momentum on a 2-D bowl with an L2 penalty: momentum changes the path, the penalty moves the end point towards zero. Try: a flatter direction, more momentum, another λ.',
  params: {
    h1: { kind: 'number', default: 1, min: 0.2, max: 2, step: 0.05, label: 'stiff h₁', meaning: 'curvature of the loss along eigen-direction 1' },
    h2: { kind: 'number', default: 0.05, min: 0.01, max: 0.5, scale: 'log', label: 'flat h₂', meaning: 'curvature of the loss along eigen-direction 2' },
    angle: { kind: 'number', default: 30, min: -180, max: 180, label: 'angle of the eigen-directions', unit: 'degrees', meaning: 'rotation of the eigen-directions of H from the axes' },
    wStar1: { ...coordinate, default: 0.5, label: 'w*₁', meaning: 'first coordinate of the unpenalised minimum w*' },
    wStar2: { ...coordinate, default: 1.5, label: 'w*₂', meaning: 'second coordinate of the unpenalised minimum w*' },
    start1: { ...coordinate, default: -1, label: 'start w₁', meaning: 'first coordinate of the starting point' },
    start2: { ...coordinate, default: -1, label: 'start w₂', meaning: 'second coordinate of the starting point' },
    // Stable while eta k < 2 (1 + mu) with k = h + lambda <= 3: the top of the range diverges, which the slide reports.
    eta: { kind: 'number', default: 0.5, min: 0.01, max: 4, scale: 'log', label: 'η', meaning: 'learning rate of heavy ball' },
    mu: { kind: 'number', default: 0.5, min: 0, max: 0.95, step: 0.05, label: 'μ', meaning: 'momentum of heavy ball' },
    lambdas: { kind: 'list', default: '0,0.1,0.5', min: 0, max: 1, maxLength: 6, label: 'λ values', meaning: 'the decay λ of each run (one batch column each)', cost: 'max' },
    steps: { kind: 'integer', default: 300, min: 1, max: 2000, label: 'steps', meaning: 'heavy-ball steps of every run', cost: 'max' },
  },
  outputs,
  async run(config, hooks) {
    const { h1, h2, angle, wStar1, wStar2, start1, start2, eta, mu, steps } = config
    const lambdas = listValues(config.lambdas)

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
    const theory = {
      starCoordinate1: starCoords[0],
      starCoordinate2: starCoords[1],
      shrinkCheckH10: hessianShrink(10, 0.1),
      shrinkCheckH1: hessianShrink(1, 0.1),
      shrinkCheckH0p1: hessianShrink(0.1, 0.1),
      shrinkCheckH0p01: hessianShrink(0.01, 0.1),
    }
    const closedForms = lambdas.map((lambda, b): LandscapeClosedForms => {
      const [k1, k2] = h.map(hi => hi + lambda)
      return {
        minimumW1: minima[b][0],
        minimumW2: minima[b][1],
        conditionNumber: conditionNumber(Math.max(h1, h2), Math.min(h1, h2), lambda),
        shrink1: hessianShrink(h1, lambda),
        shrink2: hessianShrink(h2, lambda),
        rootModulus1: largestRootModulus(eta, mu, k1),
        rootModulus2: largestRootModulus(eta, mu, k2),
        dampingRatio1: dampingRatio(eta, mu, h1, lambda),
        dampingRatio2: dampingRatio(eta, mu, h2, lambda),
        underdamped1: isUnderdamped(eta, mu, k1) ? 1 : 0,
        underdamped2: isUnderdamped(eta, mu, k2) ? 1 : 0,
        stable1: heavyBallStable(eta, mu, k1) ? 1 : 0,
        stable2: heavyBallStable(eta, mu, k2) ? 1 : 0,
      }
    })

    const B = lambdas.length
    const positions: Series[][] = lambdas.map(() => [[], []])
    const errors: Series[][] = lambdas.map(() => [[], []])
    const distance: Series[] = lambdas.map(() => [])
    const loss: Series[] = lambdas.map(() => [])
    const trajectories: Array<Array<[number, number]>> = lambdas.map(() => [])
    let diverged: boolean[] = lambdas.map(() => false)
    const seriesOf = (b: number): Partial<Record<Metric, Series>> => ({
      w1: positions[b][0],
      w2: positions[b][1],
      distanceToMinimum: distance[b],
      loss: loss[b],
      error1: errors[b][0],
      error2: errors[b][1],
    })
    const extra: LandscapeMomentumExtra = {
      h,
      angle,
      eigenvectors: q,
      wStar,
      start: [start1, start2],
      eta,
      mu,
      lambdas,
      minima,
      closedForms,
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
          runs: lambdas.map((lambda, b) => ({ label: lambdaLabel(lambda), series: seriesOf(b), diverged: diverged[b] })),
          theory,
          extra: extra as unknown as Record<string, unknown>,
        }))
      }
    }
    finally {
      trainer.dispose()
    }

    const runs: Array<RunResult<Metric>> = lambdas.map((lambda, b) => {
      const [c1, c2] = errors[b].map(e => measuredContraction(e.map(([, value]) => value)))
      // A run too short to fall through the measuring window has no measured rate: left out, not NaN.
      const measured = (c: Contraction, i: 1 | 2) => Number.isNaN(c.rate) ? {} : { [`contraction${i}`]: c.rate, [`distanceRatio${i}`]: c.ratio, [`windowStart${i}`]: c.from, [`windowEnd${i}`]: c.to }
      const final: Partial<Record<Metric, number>> = {
        w1: positions[b][0].at(-1)![1],
        w2: positions[b][1].at(-1)![1],
        distanceToMinimum: distance[b].at(-1)![1],
        ...measured(c1, 1),
        ...measured(c2, 2),
        ...closedForms[b],
      }
      return { label: lambdaLabel(lambda), series: seriesOf(b), final, diverged: diverged[b] }
    })
    return { id: 'landscape-momentum', config, backend: tf.getBackend(), runs, theory, extra: extra as unknown as Record<string, unknown> }
  },
})
