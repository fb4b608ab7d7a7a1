/**
 * One step of weight decay, drawn in the plane of two weights (science.md sections 0 and 1).
 *
 * Problem: ridge regression with d = 2, J(w) = 1/(2n)||Xw - y||^2 + (lambda/2)||w||^2, the two features on scales
 * 1.5 and 0.5 so that the loss contours are elongated ellipses and the two gradient coordinates differ in size.
 * Two runs start at the same w0 and step together:
 * - SGD: the L2-gradient step w - eta (g + lambda w) against SGDW's shrink (1 - eta lambda) w followed by - eta g.
 *   The same iterates (science check 1), so the single arrow ends where the two parts end.
 * - Adam: Adam + L2 (lambda w goes into g, so through m and sqrt(v)) against AdamW (shrink, then the Adam step on g).
 *   No lambda' makes them equal (Loshchilov & Hutter, Prop. 2): the iterates part at the first step.
 * The view takes each step's two parts from the decoupled trajectory: the shrink (1 - eta lambda) w_t - w_t, then
 * the rest w_{t+1} - (1 - eta lambda) w_t (that is - eta g for SGDW, the Adam step for AdamW). Beside it, the step the
 * coupled rule would take from the same state (w_t and, for Adam, the decoupled run's m and v), in float64: with SGD
 * it ends on w_{t+1}; with Adam it does not, at any step.
 */
import type { BatchedOptimizer, OptimizerName } from '../core/optimizers'
import type { RegressionData } from '../core/ridge'
import type { Progress, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createOptimizer } from '../core/optimizers'
import { createRng } from '../core/random'
import { ridgeObjective, ridgeSolution } from '../core/ridge'
import { defineExperiment, seedParam } from './declare'

export type Point = [number, number]

/** The fixed part of the problem; only the data's noise and design depend on the seed. */
export const planeProblem = {
  n: 50,
  /** Standard deviations of the two features: Hessian diagonal about (2.25, 0.25). */
  scales: [1.5, 0.5],
  wTrue: [2, 1],
  noise: 0.5,
  /** Start: far from both minima, so that the shrink (towards 0) and the gradient step point different ways. */
  w0: [-1.5, 2.5],
} as const

export function makePlaneData(seed: number): RegressionData {
  const { n, scales, wTrue, noise, w0 } = planeProblem
  const rng = createRng(seed)
  const x = new Float64Array(n * 2)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    x[2 * i] = scales[0] * rng.normal()
    x[2 * i + 1] = scales[1] * rng.normal()
    y[i] = wTrue[0] * x[2 * i] + wTrue[1] * x[2 * i + 1] + noise * rng.normal()
  }
  return { n, d: 2, x, y, w0: Float64Array.from(w0) }
}

/** H = X^T X / n, the Hessian of the data loss, as [a, b, c] for [[a, b], [b, c]]. */
export function planeHessian(data: RegressionData): [number, number, number] {
  let a = 0
  let b = 0
  let c = 0
  for (let i = 0; i < data.n; i++) {
    const [u, v] = [data.x[2 * i], data.x[2 * i + 1]]
    a += u * u
    b += u * v
    c += v * v
  }
  return [a / data.n, b / data.n, c / data.n]
}

/** Gradient of the data loss 1/(2n)||Xw - y||^2 at w, in float64. */
export function dataGradient(data: RegressionData, w: ArrayLike<number>): Point {
  const g: Point = [0, 0]
  for (let i = 0; i < data.n; i++) {
    const r = data.x[2 * i] * w[0] + data.x[2 * i + 1] * w[1] - data.y[i]
    g[0] += r * data.x[2 * i] / data.n
    g[1] += r * data.x[2 * i + 1] / data.n
  }
  return g
}

