import { beforeAll, describe, expect, it } from 'vitest'
import { classification2d, d2lRegression } from '../../src/core/datasets'
import { linearRegression, logisticRegression } from '../../src/core/models'
import { ridgeSolution } from '../../src/core/theory'
import { createTrainer } from '../../src/core/trainer'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

/** A small regression set with centred columns and targets, so the unpenalised bias is exactly 0 at the optimum. */
function centredRegression() {
  const { train } = d2lRegression({ seed: 3, nTrain: 40, nTest: 10, d: 6, noise: 0.5 })
  const { n, d } = train
  const x = Float64Array.from(train.x)
  for (let j = 0; j < d; j++) {
    let mean = 0
    for (let i = 0; i < n; i++) mean += x[i * d + j] / n
    for (let i = 0; i < n; i++) x[i * d + j] -= mean
  }
  const yMean = train.y.reduce((s, v) => s + v, 0) / n
  const y = train.y.map(v => v - yMean)
  // Make the targets depend on x so the fit is not trivial.
  for (let i = 0; i < n; i++) y[i] += x[i * d] - 0.5 * x[i * d + 1]
  return { n, d, x, y }
}

function separable() {
  const set = classification2d('separable', { seed: 4, n: 100 })
  return { n: set.n, d: set.d, x: set.x, y: Float64Array.from(set.labels) }
}

