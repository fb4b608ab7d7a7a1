/**
 * A weight that feeds a normalisation layer, in the noise-dominated regime (science.md section 5):
 * the loss depends on w/||w|| only, so its gradient is orthogonal to w and scales as 1/||w||.
 * The gradient is modelled as a Gaussian at unit norm, projected and divided by ||w||: E||g_unit||^2 = d - 1.
 */
import type { OptimizerSettings, RunHyper } from '../core/optimizers'
import type { ChoiceParam, NumberParam, OutputSpec } from './declare'
import type { ExperimentResult, ParamValue, Progress, RunHooks, RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createOptimizer } from '../core/optimizers'
import { createRng, normalMatrix } from '../core/random'
import { createSchedule } from '../core/schedules'
import { seedParam } from './declare'
import { requireInteger, requirePositive } from './validate'

export interface ScaleInvariantConfig {
  optimizer: OptimizerSettings
  run: RunHyper
  /** Entries of w. */
  d: number
  steps: number
  /** Initial ||w||. */
  initialNorm: number
  /** Record a point every this many steps. */
  every: number
  /** Average the angle and norm over this many last steps. */
  tail: number
  seed: number
  /**
   * The equilibrium norm at a learning rate (only with a schedule in `optimizer`): recorded at each point for the
   * scheduled rate of that step, as the `targetNorm` series.
   */
  equilibriumNormAt?: (eta: number) => number
}

export interface ScaleInvariantSeries {
  norm: Series
  /** Angle between w before and after one step, sampled every `every` steps. */
  angle: Series
  effectiveLearningRate: Series
  /** The equilibrium norm at the scheduled eta_t (runs with a schedule and `equilibriumNormAt` only). */
  targetNorm?: Series
}

export interface ScaleInvariantResult extends ScaleInvariantSeries {
  /** Means over the last `tail` steps. */
  finalAngle: number
  finalNorm: number
}

/** Called after every step with the steps taken and the series so far (one entry per walk). */
export type ScaleInvariantStepHook = (done: number, series: ScaleInvariantSeries[]) => void | Promise<void>

/** One weight and its optimizer, advanced a step at a time so that several can go side by side. */
interface Walk {
  /** Step t; `noise` is the step's standard Gaussian [d, 1] when the caller shares one between walks. */
  step: (t: number, noise?: tf.Tensor) => void
  series: ScaleInvariantSeries
  finish: () => ScaleInvariantResult
  dispose: () => void
}

/**
 * Angle between a and b as 2 asin(||a/|a| - b/|b||| / 2): exact like acos of the cosine, but the chord keeps its
 * relative precision for the milliradian steps measured here, where 1 - cos is a few float32 ulps.
 */
function angleBetween(a: tf.Tensor, b: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const chord = tf.norm(tf.sub(tf.div(a, tf.norm(a)), tf.div(b, tf.norm(b))))
    return tf.mul(tf.asin(tf.minimum(tf.div(chord, 2), 1)), 2) as tf.Scalar
  })
}

/** The standard Gaussian of step t: a function of the seed and t only, so runs side by side see the same noise. */
function stepNoise(d: number, seed: number, t: number): tf.Tensor {
  return tf.randomNormal([d, 1], 0, 1, 'float32', seed * 1_000_003 + t)
}

