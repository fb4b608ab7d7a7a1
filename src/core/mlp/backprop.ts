/**
 * Hand-written backpropagation for the networks of network.ts: the gradient of the mean logistic loss over a
 * minibatch, point by point, in plain typed-array loops (tested against tfjs autodiff and finite differences).
 */
import type { MlpLayout } from './network'
import { forwardLogit, logisticLoss, sigmoid } from './network'

/** Per-point buffers of one network: every unit's output and its delta (dLoss/dz). */
export interface MlpScratch {
  units: Float64Array
  delta: Float64Array
}

export function createScratch(layout: MlpLayout): MlpScratch {
  return { units: new Float64Array(layout.units), delta: new Float64Array(layout.units) }
}

/**
 * Adds to grad (one network's layout.size entries, from grad[0]) the gradient of (1/count) sum of the logistic
 * losses of points order[start .. start + count), for the network at params[offset]. Returns the summed loss.
 */
export function accumulateGradient(
  layout: MlpLayout,
  params: Float64Array,
  offset: number,
  x: Float64Array,
  y: Float64Array,
  order: Int32Array,
  start: number,
  count: number,
  grad: Float64Array,
  scratch: MlpScratch,
): number {
  const { sizes, weightOffset, biasOffset, unitOffset } = layout
  const relu = layout.shape.activation === 'relu'
  const { units, delta } = scratch
  const last = sizes.length - 1
  const scale = 1 / count
  let loss = 0
  for (let k = start; k < start + count; k++) {
    const point = order[k]
    const z = forwardLogit(layout, params, offset, x, point, units)
    loss += logisticLoss(z, y[point])
    delta[unitOffset[last]] = (sigmoid(z) - y[point]) * scale
    for (let l = last; l >= 1; l--) {
      const fanIn = sizes[l - 1]
      const fanOut = sizes[l]
      const below = unitOffset[l - 1]
      const here = unitOffset[l]
      const w = weightOffset[l]
      const b = biasOffset[l]
      for (let j = 0; j < fanOut; j++)
        grad[b + j] += delta[here + j]
      for (let i = 0; i < fanIn; i++) {
        const a = units[below + i]
        let back = 0
        for (let j = 0; j < fanOut; j++) {
          const d = delta[here + j]
          grad[w + i * fanOut + j] += a * d
          back += params[offset + w + i * fanOut + j] * d
        }
        // The inputs need no delta.
        if (l > 1)
          delta[below + i] = relu ? (a > 0 ? back : 0) : back * (1 - a * a)
      }
    }
  }
  return loss
}

/** Running sums of an evaluation: logistic losses and correct predictions so far. */
export interface EvaluationSums {
  loss: number
  correct: number
}

/**
 * Adds to `sums` the logistic losses and correct predictions (P >= 0.5 as class 1) of points from .. to - 1 for the
 * network at params[offset]. A set evaluated in consecutive ranges gets the sums of one pass, bit for bit.
 */
export function accumulateEvaluation(layout: MlpLayout, params: Float64Array, offset: number, x: Float64Array, y: Float64Array, from: number, to: number, units: Float64Array, sums: EvaluationSums): void {
  let loss = sums.loss
  let correct = sums.correct
  for (let p = from; p < to; p++) {
    const z = forwardLogit(layout, params, offset, x, p, units)
    loss += logisticLoss(z, y[p])
    if ((z >= 0 ? 1 : 0) === y[p])
      correct++
  }
  sums.loss = loss
  sums.correct = correct
}

/** Mean logistic loss and accuracy (P >= 0.5 as class 1) of the network at params[offset] on n points. */
export function evaluateNetwork(layout: MlpLayout, params: Float64Array, offset: number, x: Float64Array, y: Float64Array, n: number, units: Float64Array): { loss: number, accuracy: number } {
  const sums = { loss: 0, correct: 0 }
  accumulateEvaluation(layout, params, offset, x, y, 0, n, units, sums)
  return { loss: sums.loss / Math.max(1, n), accuracy: sums.correct / Math.max(1, n) }
}
