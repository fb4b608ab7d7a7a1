import type { Activation, MlpLayout } from '../../src/core/mlp/network'
import { beforeAll, describe, expect, it } from 'vitest'
import { accumulateGradient, createScratch } from '../../src/core/mlp/backprop'
import { forwardLogit, initialParameters, logisticLoss, mlpLayout } from '../../src/core/mlp/network'
import { createRng } from '../../src/core/random'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

/** A network with non-zero biases and a few labelled points, all seeded. */
function problem(hidden: number[], activation: Activation, n = 9) {
  const layout = mlpLayout({ inputs: 2, hidden, activation })
  const rng = createRng(11)
  const params = initialParameters(layout, rng)
  for (let l = 1; l < layout.sizes.length; l++) {
    for (let k = layout.biasOffset[l]; k < layout.biasOffset[l] + layout.sizes[l]; k++)
      params[k] = 0.3 * rng.normal()
  }
  const x = Float64Array.from({ length: 2 * n }, () => rng.normal())
  const y = Float64Array.from({ length: n }, () => (rng.uniform() < 0.5 ? 0 : 1))
  return { layout, params, x, y, n, order: Int32Array.from({ length: n }, (_, i) => i) }
}

function engineGradient(p: ReturnType<typeof problem>): Float64Array {
  const grad = new Float64Array(p.layout.size)
  accumulateGradient(p.layout, p.params, 0, p.x, p.y, p.order, 0, p.n, grad, createScratch(p.layout))
  return grad
}

function meanLoss(layout: MlpLayout, params: Float64Array, x: Float64Array, y: Float64Array, n: number): number {
  const units = new Float64Array(layout.units)
  let sum = 0
  for (let i = 0; i < n; i++)
    sum += logisticLoss(forwardLogit(layout, params, 0, x, i, units), y[i])
  return sum / n
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0
  let scale = 0
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]))
    scale = Math.max(scale, Math.abs(b[i]))
  }
  return diff / scale
}

const cases: Array<[number[], Activation]> = [[[4, 2], 'tanh'], [[8, 8], 'tanh'], [[3], 'relu'], [[5, 4, 3], 'relu'], [[16, 16, 16], 'tanh']]

describe('hand-written MLP gradients', () => {
  it.each(cases)('match tfjs autodiff, hidden %j, %s', (hidden, activation) => {
    const p = problem(hidden, activation)
    const { layout } = p
    const last = layout.sizes.length - 1
    const variables = [] as ReturnType<typeof tf.variable>[]
    for (let l = 1; l <= last; l++) {
      variables.push(tf.variable(tf.tensor2d(Float32Array.from(p.params.slice(layout.weightOffset[l], layout.biasOffset[l])), [layout.sizes[l - 1], layout.sizes[l]])))
      variables.push(tf.variable(tf.tensor1d(Float32Array.from(p.params.slice(layout.biasOffset[l], layout.biasOffset[l] + layout.sizes[l])))))
    }
    const x = tf.tensor2d(Float32Array.from(p.x), [p.n, 2])
    const y = tf.tensor2d(Float32Array.from(p.y), [p.n, 1])
    const { grads, value } = tf.variableGrads(() => {
      let h: ReturnType<typeof tf.add> = x
      for (let l = 1; l <= last; l++) {
        const z = tf.add(tf.matMul(h, variables[2 * (l - 1)]), variables[2 * (l - 1) + 1])
        h = l === last ? z : activation === 'tanh' ? tf.tanh(z) : tf.relu(z)
      }
      return tf.mean(tf.sub(tf.softplus(h), tf.mul(y, h))) as ReturnType<typeof tf.scalar>
    })
    const autodiff = new Float64Array(layout.size)
    variables.forEach((v, k) => {
      const l = Math.floor(k / 2) + 1
      autodiff.set(grads[v.name].dataSync(), k % 2 === 0 ? layout.weightOffset[l] : layout.biasOffset[l])
    })
    // tfjs computes in float32: agreement to a few float32 ulps of the largest entry.
    expect(relativeError(engineGradient(p), autodiff)).toBeLessThan(2e-5)
    expect(value.dataSync()[0]).toBeCloseTo(meanLoss(layout, p.params, p.x, p.y, p.n), 5)
    tf.dispose([x, y, value, ...variables, ...Object.values(grads)])
  })

  it.each(cases)('match central finite differences in float64, hidden %j, %s', (hidden, activation) => {
    const p = problem(hidden, activation)
    const h = 1e-6
    const numeric = Float64Array.from(p.params, (_, k) => {
      const plus = Float64Array.from(p.params)
      const minus = Float64Array.from(p.params)
      plus[k] += h
      minus[k] -= h
      return (meanLoss(p.layout, plus, p.x, p.y, p.n) - meanLoss(p.layout, minus, p.x, p.y, p.n)) / (2 * h)
    })
    expect(relativeError(engineGradient(p), numeric)).toBeLessThan(1e-7)
  })

  it('splits a batch into minibatches that add up (each scaled by its own count)', () => {
    const p = problem([4, 2], 'tanh', 10)
    const whole = engineGradient(p)
    const halves = new Float64Array(p.layout.size)
    const scratch = createScratch(p.layout)
    accumulateGradient(p.layout, p.params, 0, p.x, p.y, p.order, 0, 5, halves, scratch)
    accumulateGradient(p.layout, p.params, 0, p.x, p.y, p.order, 5, 5, halves, scratch)
    expect(relativeError(halves.map(v => v / 2), whole)).toBeLessThan(1e-12)
  })
})
