/**
 * Small multi-layer perceptrons for 2-D classification, as flat typed arrays: the layout of one network's
 * parameters, its seeded initialisation and its forward pass. B networks of one shape sit side by side in one array,
 * network after network (each network's parameters contiguous: the cache-friendly order for the scalar loops).
 */
import type { Rng } from '../random'

export const activations = ['tanh', 'relu'] as const
export type Activation = typeof activations[number]

export interface MlpShape {
  /** Input features (2 for the plane). */
  inputs: number
  /** Units per hidden layer, input side first. */
  hidden: readonly number[]
  activation: Activation
}

/**
 * Where each parameter of one network lives. Layer l (1 .. L, L the output layer) has a weight matrix of
 * sizes[l-1] x sizes[l], row-major (W[i * out + j] from unit i below to unit j above), then sizes[l] biases.
 */
export interface MlpLayout {
  shape: MlpShape
  /** Units per layer: inputs, the hidden layers, 1 output (a logit). */
  sizes: number[]
  weightOffset: number[]
  biasOffset: number[]
  /** Where each layer's units start in a buffer of all units (activations, deltas). */
  unitOffset: number[]
  /** Parameters of one network. */
  size: number
  /** Units of all layers. */
  units: number
  /** 1 for a weight (decayed), 0 for a bias (never decayed). */
  decayed: Uint8Array
}

export function mlpLayout(shape: MlpShape): MlpLayout {
  if (!(Number.isInteger(shape.inputs) && shape.inputs >= 1))
    throw new Error(`inputs: must be an integer >= 1, got ${shape.inputs}`)
  shape.hidden.forEach((width, l) => {
    if (!(Number.isInteger(width) && width >= 1))
      throw new Error(`hidden[${l}]: must be an integer >= 1, got ${width}`)
  })
  const sizes = [shape.inputs, ...shape.hidden, 1]
  const weightOffset = [0]
  const biasOffset = [0]
  const unitOffset = [0]
  let size = 0
  for (let l = 1; l < sizes.length; l++) {
    weightOffset.push(size)
    size += sizes[l - 1] * sizes[l]
    biasOffset.push(size)
    size += sizes[l]
  }
  for (let l = 1; l < sizes.length; l++)
    unitOffset.push(unitOffset[l - 1] + sizes[l - 1])
  const decayed = new Uint8Array(size)
  for (let l = 1; l < sizes.length; l++)
    decayed.fill(1, weightOffset[l], biasOffset[l])
  return { shape, sizes, weightOffset, biasOffset, unitOffset, size, units: unitOffset.at(-1)! + 1, decayed }
}

/**
 * One network's initial parameters: weights N(0, g^2 / fan-in) with g = 1 for tanh and sqrt(2) for ReLU (He),
 * biases 0. Every network of a lambda grid starts from these same values.
 */
export function initialParameters(layout: MlpLayout, rng: Rng): Float64Array {
  const out = new Float64Array(layout.size)
  const gain = layout.shape.activation === 'relu' ? Math.SQRT2 : 1
  for (let l = 1; l < layout.sizes.length; l++) {
    const scale = gain / Math.sqrt(layout.sizes[l - 1])
    for (let k = layout.weightOffset[l]; k < layout.biasOffset[l]; k++)
      out[k] = scale * rng.normal()
  }
  return out
}

/**
 * Forward pass of the network whose parameters start at params[offset], for the point x[point * inputs ..]:
 * fills `units` (every layer's outputs, inputs first, see MlpLayout.unitOffset) and returns the output logit.
 */
export function forwardLogit(layout: MlpLayout, params: Float64Array, offset: number, x: Float64Array, point: number, units: Float64Array): number {
  const { sizes, weightOffset, biasOffset, unitOffset } = layout
  const relu = layout.shape.activation === 'relu'
  const inputs = sizes[0]
  for (let i = 0; i < inputs; i++)
    units[i] = x[point * inputs + i]
  const last = sizes.length - 1
  for (let l = 1; l <= last; l++) {
    const fanIn = sizes[l - 1]
    const fanOut = sizes[l]
    const below = unitOffset[l - 1]
    const here = unitOffset[l]
    const w = offset + weightOffset[l]
    const b = offset + biasOffset[l]
    // Every unit's sum over the inputs in the same order (bias first, then i = 0, 1, ...), but all units of the
    // layer at once: independent sums the CPU overlaps (about 2x faster here than one unit after another).
    for (let j = 0; j < fanOut; j++)
      units[here + j] = params[b + j]
    for (let i = 0; i < fanIn; i++) {
      const a = units[below + i]
      const row = w + i * fanOut
      for (let j = 0; j < fanOut; j++)
        units[here + j] += a * params[row + j]
    }
    if (l < last) {
      for (let j = here; j < here + fanOut; j++)
        units[j] = relu ? (units[j] > 0 ? units[j] : 0) : Math.tanh(units[j])
    }
  }
  return units[unitOffset[last]]
}

/** softplus(z) - y z: the logistic loss of logit z for label y in {0, 1}, stable for large |z|. */
export function logisticLoss(z: number, y: number): number {
  return Math.max(z, 0) + Math.log1p(Math.exp(-Math.abs(z))) - y * z
}

export function sigmoid(z: number): number {
  return z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z))
}
