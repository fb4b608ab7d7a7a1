import type { LabelledPoints } from '../../src/core/mlp/batch'
import type { MlpOptimizerName } from '../../src/core/mlp/update'
import { beforeAll, describe, expect, it } from 'vitest'
import { accumulateEvaluation } from '../../src/core/mlp/backprop'
import { createMlpBatch, loopsWarmUp } from '../../src/core/mlp/batch'
import { createMlpField, fieldWarmUp } from '../../src/core/mlp/field'
import { forwardLogit } from '../../src/core/mlp/network'
import { createRng } from '../../src/core/random'
import { createSchedule } from '../../src/core/schedules'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

/** XOR-like points: the label is the sign of x1 x2. */
function xor(n: number, seed: number): LabelledPoints {
  const rng = createRng(seed)
  const x = Float64Array.from({ length: 2 * n }, () => 2 * rng.uniform() - 1)
  return { n, x, y: Float64Array.from({ length: n }, (_, i) => (x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0)) }
}

const shape = { inputs: 2, hidden: [8, 8], activation: 'tanh' } as const

describe('the batched MLP engine', () => {
  it('gives every network of a grid the run it would have alone (same start, same minibatches)', () => {
    const train = xor(60, 1)
    const grid = createMlpBatch({ shape, runs: [{ eta: 0.1, lambda: 0 }, { eta: 0.1, lambda: 0.01 }], optimizer: { name: 'adamw' }, batchSize: 7, train, seed: 3 })
    const alone = createMlpBatch({ shape, runs: [{ eta: 0.1, lambda: 0.01 }], optimizer: { name: 'adamw' }, batchSize: 7, train, seed: 3 })
    for (let e = 0; e < 5; e++) {
      grid.epoch()
      alone.epoch()
    }
    expect(Array.from(grid.params.subarray(grid.layout.size))).toEqual(Array.from(alone.params))
    expect(grid.steps).toBe(5 * 9)
  })

  it.each(['sgd', 'momentum', 'adam-l2', 'adamw'] satisfies MlpOptimizerName[])('%s: learns XOR, and a larger lambda gives a smaller norm', (name) => {
    const train = xor(200, 2)
    const eta = name === 'sgd' ? 0.5 : name === 'momentum' ? 0.05 : 0.01
    const batch = createMlpBatch({ shape, runs: [0, 0.003, 0.03].map(lambda => ({ eta, lambda })), optimizer: { name }, batchSize: 10, train, seed: 1 })
    for (let e = 0; e < 60; e++)
      batch.epoch()
    const { accuracy } = batch.evaluate(train)
    expect(accuracy[0]).toBeGreaterThan(0.9)
    const norms = batch.weightNorms()
    expect(norms[1]).toBeLessThan(norms[0])
    expect(norms[2]).toBeLessThan(norms[1])
    expect(batch.diverged).toEqual([false, false, false])
  })

  it('never decays the biases: with a zero gradient only the weights shrink', () => {
    const train = { n: 1, x: Float64Array.from([0, 0]), y: Float64Array.from([1]) }
    const batch = createMlpBatch({ shape: { inputs: 2, hidden: [], activation: 'tanh' }, runs: [{ eta: 0.1, lambda: 1 }], optimizer: { name: 'sgd' }, batchSize: 1, train, seed: 1, init: Float64Array.from([1, 1, 0]) })
    batch.epoch()
    // x = 0: the weights get no loss gradient, only the decay; the bias moves by the loss gradient alone (p - y = -1/2).
    expect(Array.from(batch.params)).toEqual([0.9, 0.9, 0.05])
  })

  it('scales every step by the schedule (a zero-floor cosine of one update leaves a single full step)', () => {
    const train = xor(20, 4)
    const base = { shape, runs: [{ eta: 0.2, lambda: 0.1 }], optimizer: { name: 'sgd' as const }, batchSize: 20, train, seed: 5 }
    const constant = createMlpBatch(base)
    const warm = createMlpBatch({ ...base, schedule: createSchedule({ name: 'warmup', total: 10, warmup: 2 }) })
    constant.epoch()
    warm.epoch()
    const start = createMlpBatch(base).params
    // One full-batch SGD step: warmup's first factor 1/2 halves the move.
    warm.params.forEach((v, k) => expect(v - start[k]).toBeCloseTo((constant.params[k] - start[k]) / 2, 12))
  })

  it('freezes a diverging network and lets the others go on', () => {
    const train = xor(50, 6)
    const batch = createMlpBatch({ shape: { inputs: 2, hidden: [4], activation: 'relu' }, runs: [{ eta: 0.1, lambda: 0 }, { eta: 1e9, lambda: 0 }], optimizer: { name: 'sgd' }, batchSize: 5, train, seed: 2 })
    for (let e = 0; e < 3; e++)
      batch.epoch()
    expect(batch.diverged).toEqual([false, true])
    expect(Number.isFinite(batch.evaluate(train).loss[0])).toBe(true)
  })
})

