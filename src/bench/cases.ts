/**
 * The benchmark cases, shared by `npm run bench` in Node (scripts/bench.ts) and by the page it opens in Chromium
 * (bench/main.ts). Browser-safe: only tfjs-core and the framework-free core.
 *
 * Every case has a tfjs version and a plain Float64Array version of the same math over the same B runs, so a figure
 * can always be read as a ratio to the typed-array loop measured in the same process.
 */
import type { BackendName } from '../core/backend'
import * as tf from '@tensorflow/tfjs-core'
import { describeBackend, initBackend, resetBackendChoice } from '../core/backend'
import { mlp as mlpModel } from '../core/models'
import { createOptimizer } from '../core/optimizers'
import { createRng, normalMatrix } from '../core/random'
import { createRidgeTrainer, makeRidgeData, ridgeGdDefaults } from '../core/ridge'

// The MLP case differentiates with tf.variableGrads: each entry point registers the gradients its own way
// (tfjs-core's ESM gradient files load through Vite, not in plain Node).

export type CaseId = 'ridge' | 'adamw' | 'mlp'

/** One way to take training steps: tfjs or plain JS. */
export interface Stepper {
  /** Enqueues `count` steps of every run; reads nothing back. */
  step: (count: number) => void
  /** Resolves once the enqueued steps are done (tfjs: reads the weights back). */
  sync: () => Promise<void>
  /** The first parameter, run after run, to check that both versions compute the same thing. */
  weights: () => Promise<Float64Array>
  dispose: () => void
}

export interface BenchCase {
  id: CaseId
  label: string
  /** B: models trained at once. */
  runs: number
  core: () => Stepper
  plain: () => Stepper
}

export interface CaseResult {
  id: CaseId
  label: string
  runs: number
  backend: string
  /** describeBackend(): the backend in a few words. */
  backendLabel: string
  /** Model-steps per second (steps x B), median over the timed blocks. */
  core: number
  /** The plain Float64Array version, same B, same process, timed in alternation with the tfjs one. */
  plain: number
  /** Median of the block-by-block ratios tfjs/plain. */
  ratio: number
  /** Kernels dispatched by one step (tf.profile after warm-up). */
  kernels: number
  /** Tensors added across the timed blocks (0: flat). */
  growth: number
  /** Tensors left after dispose (0: none leaked). */
  leaked: number
  /** max |tfjs - plain| / max |plain| over the first parameter after a few steps: float32 against float64. */
  mismatch: number
  error?: string
}

export interface BenchReport {
  /** Where it ran: Node's version or the browser's user agent. */
  environment: string
  results: CaseResult[]
  /** Backends asked for that could not start, with the one tfjs fell back to. */
  unavailable: string[]
  /** Per-frame training time of each demo (Chromium only). */
  demos?: import('./demos').DemoFrames[]
  /** `--corners`: every experiment's live run at its defaults and at its worst corner. */
  corners?: import('./demos').CornerRun[]
}

export interface BenchOptions {
  /** Fewer and shorter timed blocks. */
  quick: boolean
  log?: (line: string) => void
}