/** Eigenvalues (descending) and the unit eigenvector of the larger one, for a symmetric 2 x 2 [[a, b], [b, c]]. */
function eigen2([a, b, c]: [number, number, number]): { values: [number, number], vector: Point } {
  const mean = (a + c) / 2
  const radius = Math.hypot((a - c) / 2, b)
  const angle = Math.atan2(2 * b, a - c) / 2
  return { values: [mean + radius, mean - radius], vector: [Math.cos(angle), Math.sin(angle)] }
}

/** The ellipse 1/2 (w - centre)^T H (w - centre) = q as a closed polyline. */
export function ellipse(centre: ArrayLike<number>, hessian: [number, number, number], q: number, count = 96): Point[] {
  const { values, vector: [ux, uy] } = eigen2(hessian)
  const r1 = Math.sqrt(2 * q / values[0])
  const r2 = Math.sqrt(2 * q / values[1])
  return Array.from({ length: count + 1 }, (_, k) => {
    const t = 2 * Math.PI * k / count
    const [p, s] = [r1 * Math.cos(t), r2 * Math.sin(t)]
    return [centre[0] + p * ux - s * uy, centre[1] + p * uy + s * ux]
  })
}

type DecayStepMetric = 'objective' | 'w1' | 'w2' | 'distanceToRidge' | 'finalGap' | 'largestGap' | 'coupledStepGap'

/** What the plane view draws, besides the series: in every snapshot and in the result. */
export interface DecayStepExtra {
  /** Iterates w_0 .. w_t of the coupled run (index 0) and the decoupled run (index 1). */
  trajectories: [Point[], Point[]]
  /** Entry k: where the coupled rule's step from the decoupled run's state at step k ends (float64). */
  coupledFromSame: Point[]
  labels: [string, string]
  /** 'sgd': the runs must coincide; 'adam': they part. */
  family: 'sgd' | 'adam'
  eta: number
  lambda: number
  /** Contours of the data loss 1/(2n)||Xw - y||^2 (ellipses around the unpenalised minimiser). */
  contours: Point[][]
  /** The penalty's contour through the ridge point, ||w|| = ||w_ridge||: the loss contour touches it there. */
  penaltyCircle: Point[]
  ridge: Point
  unpenalised: Point
  w0: Point
}