function createWalk(config: ScaleInvariantConfig): Walk {
  const { d, steps, every, tail, seed } = config
  const start = normalMatrix(createRng(seed), d, 1)
  let startNorm = 0
  for (const v of start)
    startNorm += v * v
  startNorm = Math.sqrt(startNorm)
  const w = tf.tidy(() => tf.variable(tf.tensor2d(Array.from(start, v => v * config.initialNorm / startNorm), [d, 1])))
  let optimizer: ReturnType<typeof createOptimizer>
  try {
    optimizer = createOptimizer(config.optimizer, [config.run], { size: d }, w)
  }
  catch (error) {
    w.dispose()
    throw error
  }
  // The tail's sums stay on the device: nothing is read back between records.
  const angleSum = tf.tidy(() => tf.variable(tf.scalar(0)))
  const normSum = tf.tidy(() => tf.variable(tf.scalar(0)))
  const series: ScaleInvariantSeries = { norm: [], angle: [], effectiveLearningRate: [] }
  const schedule = config.optimizer.schedule
  const normAt = schedule && config.equilibriumNormAt
  if (normAt)
    series.targetNorm = []

  const step = (t: number, noise?: tf.Tensor) => {
    const record = t % every === 0
    const inTail = t > steps - tail
    const before = record || inTail ? tf.clone(w) : undefined
    const g = tf.tidy(() => {
      const xi = noise ?? stepNoise(d, seed, t)
      const norm = tf.norm(w)
      const unit = tf.div(w, norm)
      return tf.div(tf.sub(xi, tf.mul(unit, tf.sum(tf.mul(unit, xi)))), norm)
    })
    optimizer.apply(w, g)
    g.dispose()
    if (!before)
      return
    const [angle, norm] = tf.tidy(() => [angleBetween(before, w), tf.norm(w)])
    before.dispose()
    if (inTail) {
      tf.tidy(() => {
        angleSum.assign(tf.add(angleSum, angle))
        // Deviations from the start: a float32 sum of thousands of norms would lose Hyperball's 1e-7 drift.
        normSum.assign(tf.add(normSum, tf.sub(norm, config.initialNorm)))
      })
    }
    if (record) {
      const a = angle.dataSync()[0]
      const n = norm.dataSync()[0]
      series.norm.push([t, n])
      series.angle.push([t, a])
      // The rate step t took (the optimizers' schedule index is t - 1).
      const eta = config.run.eta * (schedule?.(t - 1) ?? 1)
      series.effectiveLearningRate.push([t, eta / n ** 2])
      if (normAt)
        series.targetNorm!.push([t, normAt(eta)])
    }
    tf.dispose([angle, norm])
  }

  return {
    step,
    series,
    finish: () => ({ ...series, finalAngle: angleSum.dataSync()[0] / tail, finalNorm: config.initialNorm + normSum.dataSync()[0] / tail }),
    dispose: () => {
      tf.dispose([w, angleSum, normSum])
      optimizer.dispose()
    },
  }
}

function validate(config: ScaleInvariantConfig): void {
  requireInteger('d', config.d, 2)
  requireInteger('steps', config.steps)
  requireInteger('every', config.every)
  requireInteger('tail', config.tail, 1, config.steps)
  requirePositive('initialNorm', config.initialNorm)
}

/**
 * Several scale-invariant weights advanced side by side, one step each in turn, all with the same noise
 * (the same seed gives the same Gaussian at every step): a paired comparison of optimizers. `onStep` runs
 * after every step (a slide's checkpoint); if it throws, every tensor is freed and the error goes on.
 */
export async function runScaleInvariantSideBySide(configs: ScaleInvariantConfig[], onStep?: ScaleInvariantStepHook): Promise<ScaleInvariantResult[]> {
  configs.forEach(validate)
  const steps = configs[0].steps
  if (configs.some(c => c.steps !== steps))
    throw new Error('steps: every run side by side needs the same number of steps')
  const walks: Walk[] = []
  try {
    for (const config of configs)
      walks.push(createWalk(config))
    const series = walks.map(w => w.series)
    // Drawn once per step for all walks when they would draw the same numbers anyway.
    const { d, seed } = configs[0]
    const shared = configs.length > 1 && configs.every(c => c.d === d && c.seed === seed)
    await onStep?.(0, series)
    for (let t = 1; t <= steps; t++) {
      const noise = shared ? stepNoise(d, seed, t) : undefined
      for (const walk of walks)
        walk.step(t, noise)
      noise?.dispose()
      await onStep?.(t, series)
    }
    return walks.map(w => w.finish())
  }
  finally {
    walks.forEach(w => w.dispose())
  }
}

/** One scale-invariant weight trained for `steps` steps; its norm, angle per step and their means over the tail. */
export async function runScaleInvariant(config: ScaleInvariantConfig, onStep?: ScaleInvariantStepHook): Promise<ScaleInvariantResult> {
  const [result] = await runScaleInvariantSideBySide([config], onStep)
  return result
}