declare global {
  interface Window {
    /** Set by bench/main.ts; scripts/bench.ts awaits it through Playwright. */
    __bench?: Promise<BenchReport>
    __benchLog?: (line: string) => void
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Ridge regression, X 20 x 200: r = X w - y, g = X^T r / n (+ lambda w), one column of w per run.

const ridgeData = () => makeRidgeData({ ...ridgeGdDefaults, n: 20, d: 200 })
const spread = (runs: number, top: number) => Array.from({ length: runs }, (_, i) => runs === 1 ? top / 2 : (top * i) / (runs - 1))

/** Batched ridge GD: the project's trainer against the same step in Float64Array. */
export function ridgeCase(runs: number): BenchCase {
  const data = ridgeData()
  const lambdas = spread(runs, 0.5)
  const eta = ridgeGdDefaults.eta
  return {
    id: 'ridge',
    label: 'ridge GD step',
    runs,
    core: () => {
      const trainer = createRidgeTrainer(data, { lambdas, eta })
      return {
        step: count => trainer.step(count),
        sync: async () => void await trainer.weights(),
        weights: async () => transpose(await trainer.weights(), data.d, runs),
        dispose: () => trainer.dispose(),
      }
    },
    plain: () => {
      const state = { ...plainRidge(data, runs), lambdas: Float64Array.from(lambdas), eta }
      return {
        step: count => ridgeSteps(state, count),
        sync: async () => {},
        weights: async () => Float64Array.from(state.w),
        dispose: () => {},
      }
    },
  }
}

interface PlainRidge {
  n: number
  d: number
  x: Float64Array
  y: Float64Array
  /** B x d, run after run. */
  w: Float64Array
  /** Scratch: residual (n) and gradient (d). */
  r: Float64Array
  g: Float64Array
}

function plainRidge(data: ReturnType<typeof ridgeData>, runs: number): PlainRidge {
  const { n, d, x, y } = data
  return { n, d, x, y, w: runMajor(data.w0, runs), r: new Float64Array(n), g: new Float64Array(d) }
}

// The plain steps are top-level functions taking their state as an argument: V8 sometimes compiles a closure over
// the same loops 2x faster (on-stack replacement specialised to the closure's constants) and sometimes not, which
// made the baseline jump between runs.
function ridgeSteps(s: PlainRidge & { lambdas: Float64Array, eta: number }, count: number): void {
  const { d, w, g, eta, lambdas } = s
  const runs = lambdas.length
  for (let t = 0; t < count; t++) {
    for (let b = 0; b < runs; b++) {
      const base = b * d
      ridgeGradient(s, base)
      const shrink = 1 - eta * lambdas[b]
      for (let j = 0; j < d; j++)
        w[base + j] = shrink * w[base + j] - eta * g[j]
    }
  }
}

/** [rows, cols] row-major to [cols, rows]: tfjs keeps one column per run, the plain loops one row per run. */
function transpose(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(a.length)
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++)
      out[j * rows + i] = a[i * cols + j]
  }
  return out
}

/** B copies of w0, run after run (each run's weights contiguous: the cache-friendly layout for a scalar loop). */
function runMajor(w0: Float64Array, runs: number): Float64Array {
  const w = new Float64Array(runs * w0.length)
  for (let b = 0; b < runs; b++)
    w.set(w0, b * w0.length)
  return w
}

/** g = X^T (X w - y) / n for the run whose weights start at w[base]. Row-wise, so X is read in order. */
function ridgeGradient(s: PlainRidge, base: number): void {
  const { n, d, x, y, w, r, g } = s
  for (let i = 0; i < n; i++) {
    let dot = -y[i]
    const row = i * d
    for (let j = 0; j < d; j++)
      dot += x[row + j] * w[base + j]
    r[i] = dot / n
  }
  g.fill(0)
  for (let i = 0; i < n; i++) {
    const ri = r[i]
    const row = i * d
    for (let j = 0; j < d; j++)
      g[j] += x[row + j] * ri
  }
}

// ---------------------------------------------------------------------------------------------------------------
// AdamW on the same ridge loss: the hand-written gradient, then the project's batched optimizer.

export function adamwCase(runs: number): BenchCase {
  const data = ridgeData()
  const lambdas = spread(runs, 0.1)
  const eta = 0.01
  const beta1 = 0.9
  const beta2 = 0.999
  const eps = 1e-8
  return {
    id: 'adamw',
    label: 'AdamW step',
    runs,
    core: () => {
      const { n, d } = data
      const x = tf.tensor2d(Float32Array.from(data.x), [n, d])
      // As the core's models do: a plain matMul with X^T, not transposeA (10x slower on wasm).
      const xT = tf.transpose(x)
      // Pre-tiled [n, B]: a same-shape subtraction, not a broadcast (slow on the cpu backend, performance.md).
      const y = tf.tidy(() => tf.tile(tf.tensor2d(Float32Array.from(data.y), [n, 1]), [1, runs]))
      // The initial value lives inside tidy, or it would outlive the variable as an orphan tensor.
      const w = tf.tidy(() => tf.variable(tf.tile(tf.tensor2d(Float32Array.from(data.w0), [d, 1]), [1, runs])))
      const invN = tf.scalar(1 / n)
      const optimizer = createOptimizer({ name: 'adamw', beta1, beta2, eps }, lambdas.map(lambda => ({ eta, lambda })), { size: d })
      return {
        step: (count) => {
          for (let t = 0; t < count; t++) {
            tf.tidy(() => {
              const residual = tf.sub(tf.matMul(x, w), y)
              optimizer.apply(w, tf.mul(tf.matMul(xT, residual), invN))
            })
          }
        },
        sync: async () => void await w.data(),
        weights: async () => transpose(Float64Array.from(await w.data()), data.d, runs),
        dispose: () => {
          tf.dispose([x, xT, y, w, invN])
          optimizer.dispose()
        },
      }
    },
    plain: () => {
      const state = { ...plainRidge(data, runs), m: new Float64Array(runs * data.d), v: new Float64Array(runs * data.d), t: 0, lambdas: Float64Array.from(lambdas), eta, beta1, beta2, eps }
      return {
        step: count => adamwSteps(state, count),
        sync: async () => {},
        weights: async () => Float64Array.from(state.w),
        dispose: () => {},
      }
    },
  }
}

