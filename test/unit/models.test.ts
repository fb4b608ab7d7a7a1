import type { BatchedModel } from '../../src/core/models'
import { beforeAll, describe, expect, it } from 'vitest'
import { linearRegression, logisticRegression, mlp, reluUnit, softmaxRegression } from '../../src/core/models'
import { createRng, normalMatrix } from '../../src/core/random'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

const runs = 3
const m = 17
const d = 4

function batchFor(model: BatchedModel, seed: number) {
  const rng = createRng(seed)
  const x = tf.tensor2d(Array.from(normalMatrix(rng, m, d)), [m, d])
  let y: number[]
  if (model.task === 'regression')
    y = Array.from(normalMatrix(rng, m, 1))
  else if (model.task === 'binary')
    y = Array.from({ length: m }, () => (rng.uniform() < 0.5 ? 0 : 1))
  else
    y = Array.from({ length: m }, () => Math.floor(rng.uniform() * 3)).flatMap(k => [0, 1, 2].map(j => (j === k ? 1 : 0)))
  const targets = model.task === 'multiclass' ? 3 : 1
  const params = model.params.map(p => tf.tensor2d(Array.from(normalMatrix(rng, p.rows, runs, 0.7)), [p.rows, runs]))
  return { batch: { x, y: tf.tensor2d(y, [m, targets]) }, params }
}

const models: Array<[string, () => BatchedModel]> = [
  ['linear regression', () => linearRegression(d)],
  ['logistic regression', () => logisticRegression(d)],
  ['softmax regression', () => softmaxRegression(d, 3)],
  ['ReLU unit', () => reluUnit(d)],
  ['MLP tanh, binary', () => mlp({ inputs: d, hidden: 5, outputs: 1, activation: 'tanh', normalize: false, task: 'binary' })],
  ['MLP relu + norm, 3 classes', () => mlp({ inputs: d, hidden: 5, outputs: 3, activation: 'relu', normalize: true, task: 'multiclass' })],
]

describe('batched models', () => {
  it.each(models)('%s: the gradients equal autodiff of the summed per-run losses', (_, make) => {
    const model = make()
    const { batch, params } = batchFor(model, 5)
    const handWritten = model.gradients(params, batch)
    const autodiff = tf.grads((...ps: Parameters<BatchedModel['loss']>[0]) => tf.sum(model.loss(ps, batch)))(params)
    handWritten.forEach((g, i) => {
      expect(g.shape).toEqual(params[i].shape)
      const a = g.dataSync()
      const b = autodiff[i].dataSync()
      const scale = Math.max(1e-3, ...Array.from(b, Math.abs))
      a.forEach((v, j) => expect(Math.abs(v - b[j]) / scale).toBeLessThan(1e-4))
    })
    tf.dispose([...handWritten, ...autodiff, ...params, batch.x, batch.y])
  })

  it.each(models)('%s: a batch carrying x transposed gives the same gradients', (_, make) => {
    const model = make()
    const { batch, params } = batchFor(model, 21)
    const plain = model.gradients(params, batch)
    const withTranspose = model.gradients(params, { ...batch, xT: tf.transpose(batch.x) })
    plain.forEach((g, i) => g.dataSync().forEach((v, j) => expect(withTranspose[i].dataSync()[j]).toBeCloseTo(v, 6)))
  })

  it.each(models)('%s: runs are independent (run 1 alone gives the same loss and gradient)', (_, make) => {
    const model = make()
    const { batch, params } = batchFor(model, 9)
    const single = params.map(p => tf.slice(p, [0, 1], [p.shape[0], 1]))
    const lossAll = model.loss(params, batch).dataSync()
    const lossOne = model.loss(single, batch).dataSync()
    expect(lossOne[0]).toBeCloseTo(lossAll[1], 5)
    const gAll = model.gradients(params, batch)
    const gOne = model.gradients(single, batch)
    gOne.forEach((g, i) => {
      const column = tf.slice(gAll[i], [0, 1], [gAll[i].shape[0], 1]).dataSync()
      g.dataSync().forEach((v, j) => expect(v).toBeCloseTo(column[j], 5))
    })
  })

  it('the normalised MLP is scale-invariant in its first layer', () => {
    const model = mlp({ inputs: d, hidden: 5, outputs: 1, activation: 'tanh', normalize: true, task: 'binary' })
    const { batch, params } = batchFor(model, 13)
    const scaled = [tf.mul(params[0], 7.5), ...params.slice(1)]
    const a = model.loss(params, batch).dataSync()
    const b = model.loss(scaled, batch).dataSync()
    a.forEach((v, i) => expect(b[i]).toBeCloseTo(v, 4))
    // And its gradient is orthogonal to those weights, per run.
    const g = model.gradients(params, batch)[0]
    const dots = tf.sum(tf.mul(g, params[0]), 0).dataSync()
    const norms = tf.mul(tf.norm(g, 'euclidean', 0), tf.norm(params[0], 'euclidean', 0)).dataSync()
    dots.forEach((v, i) => expect(Math.abs(v) / norms[i]).toBeLessThan(1e-3))
  })
})
