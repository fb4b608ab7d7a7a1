/**
 * 'network-lambda-grid': small MLPs on 2-D data, one per lambda (lambda = 0 among them), from the same initial
 * weights and the same minibatch order: their decision fields side by side while they train, and train/test loss,
 * test accuracy and ||w|| against epochs. Noisy labels and a small training set make the lambda = 0 network overfit.
 */
import type { LabelledPoints } from '../core/mlp/batch'
import type { PlanarDataSet } from '../core/mlp/planar-data'
import type { OutputSpecs, PointsParam } from './declare'
import type { Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { accumulateEvaluation } from '../core/mlp/backprop'
import { createMlpBatch, loopsWarmUp } from '../core/mlp/batch'
import { createMlpField, fieldWarmUp } from '../core/mlp/field'
import { activations } from '../core/mlp/network'
import { flipLabels, planarDataSets, planarPoints } from '../core/mlp/planar-data'
import { mlpOptimizerNames } from '../core/mlp/update'
import { createSchedule, scheduleNames } from '../core/schedules'
import { defineExperiment, pointsValues, seedParam } from './declare'

type Metric = 'trainLoss' | 'testLoss' | 'testAccuracy' | 'trainAccuracy' | 'weightNorm' | 'lambda'

const outputs: OutputSpecs<Metric, never> = {
  metrics: {
    trainLoss: { label: 'training loss (mean logistic)' },
    testLoss: { label: 'test loss (mean logistic)' },
    testAccuracy: { label: 'test accuracy' },
    trainAccuracy: { label: 'training accuracy (noisy labels)' },
    weightNorm: { label: 'weight norm ||w|| (biases not included)' },
    lambda: { label: 'λ of the network' },
  },
  theory: {},
}

/** The square every field, every data set and every added point lives in. */
export const fieldBox = { xMin: -1.5, xMax: 1.5, yMin: -1.5, yMax: 1.5 }

const addedPoints: PointsParam = {
  kind: 'points',
  default: '',
  min: fieldBox.xMin,
  max: fieldBox.xMax,
  classes: 2,
  maxLength: 40,
  label: 'added points',
  meaning: 'training points added by clicking a field (class, x, y), on a 64 x 64 lattice over the field',
  cost: 'max',
}

/** What the view draws besides the series. */
export interface NetworkGridExtra {
  lambdas: number[]
  /** Training points as trained on (noisy labels, the added points last), and the clean test points. */
  train: LabelledPoints
  test: LabelledPoints
  /** Training points whose label the noise flipped. */
  flipped: Uint8Array
  /** Points added by the user (the last ones of `train`). */
  added: number
  box: typeof fieldBox
  /** P(class 1) of every network on a resolution x resolution grid over `box`, network after network (row-major, y up). */
  fields?: Float32Array
  resolution: number
  /** The epoch the fields belong to. */
  fieldEpoch: number
}

/**
 * Grid nodes per side of the fields: 100 x 100 unless one network's pass (the fields are computed one network per
 * pass) would exceed `budget` multiply-adds, then fewer, down to 40. With the default budget every shape inside the
 * bounds gets 100 (the finished fields); while the run goes, a quarter of it keeps each pass near 0.5 ms here.
 */
export function fieldResolution(hidden: readonly number[], budget = 6e6): number {
  const sizes = [2, ...hidden, 1]
  let perNode = 0
  for (let l = 1; l < sizes.length; l++)
    perNode += sizes[l - 1] * sizes[l]
  return Math.max(40, Math.min(100, Math.floor(Math.sqrt(budget / perNode))))
}

/**
 * Work of the scalar loops per piece between two checkpoints, in multiply-add equivalents: about 0.5 ms in Node
 * and 1-2 ms in Chromium here once compiled, ten times that in the first pieces (not yet compiled), so that no frame
 * runs long even at the start of the costliest corner. The pieces follow from the configuration alone (every window
 * cuts alike) and never change the arithmetic.
 */
const pieceWork = 3e5
/** Math.tanh costs about 30 multiply-adds here (measured, Node 20); ReLU about one. */
const activationWork = { tanh: 30, relu: 1 } as const

/** Multiply-add equivalents of one forward pass (`forward`) and of one forward and backward pass (`train`) of a point. */
export function pointWork(hidden: readonly number[], activation: keyof typeof activationWork): { forward: number, train: number } {
  const sizes = [2, ...hidden, 1]
  let macs = 0
  for (let l = 1; l < sizes.length; l++)
    macs += sizes[l - 1] * sizes[l]
  const units = activationWork[activation] * hidden.reduce((a, b) => a + b, 0)
  return { forward: macs + units, train: 3 * macs + units }
}

export function gridNodes(resolution: number): Float64Array {
  const out = new Float64Array(2 * resolution * resolution)
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      out[2 * (j * resolution + i)] = fieldBox.xMin + (fieldBox.xMax - fieldBox.xMin) * i / (resolution - 1)
      out[2 * (j * resolution + i) + 1] = fieldBox.yMin + (fieldBox.yMax - fieldBox.yMin) * j / (resolution - 1)
    }
  }
  return out
}