export const decayStepExperiment = defineExperiment({
  id: 'decay-step',
  description: 'Two weights, one start: SGD with an L2 penalty and SGD with decoupled decay take identical steps (shrink + gradient step); Adam + L2 and AdamW do not',
  purpose: 'One step, two ways: with plain SGD an L2 penalty and weight decay move the weights the same way; with Adam they do not. Try: switch the optimizer, change λ and the learning rate.',
  params: {
    optimizer: { kind: 'choice', default: 'sgd', options: ['sgd', 'adam-l2'], label: 'optimizer', meaning: 'sgd: SGD + L2 beside SGDW; adam-l2: Adam + L2 beside AdamW' },
    // At most 1.5 with eta at most 0.3: the shrink factor 1 - eta lambda stays above 0.5.
    lambda: { kind: 'number', default: 0.5, min: 0, max: 1.5, step: 0.05, label: 'λ', meaning: 'weight of the penalty (λ/2)‖w‖², or the decoupled decay' },
    // GD on these data is stable below 2/(h_max + lambda), about 0.5 to 0.9 here: the lesson is the step, not divergence.
    eta: { kind: 'number', default: 0.05, min: 0.01, max: 0.3, scale: 'log', step: 40, label: 'η', meaning: 'learning rate of both runs' },
    // The slide takes one step per frame: 3000 steps are 50 s.
    steps: { kind: 'integer', default: 300, min: 1, max: 3000, label: 'steps', meaning: 'optimizer steps of each run', cost: 'max' },
    every: { kind: 'integer', default: 1, min: 1, max: 3000, label: 'record every', unit: 'steps', meaning: 'steps between two recorded objective values (the trajectory keeps every step)', cost: 'min' },
    seed: seedParam(1),
  },
  outputs: {
    metrics: {
      objective: { label: 'objective J(w) = 1/(2n)‖Xw − y‖² + (λ/2)‖w‖²' },
      w1: { label: 'final weight w₁' },
      w2: { label: 'final weight w₂' },
      distanceToRidge: { label: 'relative distance to the ridge minimiser' },
      finalGap: { label: 'relative distance between the two final weight vectors' },
      largestGap: { label: 'largest distance between the two trajectories' },
      coupledStepGap: { label: 'largest gap: coupled step from the same state vs decoupled step' },
    },
    theory: {
      ridgeMinimum: { label: 'ridge minimum objective' },
      ridgeW1: { label: 'ridge minimiser w₁' },
      ridgeW2: { label: 'ridge minimiser w₂' },
      unpenalisedW1: { label: 'unpenalised minimiser w₁' },
      unpenalisedW2: { label: 'unpenalised minimiser w₂' },
      shrinkFactor: { label: 'shrink factor 1 − ηλ' },
      stableEta: { label: 'GD stable for η below 2/(h_max + λ)' },
    },
  },
  check(config) {
    if (config.every > config.steps)
      throw new Error(`every: must be at most steps = ${config.steps}, got ${config.every}`)
  },
  async run(config, hooks) {
    const { eta, lambda, steps, every, seed } = config
    const family = config.optimizer === 'sgd' ? 'sgd' : 'adam'
    const names: [OptimizerName, OptimizerName] = family === 'sgd' ? ['sgd', 'sgdw'] : ['adam-l2', 'adamw']
    const labels: [string, string] = family === 'sgd'
      ? ['SGD + L2 penalty: w − η(g + λw)', 'SGDW: shrink (1 − ηλ)w, then − ηg']
      : ['Adam + L2 penalty (λw inside Adam)', 'AdamW: shrink (1 − ηλ)w, then the Adam step']

    const data = makePlaneData(seed)
    const { n } = data
    const ridge = ridgeSolution(data, lambda)
    const unpenalised = ridgeSolution(data, 0)
    const hessian = planeHessian(data)
    const minimumLoss = ridgeObjective(data, unpenalised, 0)
    const atStart = ridgeObjective(data, data.w0, 0) - minimumLoss
    const contours = [1, 0.45, 0.18, 0.06, 0.015].map(f => ellipse(unpenalised, hessian, f * atStart))
    const ridgeNorm = Math.hypot(ridge[0], ridge[1])
    const penaltyCircle = Array.from({ length: 129 }, (_, k): Point => [ridgeNorm * Math.cos(k * Math.PI / 64), ridgeNorm * Math.sin(k * Math.PI / 64)])
    const hMax = eigen2(hessian).values[0]
    const theory = {
      ridgeMinimum: ridgeObjective(data, ridge, lambda),
      ridgeW1: ridge[0],
      ridgeW2: ridge[1],
      unpenalisedW1: unpenalised[0],
      unpenalisedW2: unpenalised[1],
      shrinkFactor: 1 - eta * lambda,
      stableEta: 2 / (hMax + lambda),
    }

    const trajectories: [Point[], Point[]] = [[], []]
    const objective: [Series, Series] = [[], []]
    const coupledFromSame: Point[] = []
    const [beta1, beta2, eps] = [0.9, 0.999, 1e-8]
    // The decoupled run's Adam moments, re-accumulated in float64 from its own gradients.
    const moments = { m: [0, 0], v: [0, 0] }
    const coupledStep = (p: Point, t: number): Point => {
      const g = dataGradient(data, p)
      const full = [g[0] + lambda * p[0], g[1] + lambda * p[1]]
      if (family === 'sgd')
        return [p[0] - eta * full[0], p[1] - eta * full[1]]
      const step = [0, 1].map((j) => {
        const m = beta1 * moments.m[j] + (1 - beta1) * full[j]
        const v = beta2 * moments.v[j] + (1 - beta2) * full[j] ** 2
        moments.m[j] = beta1 * moments.m[j] + (1 - beta1) * g[j]
        moments.v[j] = beta2 * moments.v[j] + (1 - beta2) * g[j] ** 2
        return eta * (m / (1 - beta1 ** (t + 1))) / (Math.sqrt(v / (1 - beta2 ** (t + 1))) + eps)
      })
      return [p[0] - step[0], p[1] - step[1]]
    }
    const extra = (): DecayStepExtra => ({
      trajectories: [trajectories[0].slice(), trajectories[1].slice()],
      coupledFromSame: coupledFromSame.slice(),
      labels,
      family,
      eta,
      lambda,
      contours,
      penaltyCircle,
      ridge: [ridge[0], ridge[1]],
      unpenalised: [unpenalised[0], unpenalised[1]],
      w0: [data.w0[0], data.w0[1]],
    })
    const snapshot = (t: number): Progress<DecayStepMetric, keyof typeof theory> => ({
      done: t,
      total: steps,
      runs: labels.map((label, r) => ({ label, series: { objective: objective[r].slice() } })),
      theory,
      extra: extra() as unknown as Record<string, unknown>,
    })

    const x = tf.tensor2d(Float32Array.from(data.x), [n, 2])
    const xT = tf.transpose(x)
    const y = tf.tensor2d(Float32Array.from(data.y), [n, 1])
    const ws: tf.Variable[] = []
    const optimizers: BatchedOptimizer[] = []
    let diverged = false
    try {
      for (const name of names) {
        const w = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(data.w0), [2, 1])))
        ws.push(w)
        optimizers.push(createOptimizer({ name, beta1, beta2, eps }, [{ eta, lambda }], { size: 2 }, w))
      }
      for (let t = 0; ; t++) {
        const values = await Promise.all(ws.map(w => w.data()))
        values.forEach((v, r) => {
          trajectories[r].push([v[0], v[1]])
          if (t % every === 0 || t === steps)
            objective[r].push([t, ridgeObjective(data, v, lambda)])
        })
        diverged = values.some(v => !(Math.hypot(v[0], v[1]) < 1e6))
        if (t < steps && !diverged)
          coupledFromSame.push(coupledStep(trajectories[1][t], t))
        await hooks?.checkpoint?.(() => snapshot(t))
        if (t === steps || diverged)
          break
        ws.forEach((w, r) => {
          // Gradient of the data loss only: each rule adds lambda w (coupled) or shrinks w (decoupled) itself.
          const g = tf.tidy(() => tf.div(tf.matMul(xT, tf.sub(tf.matMul(x, w), y)), n))
          optimizers[r].apply(w, g)
          g.dispose()
        })
      }
    }
    finally {
      optimizers.forEach(o => o.dispose())
      tf.dispose([...ws, x, xT, y])
    }

    const finals = trajectories.map(p => p.at(-1)!)
    const gaps = trajectories[0].map((p, t) => Math.hypot(p[0] - trajectories[1][t][0], p[1] - trajectories[1][t][1]))
    const runs: Array<RunResult<DecayStepMetric>> = labels.map((label, r) => ({
      label,
      series: { objective: objective[r] },
      final: {
        objective: objective[r].at(-1)![1],
        w1: finals[r][0],
        w2: finals[r][1],
        distanceToRidge: Math.hypot(finals[r][0] - ridge[0], finals[r][1] - ridge[1]) / ridgeNorm,
      },
      diverged: diverged || !Number.isFinite(objective[r].at(-1)![1]),
    }))
    runs[1].final.finalGap = gaps.at(-1)! / Math.hypot(...finals[1])
    runs[1].final.largestGap = Math.max(...gaps)
    // How far the coupled step from the decoupled run's state lands from that run's next iterate (0 for SGD).
    runs[1].final.coupledStepGap = Math.max(0, ...coupledFromSame.map((q, k) => Math.hypot(q[0] - trajectories[1][k + 1][0], q[1] - trajectories[1][k + 1][1])))
    return {
      id: 'decay-step',
      config,
      backend: tf.getBackend(),
      runs,
      theory,
      extra: extra() as unknown as Record<string, unknown>,
    }
  },
})