describe('the batched trainer', () => {
  it('converges to the closed-form ridge solution for each lambda of the batch (check 2)', async () => {
    const train = centredRegression()
    const lambdas = [0, 0.1, 1]
    const trainer = createTrainer({ model: linearRegression(train.d), optimizer: { name: 'sgd' }, runs: lambdas.map(lambda => ({ eta: 0.1, lambda })), train, seed: 1 })
    trainer.step(3000)
    const w = await trainer.parameter('w')
    lambdas.forEach((lambda, run) => {
      const exact = ridgeSolution(train.x, train.n, train.d, train.y, lambda)
      const got = Array.from({ length: train.d }, (_, j) => w[j * lambdas.length + run])
      const error = Math.hypot(...got.map((v, j) => v - exact[j])) / Math.hypot(...exact)
      expect(error).toBeLessThan(1e-4)
    })
    trainer.dispose()
  })

  it('gives identical numbers for the same seed, minibatches included', async () => {
    const train = centredRegression()
    const once = async () => {
      const trainer = createTrainer({ model: linearRegression(train.d), optimizer: { name: 'adamw' }, runs: [{ eta: 0.01, lambda: 0.1 }], train, batchSize: 5, seed: 7 })
      trainer.step(50)
      const w = Array.from(await trainer.parameter('w'))
      trainer.dispose()
      return w
    }
    expect(await once()).toEqual(await once())
  })

  it('flags and freezes a diverging run while the others go on', async () => {
    const train = centredRegression()
    const trainer = createTrainer({ model: linearRegression(train.d), optimizer: { name: 'sgd' }, runs: [{ eta: 0.1 }, { eta: 50 }], train, seed: 1 })
    trainer.step(100)
    const first = await trainer.metrics()
    expect(first.diverged).toEqual([false, true])
    const frozenW = await trainer.parameter('w')
    trainer.step(10)
    const tensors = tf.memory().numTensors
    trainer.step(200)
    expect(tf.memory().numTensors).toBe(tensors)
    const second = await trainer.metrics()
    expect(second.diverged).toEqual([false, true])
    const laterW = await trainer.parameter('w')
    // The diverged column (odd entries) no longer changes; the healthy one keeps improving.
    for (let j = 1; j < laterW.length; j += 2)
      expect(Object.is(laterW[j], frozenW[j]) || laterW[j] === frozenW[j]).toBe(true)
    expect(second.trainLoss[0]).toBeLessThan(first.trainLoss[0])
    expect(Number.isFinite(second.trainLoss[0])).toBe(true)
    trainer.dispose()
  })

  it('rejects an invalid configuration with a message naming the field', () => {
    const train = centredRegression()
    const model = linearRegression(train.d)
    expect(() => createTrainer({ model, optimizer: { name: 'sgd' }, runs: [{ eta: 0.1, lambda: -1 }], train, seed: 1 })).toThrow(/lambda/)
    expect(() => createTrainer({ model, optimizer: { name: 'sgd' }, runs: [{ eta: 0.1 }], train, batchSize: 0, seed: 1 })).toThrow(/batchSize/)
    expect(() => createTrainer({ model, optimizer: { name: 'sgd' }, runs: [{ eta: 0.1 }], train, batchSize: 1000, seed: 1 })).toThrow(/batchSize/)
    expect(() => createTrainer({ model, optimizer: { name: 'rmsprop' as 'sgd' }, runs: [{ eta: 0.1 }], train, seed: 1 })).toThrow(/optimizer/)
  })

  it('leaks no tensors: as many after 10,000 steps as after 10, and none after dispose', async () => {
    const train = centredRegression()
    const before = tf.memory().numTensors
    const trainer = createTrainer({ model: linearRegression(train.d), optimizer: { name: 'adamw' }, runs: [{ eta: 0.01, lambda: 0.1 }, { eta: 100, lambda: 0 }], train, batchSize: 8, seed: 2 })
    trainer.step(10)
    await trainer.metrics()
    const after10 = tf.memory().numTensors
    for (let k = 0; k < 100; k++) {
      trainer.step(100)
      await trainer.metrics()
    }
    expect(trainer.stepsTaken).toBe(10_010)
    expect(tf.memory().numTensors).toBe(after10)
    trainer.dispose()
    expect(tf.memory().numTensors).toBe(before)
  })

  it('leaves the bias undecayed by default and decays it when asked', async () => {
    const train = centredRegression()
    const shifted = { ...train, y: train.y.map(v => v + 5) }
    const bias = async (decayBias: boolean) => {
      const trainer = createTrainer({ model: linearRegression(train.d), optimizer: { name: 'sgd' }, runs: [{ eta: 0.1, lambda: 1 }], train: shifted, seed: 1, decayBias })
      trainer.step(1000)
      const b = (await trainer.parameter('b'))[0]
      trainer.dispose()
      return b
    }
    // Centred inputs: the unpenalised bias is the target mean, 5; penalised, it shrinks to 5 / (1 + lambda).
    expect(await bias(false)).toBeCloseTo(5, 3)
    expect(await bias(true)).toBeCloseTo(2.5, 3)
  })

  it('counts exact zeros under the l1 proximal step', async () => {
    const train = centredRegression()
    const trainer = createTrainer({ model: linearRegression(train.d), optimizer: { name: 'ista' }, runs: [{ eta: 0.1, l1: 0 }, { eta: 0.1, l1: 0.3 }], train, seed: 1 })
    trainer.step(2000)
    const { zeros } = await trainer.metrics()
    expect(zeros[0]).toBe(0)
    expect(zeros[1]).toBeGreaterThan(0)
    trainer.dispose()
  })

  it('logistic regression on separable data: the norm grows like log t without decay, and settles with it (check 8)', async () => {
    const train = separable()
    const trainer = createTrainer({ model: logisticRegression(2), optimizer: { name: 'sgd' }, runs: [{ eta: 1, lambda: 0 }, { eta: 1, lambda: 0.05 }], train, seed: 1 })
    const norms: number[][] = []
    const maxProbability: number[][] = []
    for (const t of [100, 1000, 10_000]) {
      trainer.step(t - trainer.stepsTaken)
      const m = await trainer.metrics()
      norms.push(Array.from(m.weightNorm))
      maxProbability.push(Array.from(m.maxProbability!))
    }
    // Without decay: grows by about the same amount per decade of steps.
    const growth1 = norms[1][0] - norms[0][0]
    const growth2 = norms[2][0] - norms[1][0]
    expect(growth1).toBeGreaterThan(0.3)
    expect(growth2 / growth1).toBeGreaterThan(0.5)
    expect(growth2 / growth1).toBeLessThan(2)
    // With decay: converged, and the largest training probability stays below 1.
    expect(Math.abs(norms[2][1] - norms[1][1]) / norms[2][1]).toBeLessThan(1e-3)
    expect(maxProbability[2][1]).toBeLessThan(1)
    expect(Math.abs(maxProbability[2][1] - maxProbability[1][1])).toBeLessThan(1e-6)
    // Without decay the confidence goes to 1 (in float32 it reaches it).
    expect(maxProbability[2][0]).toBeGreaterThanOrEqual(maxProbability[1][0])
    expect(maxProbability[2][0]).toBeGreaterThan(1 - 1e-6)
    expect(maxProbability[2][0]).toBeGreaterThan(maxProbability[2][1])
    trainer.dispose()
  })
})