/** lambda = 0, then count - 1 log-spaced values from lambdaMin to lambdaMax. */
export function lambdaGrid(count: number, lambdaMin: number, lambdaMax: number): number[] {
  const rest = count - 1
  return [0, ...Array.from({ length: rest }, (_, k) => rest === 1 ? lambdaMax : lambdaMin * (lambdaMax / lambdaMin) ** (k / (rest - 1)))]
}

export const networkLambdaGridExperiment = defineExperiment({
  id: 'network-lambda-grid',
  description: 'Small MLPs on noisy 2-D data, one per lambda (0 among them), same start and minibatches: decision fields, train/test loss, test accuracy and ||w|| against epochs',
  purpose: 'Small neural networks, one per λ, on noisy 2-D data: the decision boundary gets smoother as λ grows, and the test accuracy is best in between. Try: another data set, more noise, click to add points.',
  params: {
    dataset: { kind: 'choice', default: 'moons', options: planarDataSets, label: 'data', meaning: 'the 2-D data set: circle, XOR, two moons or spiral' },
    noise: { kind: 'number', default: 0.15, min: 0, max: 0.4, step: 0.01, label: 'noise', meaning: 'probability that a training label is flipped (test labels stay clean)' },
    nTrain: { kind: 'integer', default: 50, min: 10, max: 250, label: 'n train', meaning: 'training points drawn (added points come on top)', cost: 'max' },
    nTest: { kind: 'integer', default: 250, min: 50, max: 500, label: 'n test', meaning: 'test points drawn from the same distribution', cost: 'max' },
    depth: { kind: 'integer', default: 2, min: 1, max: 3, label: 'depth', meaning: 'hidden layers of every network', cost: 'max' },
    width: { kind: 'integer', default: 12, min: 2, max: 16, label: 'width', meaning: 'units per hidden layer', cost: 'max' },
    activation: { kind: 'choice', default: 'tanh', options: activations, label: 'activation', meaning: 'activation of the hidden units (the output is a sigmoid)' },
    optimizer: { kind: 'choice', default: 'adamw', options: mlpOptimizerNames, label: 'optimizer', meaning: 'SGD and heavy ball (L2 in the gradient), Adam + L2, or AdamW (decoupled decay)' },
    lr: { kind: 'number', default: 0.01, min: 0.0003, max: 1, scale: 'log', step: 70, label: 'η', meaning: 'base learning rate (SGD wants about 0.3, Adam about 0.01)' },
    schedule: { kind: 'choice', default: 'constant', options: scheduleNames, label: 'schedule', meaning: 'learning-rate schedule over the run (warmup: the first 10 % of the updates; cosine down to 0)' },
    lambdaMin: { kind: 'number', default: 0.001, min: 0.00001, max: 10, scale: 'log', step: 50, label: 'λ min', meaning: 'smallest positive λ of the grid' },
    lambdaMax: { kind: 'number', default: 3, min: 0.00001, max: 10, scale: 'log', step: 50, label: 'λ max', meaning: 'largest λ of the grid (log-spaced from the smallest)' },
    count: { kind: 'integer', default: 6, min: 6, max: 8, label: 'networks', meaning: 'networks side by side: λ = 0 and count - 1 log-spaced values', cost: 'max' },
    epochs: { kind: 'integer', default: 300, min: 1, max: 500, label: 'epochs', meaning: 'passes over the training set (one per frame on the slide)', cost: 'max' },
    batchSize: { kind: 'integer', default: 10, min: 5, max: 50, label: 'minibatch', meaning: 'points per minibatch (the last one of an epoch takes the rest)', cost: 'min' },
    points: addedPoints,
    seed: seedParam(1),
  },
  outputs,
  prepare: () => [...fieldWarmUp(), ...loopsWarmUp()],
  check(config) {
    if (config.lambdaMax < config.lambdaMin)
      throw new Error(`lambdaMax: must be >= lambdaMin = ${config.lambdaMin}, got ${config.lambdaMax}`)
    if (config.batchSize > config.nTrain)
      throw new Error(`batchSize: must be <= nTrain = ${config.nTrain}, got ${config.batchSize}`)
  },
  async run(config, hooks) {
    const { dataset, noise, nTrain, nTest, depth, width, activation, optimizer, lr, schedule, count, epochs, batchSize, seed } = config
    const drawn = planarPoints(dataset as PlanarDataSet, nTrain + nTest, seed)
    const clean: LabelledPoints = { n: nTrain, x: drawn.x.slice(0, 2 * nTrain), y: drawn.y.slice(0, nTrain) }
    const noisy = flipLabels(clean, noise, seed)
    const added = pointsValues(addedPoints, config.points)
    const train: LabelledPoints = {
      n: nTrain + added.length,
      x: Float64Array.from([...noisy.x, ...added.flatMap(p => [p.x, p.y])]),
      y: Float64Array.from([...noisy.y, ...added.map(p => p.label)]),
    }
    const test: LabelledPoints = { n: nTest, x: drawn.x.slice(2 * nTrain), y: drawn.y.slice(nTrain) }
    const lambdas = lambdaGrid(count, config.lambdaMin, config.lambdaMax)
    const hidden = Array.from<number>({ length: depth }).fill(width)
    const updatesPerEpoch = Math.ceil(train.n / batchSize)
    const total = epochs * updatesPerEpoch
    const batch = createMlpBatch({
      shape: { inputs: 2, hidden, activation },
      runs: lambdas.map(lambda => ({ eta: lr, lambda })),
      optimizer: { name: optimizer },
      schedule: createSchedule({ name: schedule, total, warmup: schedule.startsWith('warmup') ? Math.ceil(total / 10) : 0 }),
      batchSize,
      train,
      seed,
    })
    const resolution = fieldResolution(hidden)
    const liveResolution = fieldResolution(hidden, 1.5e6)
    let field = createMlpField(batch.layout, count, gridNodes(liveResolution))
    const extra: NetworkGridExtra = { lambdas, train, test, flipped: Uint8Array.from(noisy.y, (v, i) => (v !== clean.y[i] ? 1 : 0)), added: added.length, box: fieldBox, resolution: liveResolution, fieldEpoch: 0 }
    const label = (l: number) => l === 0 ? 'λ = 0' : `λ = ${Number(l.toPrecision(2))}`
    const series = lambdas.map(() => ({ trainLoss: [] as Series, testLoss: [] as Series, testAccuracy: [] as Series, trainAccuracy: [] as Series, weightNorm: [] as Series }))
    const work = pointWork(hidden, activation)
    const updatesPerPiece = Math.max(1, Math.floor(pieceWork / (batchSize * count * work.train)))
    // The losses of every network on both sets cost more than the epoch's training at the costliest corner: taken
    // every epoch up to 300 epochs, every second one beyond (the curves keep 150-300 points), and at the end.
    const recordEvery = Math.ceil(epochs / 300)
    const pointsPerPiece = Math.max(1, Math.floor(pieceWork / work.forward))
    // Until the first epoch is done the loops run before the JIT has compiled them, several times slower: pieces of
    // an eighth (evaluation) and single updates (training) keep those first frames short.
    const piecePoints = () => batch.epochs === 0 ? Math.ceil(pointsPerPiece / 8) : pointsPerPiece

    // The fields cost more than an epoch: refreshed after the view asked for a snapshot, at most every 100 ms, on
    // a coarser grid for wide networks, one network per piece of work; without a view, at the end only. None of it
    // touches the training, so the pacing may follow the clock.
    let wanted = true
    let lastRefresh = Number.NEGATIVE_INFINITY
    /** The network whose field the refresh under way computes next; -1 when none is under way. */
    let refresh = -1
    let refreshEpoch = 0
    let logits = new Float32Array(count * liveResolution * liveResolution)
    const publishFields = (side: number) => {
      extra.fields = logits.map(z => 1 / (1 + Math.exp(-z)))
      extra.resolution = side
      extra.fieldEpoch = refreshEpoch
      lastRefresh = performance.now()
    }
    const snapshot = () => {
      wanted = true
      return {
        done: batch.epochs,
        total: epochs,
        runs: lambdas.map((l, b) => ({ label: label(l), series: series[b], diverged: batch.diverged[b] })),
        theory: {},
        extra: extra as unknown as Record<string, unknown>,
      }
    }
    /** Between two pieces: the checkpoint, then one network's field if a refresh is due (the start of a piece). */
    const pause = async () => {
      if (!hooks?.checkpoint)
        return
      await hooks.checkpoint(snapshot)
      if (refresh < 0 && wanted && performance.now() - lastRefresh >= 100) {
        wanted = false
        refresh = 0
        refreshEpoch = batch.epochs
      }
      if (refresh >= 0) {
        await field.evaluate(batch.params, logits, refresh, 1)
        if (++refresh === count) {
          publishFields(liveResolution)
          refresh = -1
        }
      }
    }
    const units = new Float64Array(batch.layout.units)
    /** Points the current piece may still evaluate. */
    let room = 0
    /** Mean loss and accuracy of network b on a set, in ranges of points with a pause wherever a piece is full. */
    const evaluate = async (set: LabelledPoints, b: number) => {
      const sums = { loss: 0, correct: 0 }
      for (let from = 0; from < set.n;) {
        if (room === 0) {
          await pause()
          room = piecePoints()
        }
        const to = Math.min(set.n, from + room)
        accumulateEvaluation(batch.layout, batch.params, b * batch.layout.size, set.x, set.y, from, to, units, sums)
        room -= to - from
        from = to
      }
      return { loss: sums.loss / set.n, accuracy: sums.correct / set.n }
    }
    const record = async () => {
      const t = batch.epochs
      room = piecePoints()
      const rows = []
      for (let b = 0; b < count; b++)
        rows.push({ onTrain: await evaluate(train, b), onTest: await evaluate(test, b) })
      const norms = batch.weightNorms()
      rows.forEach(({ onTrain, onTest }, b) => {
        series[b].trainLoss.push([t, onTrain.loss])
        series[b].testLoss.push([t, onTest.loss])
        series[b].testAccuracy.push([t, onTest.accuracy])
        series[b].trainAccuracy.push([t, onTrain.accuracy])
        series[b].weightNorm.push([t, norms[b]])
      })
    }
    try {
      // Set-up (data, the networks) is a piece of its own, and so is tfjs's first field pass (12-25 ms in Chromium
      // here whatever its size, the next ones 1-3 ms) when the slide has not done it already (`prepare`).
      await hooks?.checkpoint?.(snapshot)
      for (const step of fieldWarmUp([activation])) {
        await step()
        await hooks?.checkpoint?.(snapshot)
      }
      await pause()
      await record()
      for (let e = 1; e <= epochs; e++) {
        do
          await pause()
        while (!batch.advance(batch.epochs === 0 ? 1 : updatesPerPiece))
        if (e % recordEvery === 0 || e === epochs) {
          await pause()
          await record()
        }
      }
      // The finished fields, every network at the last epoch.
      refresh = -1
      refreshEpoch = batch.epochs
      if (resolution !== liveResolution) {
        field.dispose()
        field = createMlpField(batch.layout, count, gridNodes(resolution))
      }
      logits = new Float32Array(count * resolution * resolution)
      for (let b = 0; b < count; b++) {
        await hooks?.checkpoint?.(snapshot)
        await field.evaluate(batch.params, logits, b, 1)
      }
      publishFields(resolution)
      return {
        id: 'network-lambda-grid',
        config,
        backend: tf.getBackend(),
        runs: lambdas.map((l, b) => ({
          label: label(l),
          series: series[b],
          final: {
            trainLoss: series[b].trainLoss.at(-1)![1],
            testLoss: series[b].testLoss.at(-1)![1],
            testAccuracy: series[b].testAccuracy.at(-1)![1],
            trainAccuracy: series[b].trainAccuracy.at(-1)![1],
            weightNorm: series[b].weightNorm.at(-1)![1],
            lambda: l,
          },
          diverged: batch.diverged[b],
        })),
        theory: {},
        extra: extra as unknown as Record<string, unknown>,
      }
    }
    finally {
      field.dispose()
    }
  },
})