interface PlainAdamw extends PlainRidge {
  m: Float64Array
  v: Float64Array
  t: number
  lambdas: Float64Array
  eta: number
  beta1: number
  beta2: number
  eps: number
}

function adamwSteps(s: PlainAdamw, count: number): void {
  const { d, w, g, m, v, lambdas, eta, beta1, beta2, eps } = s
  const runs = lambdas.length
  for (let t = 0; t < count; t++) {
    s.t++
    const c1 = 1 / (1 - beta1 ** s.t)
    const c2 = 1 / (1 - beta2 ** s.t)
    for (let b = 0; b < runs; b++) {
      const base = b * d
      ridgeGradient(s, base)
      const shrink = 1 - eta * lambdas[b]
      for (let j = 0; j < d; j++) {
        const k = base + j
        m[k] = beta1 * m[k] + (1 - beta1) * g[j]
        v[k] = beta2 * v[k] + (1 - beta2) * g[j] * g[j]
        w[k] = shrink * w[k] - eta * (m[k] * c1) / (Math.sqrt(v[k] * c2) + eps)
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// MLP 2-16-1 tanh, 200 points, full-batch SGD, B independent runs (own initialisation each).

const mlp = { inputs: 2, hidden: 16, points: 200, eta: 0.1, seed: 7 }

/** Points in [-1, 1]^2 labelled +-1 by quadrant (XOR), and one initialisation per run, all seeded. */
function mlpSetup(runs: number) {
  const { inputs, hidden, points, seed } = mlp
  const rng = createRng(seed)
  const x = new Float64Array(points * inputs)
  const y = new Float64Array(points)
  for (let p = 0; p < points; p++) {
    x[p * 2] = 2 * rng.uniform() - 1
    x[p * 2 + 1] = 2 * rng.uniform() - 1
    y[p] = x[p * 2] * x[p * 2 + 1] >= 0 ? 1 : -1
  }
  // Run-major: w1 [B, 2, H], w2 [B, H, 1]; biases start at 0.
  const w1 = normalMatrix(rng, runs, inputs * hidden, 1 / Math.sqrt(inputs))
  const w2 = normalMatrix(rng, runs, hidden, 1 / Math.sqrt(hidden))
  return { x, y, w1, w2 }
}

export function mlpCase(runs: number): BenchCase {
  const { inputs, hidden, points, eta } = mlp
  const setup = mlpSetup(runs)
  return {
    id: 'mlp',
    label: 'MLP 2-16-1 step',
    runs,
    core: () => {
      // The project's own model (src/core/models.ts): parameters [rows, B], column b = run b, autodiff gradients.
      const model = mlpModel({ inputs, hidden, outputs: 1, activation: 'tanh', normalize: false, task: 'regression' })
      // Run-major [B, rows] set-up values -> the model's [rows, B] layout.
      const columns = (values: Float64Array, rows: number) =>
        Float32Array.from({ length: rows * runs }, (_, i) => values[(i % runs) * rows + Math.floor(i / runs)])
      const batch = {
        x: tf.tensor2d(Float32Array.from(setup.x), [points, inputs]),
        y: tf.tensor2d(Float32Array.from(setup.y), [points, 1]),
      }
      const params = tf.tidy(() => [
        tf.variable(tf.tensor2d(columns(setup.w1, inputs * hidden), [inputs * hidden, runs])),
        tf.variable(tf.zeros([hidden, runs])),
        tf.variable(tf.tensor2d(columns(setup.w2, hidden), [hidden, runs])),
        tf.variable(tf.zeros([1, runs])),
      ])
      return {
        step: (count) => {
          for (let t = 0; t < count; t++) {
            tf.tidy(() => {
              const grads = model.gradients(params, batch)
              params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(grads[i], eta))))
            })
          }
        },
        sync: async () => void await params[0].data(),
        // Back to run-major for the comparison with the plain version.
        weights: async () => {
          const w = await params[0].data()
          const rows = inputs * hidden
          return Float64Array.from({ length: rows * runs }, (_, i) => w[(i % rows) * runs + Math.floor(i / rows)])
        },
        dispose: () => tf.dispose([batch.x, batch.y, ...params]),
      }
    },
    plain: () => {
      const state: PlainMlp = {
        x: setup.x,
        y: setup.y,
        w1: Float64Array.from(setup.w1),
        b1: new Float64Array(runs * hidden),
        w2: Float64Array.from(setup.w2),
        b2: new Float64Array(runs),
        h: new Float64Array(hidden),
        gw1: new Float64Array(inputs * hidden),
        gb1: new Float64Array(hidden),
        gw2: new Float64Array(hidden),
      }
      return {
        step: count => mlpSteps(state, count),
        sync: async () => {},
        weights: async () => Float64Array.from(state.w1),
        dispose: () => {},
      }
    },
  }
}

interface PlainMlp {
  x: Float64Array
  y: Float64Array
  /** Run after run: w1 B x 2 x H, b1 B x H, w2 B x H, b2 B. */
  w1: Float64Array
  b1: Float64Array
  w2: Float64Array
  b2: Float64Array
  /** Scratch: hidden activations and one run's gradients. */
  h: Float64Array
  gw1: Float64Array
  gb1: Float64Array
  gw2: Float64Array
}

/** Forward and hand-written backward pass, point by point, run by run. */
function mlpSteps(s: PlainMlp, count: number): void {
  const { inputs, hidden, points, eta } = mlp
  const { x, y, w1, b1, w2, b2, h, gw1, gb1, gw2 } = s
  const runs = b2.length
  for (let t = 0; t < count; t++) {
    for (let b = 0; b < runs; b++) {
      const o1 = b * inputs * hidden
      const o2 = b * hidden
      gw1.fill(0)
      gb1.fill(0)
      gw2.fill(0)
      let gb2 = 0
      for (let p = 0; p < points; p++) {
        const x0 = x[p * 2]
        const x1 = x[p * 2 + 1]
        let out = b2[b]
        for (let j = 0; j < hidden; j++) {
          h[j] = Math.tanh(x0 * w1[o1 + j] + x1 * w1[o1 + hidden + j] + b1[o2 + j])
          out += h[j] * w2[o2 + j]
        }
        const e = (out - y[p]) / points
        gb2 += e
        for (let j = 0; j < hidden; j++) {
          gw2[j] += e * h[j]
          const dh = e * w2[o2 + j] * (1 - h[j] * h[j])
          gw1[j] += x0 * dh
          gw1[hidden + j] += x1 * dh
          gb1[j] += dh
        }
      }
      for (let k = 0; k < inputs * hidden; k++)
        w1[o1 + k] -= eta * gw1[k]
      for (let j = 0; j < hidden; j++) {
        b1[o2 + j] -= eta * gb1[j]
        w2[o2 + j] -= eta * gw2[j]
      }
      b2[b] -= eta * gb2
    }
  }
}

/** The suite: ridge at B = 1, 64, 256, 1024; AdamW at 256; the MLP at 64. */
export function benchCases(): BenchCase[] {
  return [ridgeCase(1), ridgeCase(64), ridgeCase(256), ridgeCase(1024), adamwCase(256), mlpCase(64)]
}

// ---------------------------------------------------------------------------------------------------------------
// Timing.

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/** Seconds for `count` steps, the read-back at the end included. */
async function timeBlock(stepper: Stepper, count: number): Promise<number> {
  const start = performance.now()
  stepper.step(count)
  await stepper.sync()
  return (performance.now() - start) / 1000
}

/** Warm-up, then the number of steps that makes a block last about `seconds` (doubling from 1). */
async function calibrate(stepper: Stepper, seconds: number): Promise<number> {
  await timeBlock(stepper, 1)
  let count = 1
  let elapsed = await timeBlock(stepper, count)
  while (elapsed < seconds / 4 && count < 1 << 20) {
    count *= 2
    elapsed = await timeBlock(stepper, count)
  }
  count = Math.max(1, Math.round(count * seconds / Math.max(elapsed, 1e-6)))
  await timeBlock(stepper, count)
  return count
}

interface Measured {
  /** Model-steps per second, medians. */
  core: number
  plain: number
  /** Median of the block-by-block ratios core/plain. */
  ratio: number
  /** Tensors added across the timed blocks. */
  growth: number
}

/**
 * Times tfjs and plain JS in alternating blocks of about `seconds` each, after warm-up (shader compilation,
 * caches, JIT): whatever else loads the machine hits both alike, and the ratio is taken block by block.
 * Steps are enqueued back to back and read back once, at the end of a block.
 */
async function measure(core: Stepper, plain: Stepper, runs: number, options: BenchOptions): Promise<Measured> {
  const seconds = options.quick ? 0.06 : 0.2
  const reps = options.quick ? 3 : 7
  const coreCount = await calibrate(core, seconds)
  const plainCount = await calibrate(plain, seconds)
  const tensors = tf.memory().numTensors
  const coreRates: number[] = []
  const plainRates: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < reps; i++) {
    coreRates.push(runs * coreCount / await timeBlock(core, coreCount))
    plainRates.push(runs * plainCount / await timeBlock(plain, plainCount))
    ratios.push(coreRates[i] / plainRates[i])
  }
  return { core: median(coreRates), plain: median(plainRates), ratio: median(ratios), growth: tf.memory().numTensors - tensors }
}