describe('the warm-up of the training loops', () => {
  it('runs its steps once per page: afterwards there is nothing left to do', async () => {
    const steps = loopsWarmUp()
    expect(steps.length).toBe(20)
    for (const step of steps)
      await step()
    expect(loopsWarmUp()).toEqual([])
    // Steps handed out before it finished do nothing afterwards.
    await steps[0]()
    expect(loopsWarmUp()).toEqual([])
  })
})

describe('the batched decision field (one tfjs pass for every network)', () => {
  it.each([['tanh', [4, 2]], ['tanh', [8, 8, 8]], ['relu', [6, 3]], ['tanh', [5]]] as const)('%s %j: the logits of every network at every grid point', async (activation, hidden) => {
    const train = xor(40, 7)
    const batch = createMlpBatch({ shape: { inputs: 2, hidden, activation }, runs: [0, 0.01, 0.1].map(lambda => ({ eta: 0.05, lambda })), optimizer: { name: 'adamw' }, batchSize: 8, train, seed: 8 })
    for (let e = 0; e < 10; e++)
      batch.epoch()
    const points = Float64Array.from({ length: 2 * 400 }, (_, k) => -1.5 + 3 * ((k % 2 === 0 ? Math.floor(k / 2) % 20 : Math.floor(k / 40)) / 19))
    const before = tf.memory().numTensors
    const field = createMlpField(batch.layout, batch.runs, points)
    const logits = await field.evaluate(batch.params)
    field.dispose()
    expect(tf.memory().numTensors).toBe(before)
    const units = new Float64Array(batch.layout.units)
    let worst = 0
    for (let b = 0; b < batch.runs; b++) {
      for (let p = 0; p < 400; p++)
        worst = Math.max(worst, Math.abs(logits[b * 400 + p] - forwardLogit(batch.layout, batch.params, b * batch.layout.size, points, p, units)))
    }
    expect(worst).toBeLessThan(1e-4)
  })

  it('warms the field kernels once per backend and activation, leaving no tensor behind', async () => {
    const before = tf.memory().numTensors
    const steps = fieldWarmUp()
    expect(steps.length).toBeLessThanOrEqual(2)
    for (const step of steps)
      await step()
    expect(tf.memory().numTensors).toBe(before)
    // Done on this backend: a slide that prepares again, or a run that starts after it, has nothing left to do.
    expect(fieldWarmUp()).toEqual([])
    expect(fieldWarmUp(['relu'])).toEqual([])
  })

  it('evaluates a set in ranges of points to the same sums, bit for bit, as in one pass', () => {
    const train = xor(50, 4)
    const batch = createMlpBatch({ shape, runs: [{ eta: 0.1, lambda: 0 }, { eta: 0.1, lambda: 0.1 }], optimizer: { name: 'adamw' }, batchSize: 10, train, seed: 2 })
    batch.epoch()
    const units = new Float64Array(batch.layout.units)
    for (let b = 0; b < 2; b++) {
      const whole = batch.evaluateOne(train, b)
      const sums = { loss: 0, correct: 0 }
      for (const [from, to] of [[0, 7], [7, 8], [8, 31], [31, 50]])
        accumulateEvaluation(batch.layout, batch.params, b * batch.layout.size, train.x, train.y, from, to, units, sums)
      expect(sums.loss / train.n).toBe(whole.loss)
      expect(sums.correct / train.n).toBe(whole.accuracy)
    }
  })
})
