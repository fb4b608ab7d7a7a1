import { beforeAll, describe, expect, it } from 'vitest'
import { createRidgeTrainer, makeRidgeData, ridgeGdDefaults, ridgeObjective, ridgeSolution } from '../../src/core/ridge'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

const config = { ...ridgeGdDefaults, lambdas: [0, 0.1, 0.5, 2] }
const data = makeRidgeData(config)
const column = (w: Float64Array, run: number, runs: number) => Array.from({ length: data.d }, (_, j) => w[j * runs + run])

describe('ridge by gradient descent', () => {
  it('converges to the closed-form ridge solution for every lambda of the batch', async () => {
    const trainer = createRidgeTrainer(data, config)
    trainer.step(4000)
    const w = await trainer.weights()
    config.lambdas.forEach((lambda, run) => {
      const exact = ridgeSolution(data, lambda)
      const got = column(w, run, config.lambdas.length)
      const error = Math.hypot(...got.map((v, j) => v - exact[j])) / Math.hypot(...exact)
      expect(error).toBeLessThan(1e-4)
    })
    trainer.dispose()
  })

  it('reports the objective the float64 reference computes', async () => {
    const trainer = createRidgeTrainer(data, config)
    trainer.step(7)
    const [metrics, w] = await Promise.all([trainer.metrics(), trainer.weights()])
    expect(metrics.step).toBe(7)
    config.lambdas.forEach((lambda, run) => {
      const reference = ridgeObjective(data, column(w, run, config.lambdas.length), lambda)
      expect(metrics.objective[run]).toBeCloseTo(reference, 4)
    })
    trainer.dispose()
  })

  it('takes the step tfjs autodiff takes', async () => {
    const lambda = 0.3
    const trainer = createRidgeTrainer(data, { lambdas: [lambda], eta: config.eta })
    trainer.step(1)
    const handWritten = await trainer.weights()
    trainer.dispose()

    const autodiff = tf.tidy(() => {
      const x = tf.tensor2d(Array.from(data.x), [data.n, data.d])
      const y = tf.tensor2d(Array.from(data.y), [data.n, 1])
      const w0 = tf.tensor2d(Array.from(data.w0), [data.d, 1])
      const objective = (w: Parameters<typeof tf.matMul>[1]) => tf.add(
        tf.div(tf.sum(tf.square(tf.sub(tf.matMul(x, w), y))), 2 * data.n),
        tf.mul(lambda / 2, tf.sum(tf.square(w))),
      )
      const gradient = tf.grad(objective)(w0)
      return tf.sub(w0, tf.mul(config.eta, gradient)).dataSync()
    })
    Array.from(handWritten).forEach((v, j) => expect(v).toBeCloseTo(autodiff[j], 5))
  })

  it('lowers the objective step by step and ends near the closed-form minimum', async () => {
    const trainer = createRidgeTrainer(data, { lambdas: [0.5], eta: config.eta })
    const start = (await trainer.metrics()).objective[0]
    trainer.step(ridgeGdDefaults.steps)
    const end = (await trainer.metrics()).objective[0]
    const minimum = ridgeObjective(data, ridgeSolution(data, 0.5), 0.5)
    expect(end).toBeLessThan(start / 2)
    expect((end - minimum) / minimum).toBeLessThan(1e-3)
    trainer.dispose()
  })

  it('gives identical numbers for the same seed', async () => {
    const run = async () => {
      const trainer = createRidgeTrainer(makeRidgeData(config), config)
      trainer.step(25)
      const w = await trainer.weights()
      trainer.dispose()
      return Array.from(w)
    }
    expect(await run()).toEqual(await run())
  })

  it('leaks no tensors', async () => {
    const start = tf.memory().numTensors
    const trainer = createRidgeTrainer(data, config)
    trainer.step(10)
    await trainer.metrics()
    const after10 = tf.memory().numTensors
    trainer.step(2000)
    await trainer.metrics()
    await trainer.weights()
    expect(tf.memory().numTensors).toBe(after10)
    trainer.dispose()
    expect(tf.memory().numTensors).toBe(start)
  })

  it('rejects an invalid configuration with a message naming the field', () => {
    expect(() => createRidgeTrainer(data, { lambdas: [0.1, -1], eta: 0.1 })).toThrow(/lambdas\[1\]/)
    expect(() => createRidgeTrainer(data, { lambdas: [Number.NaN], eta: 0.1 })).toThrow(/lambdas\[0\]/)
    expect(() => createRidgeTrainer(data, { lambdas: [], eta: 0.1 })).toThrow(/lambdas/)
    expect(() => createRidgeTrainer(data, { lambdas: [0.1], eta: 0 })).toThrow(/eta/)
  })
})