/** Both versions from the same start, a few steps each, then the largest difference relative to the weights' scale. */
async function compare(spec: BenchCase): Promise<number> {
  const steps = 20
  const core = spec.core()
  const plain = spec.plain()
  try {
    core.step(steps)
    plain.step(steps)
    const [a, b] = await Promise.all([core.weights(), plain.weights()])
    let diff = 0
    let scale = 0
    for (let i = 0; i < b.length; i++) {
      diff = Math.max(diff, Math.abs(a[i] - b[i]))
      scale = Math.max(scale, Math.abs(b[i]))
    }
    return a.length === b.length ? diff / (scale || 1) : Number.NaN
  }
  finally {
    core.dispose()
    plain.dispose()
  }
}

async function measureCase(spec: BenchCase, options: BenchOptions): Promise<Omit<CaseResult, 'backend' | 'backendLabel' | 'leaked'>> {
  const mismatch = await compare(spec)
  const core = spec.core()
  const plain = spec.plain()
  try {
    const measured = await measure(core, plain, spec.runs, options)
    // Counted after warm-up, so one-off work (shader compilation, lazy set-up) is not in it.
    const profile = await tf.profile(() => core.step(1))
    await core.sync()
    return { id: spec.id, label: spec.label, runs: spec.runs, ...measured, kernels: profile.kernels.length, mismatch }
  }
  finally {
    core.dispose()
    plain.dispose()
  }
}