/** What every scale-invariant run reports: the keys of its `series` (and `final`: angle and norm over the tail). */
export const scaleInvariantMetrics = {
  angle: { label: 'angular update (angle between w before and after one step)', unit: 'rad' },
  norm: { label: 'norm ‖w‖' },
  effectiveLearningRate: { label: 'effective learning rate η/‖w‖²' },
} satisfies Record<Exclude<keyof ScaleInvariantSeries, 'targetNorm'>, OutputSpec>

/** The equilibrium experiments' metrics: those and, under a schedule, the equilibrium norm at eta_t. */
export const equilibriumMetrics = {
  ...scaleInvariantMetrics,
  targetNorm: { label: 'equilibrium norm at the scheduled η_t (with a schedule)' },
} satisfies Record<keyof ScaleInvariantSeries, OutputSpec>

export type ScaleInvariantMetric = keyof typeof equilibriumMetrics

/** The series of a run under the declared metric ids. */
export function scaleInvariantSeries(series: ScaleInvariantSeries): Partial<Record<ScaleInvariantMetric, Series>> {
  const out = { norm: series.norm, angle: series.angle, effectiveLearningRate: series.effectiveLearningRate }
  return series.targetNorm ? { ...out, targetNorm: series.targetNorm } : out
}

/** A finished run: its series and the tail means the tests compare with theory. */
export function scaleInvariantRunResult(label: string, result: ScaleInvariantResult): RunResult<ScaleInvariantMetric> {
  return {
    label,
    series: scaleInvariantSeries(result),
    final: { angle: result.finalAngle, norm: result.finalNorm },
    diverged: !Number.isFinite(result.finalNorm),
  }
}

/**
 * A step hook that reports to a slide's checkpoint: the series so far under `labels`, and the closed forms,
 * known before the first step so the theory lines are drawn from the start.
 */
export function scaleInvariantCheckpoint<T extends string>(hooks: RunHooks<ScaleInvariantMetric, T> | undefined, labels: string[], total: number, theory: Record<T, number>): ScaleInvariantStepHook | undefined {
  const checkpoint = hooks?.checkpoint
  if (!checkpoint)
    return undefined
  return (done, series) => checkpoint((): Progress<ScaleInvariantMetric, T> => ({
    done,
    total,
    runs: series.map((s, i) => ({ label: labels[i], series: scaleInvariantSeries(s) })),
    theory,
  }))
}

export interface EquilibriumConfig {
  eta: number
  lambda: number
  d: number
  steps: number
  tail: number
  every: number
  initialNormRatio: number
  seed: number
}

export const equilibriumSchedules = ['constant', 'warmup-cosine'] as const
export type EquilibriumSchedule = typeof equilibriumSchedules[number]

/**
 * The learning-rate schedule of an equilibrium run: constant, or linear warmup over the first tenth of the steps
 * then a cosine down to 0, which the norm follows with a lag of about 1/(eta_t lambda) steps, longer as eta_t falls.
 */
export const equilibriumScheduleParam: ChoiceParam<EquilibriumSchedule> = {
  kind: 'choice',
  default: 'constant',
  options: equilibriumSchedules,
  label: 'schedule',
  meaning: 'learning-rate schedule: constant, or warmup over the first 10 % of the steps then a cosine down to 0',
}

type Range = Pick<NumberParam, 'default' | 'min' | 'max'> & Partial<Pick<NumberParam, 'label' | 'meaning'>>

/**
 * The parameters every equilibrium experiment takes, under the same names and bounds; eta and lambda have each
 * optimizer's own range (their scales differ by orders of magnitude). `maxSteps` bounds steps and every, `maxTail`
 * (10 000 unless given) the tail.
 */
/** The schedule SGD and heavy-ball runs share: 6000 steps of d = 2000, the slide's 40 000 at most. */
export const sgdSchedule = { d: 2000, steps: 6000, maxSteps: 40_000, tail: 2000, every: 100, initialNormRatio: 1, seed: 11 }

