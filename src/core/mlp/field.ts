/**
 * The decision fields of B networks over a fixed set of points (a 100 x 100 grid) in batched tfjs passes: the
 * networks of a group side by side as column blocks, one fused matMul (bias and activation included) per layer for
 * the group, the grid uploaded once and never copied (no Tile), only the logits read back.
 *
 * tanh runs as a sigmoid, tanh(z) = 2 sigmoid(2z) - 1, with the factors folded into the next layer's weights:
 * measured here (Node, wasm SIMD, 640k elements) tanh costs 17-20 ms, sigmoid 3 ms. Layers after the first are
 * block-diagonal 2-D matMuls (zeros off the blocks): wasm's 2-D matMul is 7.4 ms for 8 blocks of 8, its batched
 * [B, N, H] x [B, H, H] matMul 16 ms for the same product. The zeros cost group-size times the useful work, so a
 * caller may pass smaller groups (one pass each) to bound both the work and the time of each pass.
 */
import type { Activation, MlpLayout } from './network'
import * as tf from '@tensorflow/tfjs-core'
import { mlpLayout } from './network'

export interface MlpField {
  /**
   * Output logits of networks first .. first + count - 1 (default: all) at every point, written network after
   * network into `out` ([B, N] row-major, network b at b * N), which is returned.
   */
  evaluate: (params: Float64Array, out?: Float32Array, first?: number, count?: number) => Promise<Float32Array>
  dispose: () => void
}

interface FoldedLayer {
  /** [count * fanIn, count * fanOut], block-diagonal after the first layer. */
  weights: Float32Array
  bias: Float32Array
  rows: number
  cols: number
}

/**
 * Each layer's weights of networks first .. first + count - 1 for the column-block layout, with the tanh -> sigmoid
 * factors folded in: a hidden unit computes s = sigmoid(2 z) where z is its tanh pre-activation, and the layer above
 * reads tanh = 2 s - 1.
 */
function foldLayers(layout: MlpLayout, first: number, count: number, params: Float64Array): FoldedLayer[] {
  const { sizes, weightOffset, biasOffset, size } = layout
  const tanh = layout.shape.activation === 'tanh'
  const last = sizes.length - 1
  const out: FoldedLayer[] = []
  for (let l = 1; l <= last; l++) {
    const fanIn = sizes[l - 1]
    const fanOut = sizes[l]
    // The first layer shares its input (the grid) across networks; the others read their own block.
    const rows = l === 1 ? fanIn : count * fanIn
    const cols = count * fanOut
    const weights = new Float32Array(rows * cols)
    const bias = new Float32Array(cols)
    // Input side: tanh below means the input is 2 s - 1 (factor 2 on W, minus the column sum on b).
    const inScale = tanh && l > 1 ? 2 : 1
    // Output side: a tanh unit feeds 2 z to its sigmoid; the output logit stays as it is.
    const outScale = tanh && l < last ? 2 : 1
    for (let c = 0; c < count; c++) {
      const net = (first + c) * size
      const w = net + weightOffset[l]
      const rowBase = l === 1 ? 0 : c * fanIn
      for (let j = 0; j < fanOut; j++) {
        let shift = params[net + biasOffset[l] + j]
        for (let i = 0; i < fanIn; i++) {
          const value = params[w + i * fanOut + j]
          weights[(rowBase + i) * cols + c * fanOut + j] = outScale * inScale * value
          if (tanh && l > 1)
            shift -= value
        }
        bias[c * fanOut + j] = outScale * shift
      }
    }
    out.push({ weights, bias, rows, cols })
  }
  return out
}

/** A field evaluator for `runs` networks of one layout at the points (n x inputs, row-major). */
export function createMlpField(layout: MlpLayout, runs: number, points: Float64Array): MlpField {
  const inputs = layout.sizes[0]
  const n = points.length / inputs
  const grid = tf.tensor2d(Float32Array.from(points), [n, inputs])
  const hidden = layout.shape.activation === 'tanh' ? 'sigmoid' : 'relu'
  const evaluate = async (params: Float64Array, out: Float32Array = new Float32Array(runs * n), first = 0, count = runs - first) => {
    if (!(Number.isInteger(first) && Number.isInteger(count) && first >= 0 && count >= 1 && first + count <= runs))
      throw new Error(`count: networks ${first} .. ${first + count - 1} are not among the ${runs}`)
    const layers = foldLayers(layout, first, count, params)
    const logits = tf.tidy(() => layers.reduce<tf.Tensor>((below, layer, k) => tf.fused.matMul({
      a: below as tf.Tensor2D,
      b: tf.tensor2d(layer.weights, [layer.rows, layer.cols]),
      bias: tf.tensor1d(layer.bias),
      activation: k === layers.length - 1 ? 'linear' : hidden,
    }), grid))
    const values = await logits.data() as Float32Array
    logits.dispose()
    // [N, count] -> [B, N]: each network's field contiguous, as a view draws it.
    if (count === 1) {
      out.set(values, first * n)
      return out
    }
    for (let p = 0; p < n; p++) {
      for (let c = 0; c < count; c++)
        out[(first + c) * n + p] = values[p * count + c]
    }
    return out
  }
  return { evaluate, dispose: () => grid.dispose() }
}

/** Backend and hidden activation pairs whose fused matMul has run once. */
const warmed = new Set<string>()

/**
 * The field pass's kernels, called once per activation on a 100 x 100 grid of [2,16,16,1]: tfjs's first fused matMul
 * on a backend costs 12-25 ms in Chromium here (wasm) whatever its size, the next ones 1-3 ms, and a grid of the
 * live size grows the wasm heap now rather than in the run's first pass. One step per activation (4-37 ms each), done
 * before the demo's slide is shown so that its first frame is not the long one.
 */
export function fieldWarmUp(activations: readonly Activation[] = ['tanh', 'relu']): Array<() => Promise<void>> {
  return activations.filter(activation => !warmed.has(`${tf.getBackend()}/${activation}`)).map(activation => async () => {
    const key = `${tf.getBackend()}/${activation}`
    if (warmed.has(key))
      return
    const layout = mlpLayout({ inputs: 2, hidden: [16, 16], activation })
    const field = createMlpField(layout, 1, new Float64Array(2 * 100 * 100))
    try {
      await field.evaluate(new Float64Array(layout.size))
    }
    finally {
      field.dispose()
    }
    warmed.add(key)
  })
}
