/**
 * B small MLPs trained side by side: the same shape, the same initial weights and the same minibatch order, each
 * with its own learning rate and lambda (a lambda grid from one start). Per-minibatch steps run in plain
 * Float64Array loops with hand-written backprop: measured on this 2-core machine (Node, [2,8,8,1] tanh, 250 points,
 * minibatch 10), one epoch costs about 0.1 ms per network here against 13-18 ms through tfjs autodiff (95 kernels
 * per step). Float32Array buffers are no faster: the same loops on Float32Array (parameters, points, scratch) took
 * 6.2 and 8.2 ms per epoch plus losses of 8 [2,8,8,1] networks, against 6.2 and 8.8 ms on Float64Array (Node 20,
 * medians of 40, two runs each on this shared 2-core machine).
 */
import type { LearningRateSchedule } from '../schedules'
import type { MlpLayout, MlpShape } from './network'
import type { MlpOptimizerSettings } from './update'
import { createRng, deriveSeed } from '../random'
import { accumulateEvaluation, accumulateGradient, createScratch, evaluateNetwork } from './backprop'
import { activations, initialParameters, mlpLayout } from './network'
import { planarPoints } from './planar-data'
import { applyUpdate, createOptimizerState } from './update'

/** Points of the plane with labels 0/1 (as numbers). */
export interface LabelledPoints {
  n: number
  /** n x inputs, row-major. */
  x: Float64Array
  y: Float64Array
}

export interface MlpBatchConfig {
  shape: MlpShape
  /** One entry per network. */
  runs: ReadonlyArray<{ eta: number, lambda: number }>
  optimizer: MlpOptimizerSettings
  /** Factor on eta for update s (0-based). @default constant */
  schedule?: LearningRateSchedule
  /** Points per minibatch; the last one of an epoch takes what is left. */
  batchSize: number
  train: LabelledPoints
  seed: number
  /** One network's initial parameters, shared by all. @default initialParameters from the seed */
  init?: Float64Array
}

export interface MlpBatch {
  readonly layout: MlpLayout
  readonly runs: number
  /** Every network's parameters, network after network (layout.size each). Updated in place. */
  readonly params: Float64Array
  readonly epochs: number
  /** Updates taken by each network so far. */
  readonly steps: number
  /** Networks whose parameters stopped being finite: frozen from then on. */
  readonly diverged: readonly boolean[]
  /**
   * One pass over the training set in minibatches, the order reshuffled (seeded, shared by every network); after
   * `advance`, the rest of the current pass.
   */
  epoch: () => void
  /**
   * The same pass in pieces: at most `updates` minibatch updates of the current epoch (an epoch started by the
   * previous call goes on). True when this call finished the epoch. The arithmetic is the epoch's, however cut.
   */
  advance: (updates: number) => boolean
  /** Mean logistic loss and accuracy of every network on a set. */
  evaluate: (set: LabelledPoints) => { loss: Float64Array, accuracy: Float64Array }
  /** The same for network b alone. */
  evaluateOne: (set: LabelledPoints, b: number) => { loss: number, accuracy: number }
  /** ||w|| of every network: all weights, no biases. */
  weightNorms: () => Float64Array
}