export function equilibriumParams(o: { eta: Range, lambda: Range, d: number, steps: number, maxSteps: number, maxTail?: number, tail: number, every: number, initialNormRatio: number, seed: number }): Record<keyof EquilibriumConfig, NumberParam> {
  return {
    eta: { kind: 'number', scale: 'log', label: 'η', meaning: 'learning rate', ...o.eta },
    lambda: { kind: 'number', scale: 'log', label: 'λ', meaning: 'weight decay', ...o.lambda },
    // The default 2000 is the largest: a step's time grows with d, and the closed forms hold from a few hundred.
    d: { kind: 'integer', default: o.d, min: 2, max: 2000, label: 'd', meaning: 'entries of the scale-invariant weight w', cost: 'max' },
    steps: { kind: 'integer', default: o.steps, min: 10, max: o.maxSteps, label: 'steps', meaning: 'optimizer steps of the run', cost: 'max' },
    // Each step of the tail measures its angle (about half again a step's time); the equilibrium slide averages 10 000.
    tail: { kind: 'integer', default: o.tail, min: 1, max: o.maxTail ?? 10_000, label: 'tail', unit: 'steps', meaning: 'last steps over which the final angle and norm are averaged', cost: 'max' },
    // Every recorded point reads the weight back: one each step would triple the run's time.
    every: { kind: 'integer', default: o.every, min: 10, max: o.maxSteps, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points', cost: 'min' },
    initialNormRatio: { kind: 'number', default: o.initialNormRatio, min: 0.1, max: 10, scale: 'log', label: 'initial ‖w‖ / equilibrium ‖w‖', meaning: 'the start\'s norm as a multiple of the predicted equilibrium norm (1: start there)' },
    seed: seedParam(o.seed),
  }
}

/**
 * One optimizer on the scale-invariant weight, started at `initialNormRatio` times its predicted equilibrium norm and
 * measured against `theory`: the body every equilibrium experiment shares.
 */
export async function runEquilibrium<T extends string>(spec: {
  id: string
  label: string
  optimizer: OptimizerSettings
  config: Record<string, ParamValue> & EquilibriumConfig & { schedule?: EquilibriumSchedule }
  equilibriumNorm: number
  /** The equilibrium norm at another learning rate (the `targetNorm` series of a scheduled run). */
  equilibriumNormAt: (eta: number) => number
  theory: Record<T, number>
  hooks?: RunHooks<ScaleInvariantMetric, T>
}): Promise<ExperimentResult<ScaleInvariantMetric, T>> {
  const { config, theory } = spec
  // Constant: no schedule at all, so the run computes exactly what it did before schedules existed.
  const scheduled = config.schedule !== undefined && config.schedule !== 'constant'
  const schedule = scheduled ? createSchedule({ name: config.schedule!, total: config.steps, warmup: Math.ceil(config.steps / 10) }) : undefined
  const result = await runScaleInvariant({
    optimizer: schedule ? { ...spec.optimizer, schedule } : spec.optimizer,
    equilibriumNormAt: spec.equilibriumNormAt,
    run: { eta: config.eta, lambda: config.lambda },
    d: config.d,
    steps: config.steps,
    tail: config.tail,
    every: config.every,
    initialNorm: config.initialNormRatio * spec.equilibriumNorm,
    seed: config.seed,
  }, scaleInvariantCheckpoint(spec.hooks, [spec.label], config.steps, theory))
  return { id: spec.id, config, backend: tf.getBackend(), runs: [scaleInvariantRunResult(spec.label, result)], theory }
}

/**
 * The checks between fields every equilibrium experiment shares (its bounds check each field); messages start with
 * the field name.
 */
export function requireEquilibriumSchedule(config: EquilibriumConfig): void {
  if (!(config.eta * config.lambda < 1))
    throw new Error(`lambda: eta * lambda must be < 1, got ${config.eta * config.lambda}`)
  if (config.tail > config.steps)
    throw new Error(`tail: must be at most steps = ${config.steps}, got ${config.tail}`)
  if (config.every > config.steps)
    throw new Error(`every: must be at most steps = ${config.steps}, got ${config.every}`)
}
