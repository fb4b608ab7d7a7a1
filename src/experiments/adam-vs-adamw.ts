/**
 * 'adam-vs-adamw' (science.md section 1): SGD + L2, Adam + L2 and AdamW on features with very different gradient
 * scales: which reaches the ridge point, and how much decay each weight gets per step.
 */
import type { BatchedOptimizer, OptimizerName } from '../core/optimizers'
import type { OutputSpec, OutputSpecs } from './declare'
import type { Progress, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { linearRegression } from '../core/models'
import { createOptimizer } from '../core/optimizers'
import { createRng } from '../core/random'
import { ridgeSolution } from '../core/theory'
import { defineExperiment, listValues, seedParam } from './declare'
import { lambdaLabel } from './lambdas'

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

/** A zero variable; tf.variable keeps its initial tensor alive, so that one is disposed here. */
function zerosVariable(shape: [number, number]): tf.Variable {
  const initial = tf.zeros(shape)
  const variable = tf.variable(initial)
  initial.dispose()
  return variable
}

const maxFeatures = 8
/** One output per weight w1 .. w8 (a run reports those of its d). */
function perWeight(prefix: string, label: (j: number) => string) {
  return Object.fromEntries(Array.from({ length: maxFeatures }, (_, j) => [`${prefix}${j + 1}`, { label: label(j + 1) }]))
}

const runMetrics = {
  relativeDistanceToRidge: { label: 'relative distance to ridge' },
  relativeDistanceToUnpenalised: { label: 'relative distance to the unpenalised minimum' },
  decayPerStep: { label: 'decay per step eta lambda (closed form; SGD + L2 and AdamW)' },
  boxBound: { label: 'AdamW box bound 1/lambda' },
}
type Metric = keyof typeof runMetrics | `${'w' | 'effectiveDecayW' | 'meanEffectiveDecayW' | 'ridgeW' | 'unpenalisedW' | 'featureScaleW'}${number}`

// Every closed form here belongs to one lambda or one weight, so each run reports its own in `final`.
const outputs: OutputSpecs<Metric, never> = {
  metrics: {
    ...runMetrics,
    ...perWeight('w', j => `w${j}`),
    ...perWeight('effectiveDecayW', j => `effective decay per step, w${j}`),
    ...perWeight('meanEffectiveDecayW', j => `mean effective decay per step, w${j}`),
    ...perWeight('ridgeW', j => `ridge w${j} at the run's lambda (closed form)`),
    ...perWeight('unpenalisedW', j => `unpenalised minimiser w${j} (closed form; AdamW runs)`),
    ...perWeight('featureScaleW', j => `feature scale ${j} (the same in every run)`),
  } as Record<Metric, OutputSpec>,
  theory: {},
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
 *
 * Cost: half a millisecond per step for the three rules together at the defaults; the slide trains 2 ms per frame, so
 * a live run lasts about 8x its compute. The costliest corner (d 8, n 1000, four lambdas, 5000 steps recorded at every
 * step) computes in about 7 s in Node wasm, 30 s live.
 */
export const adamVsAdamwExperiment = defineExperiment({
  id: 'adam-vs-adamw',
  description: 'SGD + L2, Adam + L2 and AdamW on features whose gradient scales span 100x: SGD and Adam+L2 reach the ridge solution, AdamW does not; Adam+L2 decays the high-gradient weights least',
  purpose: 'Features whose gradients differ a hundredfold: SGD and Adam with an L2 penalty end at the ridge solution, AdamW (decoupled decay) does not. Try: another λ, another scale ratio.',
  params: {
    d: { kind: 'integer', default: 4, min: 2, max: maxFeatures, label: 'features d', meaning: 'number of features (and weights), their scales geometric between 1/√ratio and √ratio', cost: 'max' },
    n: { kind: 'integer', default: 200, min: 1, max: 1000, label: 'n', meaning: 'training points (full batch)', cost: 'max' },
    scaleRatio: { kind: 'number', default: 100, min: 1, max: 1000, scale: 'log', step: 30, label: 'largest / smallest feature scale', meaning: 'ratio of the largest to the smallest feature scale (and gradient scale)' },
    noise: { kind: 'number', default: 0.5, min: 0, max: 10, label: 'noise', meaning: 'standard deviation of the noise on y' },
    lambdas: { kind: 'list', default: '0.1,0.3', min: 0.01, max: 1, maxLength: 4, label: 'λ values', meaning: 'the decay λ, one batch column each, the same for the three rules (> 0: the comparison is about the decay term)', cost: 'max' },
    eta: { kind: 'number', default: 0.01, min: 1e-4, max: 0.1, scale: 'log', label: 'η of Adam', meaning: 'learning rate of Adam + L2 and AdamW' },
    // GD on the ridge objective is stable for eta_b (trace + lambda_b) < 2, since trace >= h_max.
    sgdEtaScale: { kind: 'number', default: 1.9, min: 0.01, max: 1.99, label: 'η of SGD × (trace + λ)', meaning: 'the SGD step is this over trace(XᵀX/n) + λ' },
    steps: { kind: 'integer', default: 3000, min: 1, max: 5000, label: 'steps', meaning: 'full-batch steps of every run', cost: 'max' },
    every: { kind: 'integer', default: 50, min: 1, max: 5000, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points', cost: 'min' },
    seed: seedParam(3),
  },
  outputs,
  check(config) {
    if (config.every > config.steps)
      throw new Error(`every: must be <= steps = ${config.steps}, got ${config.every}`)
  },
  async run(config, hooks) {
    const { d, n, scaleRatio, noise, eta, sgdEtaScale, steps, every, seed } = config
    const lambdas = listValues(config.lambdas)

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

    // The three rules step together, so that a slide shows them side by side while they train.
    const R = rules.length
    const distance: Series[][] = rules.map(() => lambdas.map(() => []))
    const decay: Series[][][] = rules.map(() => lambdas.map(() => Array.from({ length: d }, () => [])))
    const decaySum: number[][][] = rules.map(() => lambdas.map(() => Array.from<number>({ length: d }).fill(0)))
    const weights: Float64Array[] = rules.map(() => new Float64Array(d * B))
    let samples = 0
    const column = (r: number, b: number) => Array.from({ length: d }, (_, j) => weights[r][j * B + b])
    const runLabel = (r: number, b: number) => `${rules[r].label}, ${lambdaLabel(lambdas[b])}`
    const pairs = rules.flatMap((_, r) => lambdas.map((__, b) => [r, b] as const))
    const seriesOf = (r: number, b: number, copy: boolean): Partial<Record<Metric, Series>> => {
      const out: Partial<Record<Metric, Series>> = { relativeDistanceToRidge: copy ? distance[r][b].slice() : distance[r][b] }
      for (let j = 0; j < d; j++)
        out[`effectiveDecayW${j + 1}`] = copy ? decay[r][b][j].slice() : decay[r][b][j]
      return out
    }
    // Known before the first step: the slide draws the ridge point from the start.
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
    const snapshot = (t: number): Progress<Metric, never> => ({
      done: t,
      total: steps,
      runs: pairs.map(([r, b]) => ({ label: runLabel(r, b), series: seriesOf(r, b, true) })),
      theory: {},
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
    const runs: Array<RunResult<Metric>> = pairs.map(([r, b]) => {
      const w = column(r, b)
      const lambda = lambdas[b]
      const final: Partial<Record<Metric, number>> = { relativeDistanceToRidge: relativeDistance(w, ridge[b]) }
      if (ols)
        final.relativeDistanceToUnpenalised = relativeDistance(w, ols)
      for (let j = 0; j < d; j++) {
        final[`w${j + 1}`] = w[j]
        final[`meanEffectiveDecayW${j + 1}`] = decaySum[r][b][j] / samples
      }
      // The data's feature scales and the closed forms of this run: its ridge point, the decay eta lambda of the rules
      // that apply one, AdamW's box and the unpenalised minimiser it heads for.
      ridge[b].forEach((value, j) => {
        final[`ridgeW${j + 1}`] = value
        final[`featureScaleW${j + 1}`] = data.scales[j]
      })
      if (rules[r].name !== 'adam-l2')
        final.decayPerStep = rules[r].etas[b] * lambda
      if (rules[r].name === 'adamw') {
        final.boxBound = 1 / lambda
        ols?.forEach((value, j) => {
          final[`unpenalisedW${j + 1}`] = value
        })
      }
      return { label: runLabel(r, b), series: seriesOf(r, b, false), final, diverged: !w.every(Number.isFinite) }
    })
    return { id: 'adam-vs-adamw', config, backend: tf.getBackend(), runs, theory: {}, extra: extra() as unknown as Record<string, unknown> }
  },
})