/**
 * Runs every case on each backend in turn, each next to its plain version. A backend that cannot start here is
 * listed in `unavailable` and skipped.
 */
export async function runSuite(environment: string, backends: readonly BackendName[], options: BenchOptions): Promise<BenchReport> {
  const log = options.log ?? (() => {})
  const results: CaseResult[] = []
  const unavailable: string[] = []
  for (const backend of backends) {
    resetBackendChoice()
    const active = await initBackend(backend)
    if (active !== backend) {
      unavailable.push(`${backend} (fell back to ${active})`)
      log(`${backend}: unavailable, fell back to ${active}`)
      continue
    }
    const backendLabel = describeBackend()
    for (const spec of benchCases()) {
      const before = tf.memory().numTensors
      let result: CaseResult
      try {
        result = { ...await measureCase(spec, options), backend, backendLabel, leaked: 0 }
      }
      catch (error) {
        const failed = { core: Number.NaN, plain: Number.NaN, ratio: Number.NaN, kernels: Number.NaN, growth: 0, mismatch: Number.NaN }
        result = { id: spec.id, label: spec.label, runs: spec.runs, backend, backendLabel, ...failed, leaked: 0, error: error instanceof Error ? error.message : String(error) }
      }
      result.leaked = tf.memory().numTensors - before
      results.push(result)
      const figures = `${Math.round(result.core)} model-steps/s, plain JS ${Math.round(result.plain)}`
      log(`${backendLabel}  ${spec.label}, B=${spec.runs}: ${result.error ? result.error : figures}`)
    }
  }
  return { environment, results, unavailable }
}
