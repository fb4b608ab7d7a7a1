/**
 * 'l1-l2-geometry': a 2-parameter quadratic 1/2 (w - c)^T H (w - c) penalised by lambda||w||_1 (ISTA) or
 * (lambda/2)||w||^2 (GD), a grid of lambdas as one batch (science.md section 3): the l1 solution sits on a corner.
 * Also the closed forms the slide draws (the lp balls, the l1, l2 and lp solutions).
 */
import type { RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { solveSpd } from '../core/linalg'
import { createOptimizer } from '../core/optimizers'
import { lassoSolution } from '../core/theory'
import { defineExperiment } from './declare'
import { column, requireStableEta } from './regression-common'
import { requireInteger, requireNonNegative, requirePositive } from './validate'

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

type Metric = 'w1AgainstLambda' | 'w2AgainstLambda' | 'zerosAgainstLambda' | 'w1Trajectory' | 'w2Trajectory' | 'w1' | 'w2' | 'zeros' | 'radius' | 'maxError'
type Theory = 'l1W1' | 'l1W2' | 'l1Zeros' | 'l1Radius' | 'l2W1' | 'l2W2' | 'l2Zeros' | 'l2Radius'

export const l1L2GeometryExperiment = defineExperiment({
  id: 'l1-l2-geometry',
  description: 'A 2-parameter quadratic penalised by lambda||w||_1 (ISTA) or (lambda/2)||w||^2 (GD), a grid of lambdas as one batch; theory: KKT/coordinate-descent corner solution and (H + lambda I)^{-1} H c',
  purpose: 'Why the l1 penalty gives exact zeros and l2 does not: the penalised minimum is where the loss first touches the l1 diamond (often at a corner) or the l2 circle. Try: change λ and the loss\'s shape.',
  params: {
    cx: { kind: 'number', default: 2, min: -3, max: 3, label: 'c₁', meaning: 'first coordinate of the loss minimum c (where both runs start)' },
    cy: { kind: 'number', default: 0.5, min: -3, max: 3, label: 'c₂', meaning: 'second coordinate of the loss minimum c' },
    rho: { kind: 'number', default: 0.5, min: -0.9, max: 0.9, step: 0.05, label: 'correlation ρ', meaning: 'off-diagonal of H = curvature [[1, ρ], [ρ, 1]]' },
    curvature: { kind: 'number', default: 1, min: 0.1, max: 10, scale: 'log', label: 'curvature', meaning: 'scale of H' },
    lambda: { kind: 'number', default: 1, min: 0, max: 3, step: 0.05, label: 'λ', meaning: 'the highlighted lambda, whose iterates are recorded' },
    lambdaMin: { kind: 'number', default: 0.1, min: 0, max: 10, label: 'smallest λ', meaning: 'smallest lambda of the linear grid (the paths against lambda)' },
    lambdaMax: { kind: 'number', default: 2.5, min: 0, max: 10, label: 'largest λ', meaning: 'largest lambda of the linear grid' },
    count: { kind: 'integer', default: 9, min: 1, max: 64, label: 'grid lambdas', meaning: 'lambdas of the grid, trained as one batch with the highlighted one', cost: 'max' },
    eta: { kind: 'number', default: 0.4, min: 0.01, max: 1, scale: 'log', label: 'η', meaning: 'step size of ISTA and GD (must stay below 2/(h_max + largest λ))' },
    steps: { kind: 'integer', default: 200, min: 1, max: 1000, label: 'steps', meaning: 'ISTA and GD steps (one per frame on the slide)', cost: 'max' },
    every: { kind: 'integer', default: 1, min: 1, max: 1000, label: 'record every', unit: 'steps', meaning: 'steps between two recorded iterates', cost: 'min' },
    // Drawing only: the slide's third ball. Declared so that its slider and the address read one range.
    p: { kind: 'number', default: 2, min: 0.5, max: 4, step: 0.1, label: 'p of a third ball (ℓp)', meaning: 'p of the ℓp ball the slide draws with its exact solution; the trained runs do not use it' },
  },
  outputs: {
    metrics: {
      w1AgainstLambda: { label: 'w1 against lambda' },
      w2AgainstLambda: { label: 'w2 against lambda' },
      zerosAgainstLambda: { label: 'exact zeros against lambda' },
      w1Trajectory: { label: 'w1 (trajectory at lambda)' },
      w2Trajectory: { label: 'w2 (trajectory at lambda)' },
      w1: { label: 'w1' },
      w2: { label: 'w2' },
      zeros: { label: 'exact zeros' },
      radius: { label: 'ball radius (norm of the solution)' },
      maxError: { label: 'max |w - theory| over all lambdas' },
    },
    theory: {
      l1W1: { label: 'l1 solution w1' },
      l1W2: { label: 'l1 solution w2' },
      l1Zeros: { label: 'l1 exact zeros' },
      l1Radius: { label: 'l1 ball radius ||w_l1||_1' },
      l2W1: { label: 'l2 solution w1' },
      l2W2: { label: 'l2 solution w2' },
      l2Zeros: { label: 'l2 exact zeros' },
      l2Radius: { label: 'l2 ball radius ||w_l2||_2' },
    },
  },
  check(config) {
    if (!(config.lambdaMax >= config.lambdaMin))
      throw new Error(`lambdaMax: must be >= lambdaMin = ${config.lambdaMin}, got ${config.lambdaMax}`)
    if (config.every > config.steps)
      throw new Error(`every: must be <= steps = ${config.steps}, got ${config.every}`)
    const hMax = config.curvature * (1 + Math.abs(config.rho))
    requireStableEta('eta', config.eta, hMax, Math.max(config.lambda, config.lambdaMax))
  },
  async run(config, hooks) {
    const { cx, cy, rho, curvature, lambda, lambdaMin, lambdaMax, count, eta, steps, every } = config
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
    const theory: Record<Theory, number> = {
      l1W1: exactL1[0][0],
      l1W2: exactL1[0][1],
      l1Zeros: zeros(exactL1[0]),
      l1Radius: l1Norm(exactL1[0]),
      l2W1: exactL2[0][0],
      l2W2: exactL2[0][1],
      l2Zeros: zeros(exactL2[0]),
      l2Radius: l2Norm(exactL2[0]),
    }
    // The trajectories at the highlighted lambda as points (w1, w2), for a view of the plane.
    const trajectories = () => ({
      l1: trajectory.l1[0].map(([, w1], i) => [w1, trajectory.l1[1][i][1]] as [number, number]),
      l2: trajectory.l2[0].map(([, w1], i) => [w1, trajectory.l2[1][i][1]] as [number, number]),
    })
    const trajectorySeries = (traj: Series[]) => ({ w1Trajectory: traj[0], w2Trajectory: traj[1] })
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
    const result = (label: string, trained: Float64Array[], exact: Float64Array[], traj: Series[], radius: (w: Float64Array) => number): RunResult<Metric> => ({
      label,
      series: {
        w1AgainstLambda: order.map(k => [lambdas[k], trained[k][0]]),
        w2AgainstLambda: order.map(k => [lambdas[k], trained[k][1]]),
        zerosAgainstLambda: order.map(k => [lambdas[k], zeros(trained[k])]),
        w1Trajectory: traj[0],
        w2Trajectory: traj[1],
      },
      final: {
        w1: trained[0][0],
        w2: trained[0][1],
        zeros: zeros(trained[0]),
        radius: radius(trained[0]),
        maxError: maxGap(trained, exact),
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