export function createMlpBatch(config: MlpBatchConfig): MlpBatch {
  const layout = mlpLayout(config.shape)
  const { train, optimizer } = config
  const runs = config.runs.length
  if (runs < 1)
    throw new Error('runs: at least one network is needed')
  if (!(Number.isInteger(config.batchSize) && config.batchSize >= 1))
    throw new Error(`batchSize: must be an integer >= 1, got ${config.batchSize}`)
  if (train.x.length !== train.n * layout.sizes[0] || train.y.length !== train.n)
    throw new Error(`train: expected ${train.n} points of ${layout.sizes[0]} inputs and ${train.n} labels`)
  const rng = createRng(deriveSeed(config.seed, 'mlp'))
  const init = config.init ?? initialParameters(layout, rng)
  if (init.length !== layout.size)
    throw new Error(`init: expected ${layout.size} values, got ${init.length}`)
  const params = new Float64Array(runs * layout.size)
  for (let b = 0; b < runs; b++)
    params.set(init, b * layout.size)
  const state = createOptimizerState(optimizer, params.length)
  const grad = new Float64Array(layout.size)
  const scratch = createScratch(layout)
  const order = Int32Array.from({ length: train.n }, (_, i) => i)
  const diverged = Array.from<boolean>({ length: runs }).fill(false)
  let epochs = 0
  let steps = 0

  /** The next minibatch of the current epoch (0 = the epoch has not started: shuffle first). */
  let next = 0
  const advance = (updates: number) => {
    if (!(updates >= 1))
      throw new Error(`updates: must be >= 1, got ${updates}`)
    if (next === 0) {
      for (let i = train.n - 1; i > 0; i--) {
        const j = Math.floor(rng.uniform() * (i + 1))
        const swap = order[i]
        order[i] = order[j]
        order[j] = swap
      }
    }
    for (let u = 0; u < updates && next < train.n; u++, next += config.batchSize) {
      const count = Math.min(config.batchSize, train.n - next)
      const eta = config.schedule?.(steps) ?? 1
      steps++
      for (let b = 0; b < runs; b++) {
        if (diverged[b])
          continue
        grad.fill(0)
        accumulateGradient(layout, params, b * layout.size, train.x, train.y, order, next, count, grad, scratch)
        applyUpdate(optimizer, layout, params, b * layout.size, grad, state, eta * config.runs[b].eta, config.runs[b].lambda, steps)
      }
    }
    if (next < train.n)
      return false
    next = 0
    epochs++
    for (let b = 0; b < runs; b++) {
      for (let k = b * layout.size; k < (b + 1) * layout.size && !diverged[b]; k++)
        diverged[b] = !Number.isFinite(params[k]) || Math.abs(params[k]) > 1e6
    }
    return true
  }

  const evaluateOne = (set: LabelledPoints, b: number) => evaluateNetwork(layout, params, b * layout.size, set.x, set.y, set.n, scratch.units)
  const evaluate = (set: LabelledPoints) => {
    const loss = new Float64Array(runs)
    const accuracy = new Float64Array(runs)
    for (let b = 0; b < runs; b++) {
      const r = evaluateOne(set, b)
      loss[b] = r.loss
      accuracy[b] = r.accuracy
    }
    return { loss, accuracy }
  }

  const weightNorms = () => Float64Array.from({ length: runs }, (_, b) => {
    let sum = 0
    for (let k = 0; k < layout.size; k++) {
      if (layout.decayed[k])
        sum += params[b * layout.size + k] ** 2
    }
    return Math.sqrt(sum)
  })

  return {
    layout,
    runs,
    params,
    get epochs() { return epochs },
    get steps() { return steps },
    diverged,
    epoch: () => {
      advance(Number.POSITIVE_INFINITY)
    },
    advance,
    evaluate,
    evaluateOne,
    weightNorms,
  }
}

/** Warm-up steps still to run in this page (the loops stay compiled once they are). */
let warmSteps = 20
/** The warm-up's training set and networks, made by its first step and dropped after its last. */
let warm: { train: LabelledPoints, batches: MlpBatch[] } | undefined

/**
 * Short steps that run the training and evaluation loops on six [2,12,12,1] networks of each activation until the
 * JavaScript engine has compiled them. Before that, one update of six such networks costs 3-8 ms (Node and Chromium
 * here), after it 0.2 ms: a slide that runs these steps in idle time before it is shown keeps its first frames
 * short. 20 steps of 0.5-25 ms each, measured in Node; a fresh batch afterwards updates at the compiled speed.
 */
export function loopsWarmUp(): Array<() => Promise<void>> {
  return Array.from({ length: warmSteps }, () => async () => {
    if (warmSteps === 0)
      return
    if (!warm) {
      const train = planarPoints('moons', 50, 1)
      warm = { train, batches: activations.map(activation => createMlpBatch({ shape: { inputs: 2, hidden: [12, 12], activation }, runs: Array.from({ length: 6 }, (_, i) => ({ eta: 0.01, lambda: i / 10 })), optimizer: { name: 'adamw' }, batchSize: 10, train, seed: 1 })) }
    }
    const { train, batches } = warm
    const batch = batches[warmSteps % 2]
    batch.advance(4)
    accumulateEvaluation(batch.layout, batch.params, 0, train.x, train.y, 0, train.n, new Float64Array(batch.layout.units), { loss: 0, correct: 0 })
    if (--warmSteps === 0)
      warm = undefined
  })
}
