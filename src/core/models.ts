/**
 * Batched models: every parameter is a [rows, B] tensor, column b belonging to run b, so one kernel
 * advances all B runs. Linear, logistic, softmax and the ReLU unit have hand-written gradients
 * (a few kernels per step, see performance.md); the MLP uses autodiff.
 *
 * Losses are means over the examples of a batch: squared loss WITH the 1/2, (1/2m) sum (y_hat - y)^2;
 * cross-entropy for the classifiers. Penalties are not part of the model: the optimizer adds them.
 */
import * as tf from '@tensorflow/tfjs-core'

export interface ParamSpec {
  name: string
  rows: number
  /** Whether weight decay applies (weights yes; biases and gains no, unless asked). */
  decay: boolean
}

export type Task = 'regression' | 'binary' | 'multiclass'

/** Inputs [m, d]; targets [m, 1] (regression, 0/1 labels) or one-hot [m, K]. */
export interface Batch {
  x: tf.Tensor2D
  y: tf.Tensor2D
  /** x transposed, [d, m], when the caller has it: tfjs-wasm's matMul with transposeA is ~10x slower. */
  xT?: tf.Tensor2D
}

/** X^T e for a batch: the gradient's one big product. */
function xTransposeTimes({ x, xT }: Batch, e: tf.Tensor): tf.Tensor {
  return xT ? tf.matMul(xT, e) : tf.matMul(x, e, true, false)
}

export interface BatchedModel {
  name: string
  task: Task
  params: ParamSpec[]
  /** Loss gradients (no penalty), one [rows, B] tensor per parameter. */
  gradients: (params: tf.Tensor[], batch: Batch) => tf.Tensor[]
  /** Mean loss per run, [B]. */
  loss: (params: tf.Tensor[], batch: Batch) => tf.Tensor
  /** Classifiers: the largest predicted probability of the predicted class over the batch, per run, [B]. */
  maxProbability?: (params: tf.Tensor[], batch: Batch) => tf.Tensor
  /** Class probabilities or predictions at points x: [m, B] (regression, binary: P(y=1)) or [m, B, K]. */
  predict: (params: tf.Tensor[], x: tf.Tensor2D) => tf.Tensor
}

const meanRows = (t: tf.Tensor) => tf.mean(t, 0)

/**
 * y_hat = X w + b (or X w with `bias: false`). Targets y may be [m, 1], shared by every run,
 * or [m, B], one column per run (Monte Carlo replicates of the same design).
 */
export function linearRegression(d: number, options: { bias?: boolean } = {}): BatchedModel {
  const bias = options.bias !== false
  const forward = ([w, b]: tf.Tensor[], x: tf.Tensor2D) => bias ? tf.add(tf.matMul(x, w), b) : tf.matMul(x, w)
  return {
    name: 'linear regression',
    task: 'regression',
    params: bias ? [{ name: 'w', rows: d, decay: true }, { name: 'b', rows: 1, decay: false }] : [{ name: 'w', rows: d, decay: true }],
    predict: forward,
    gradients: (params, batch) => {
      const residual = tf.sub(forward(params, batch.x), batch.y)
      const m = batch.x.shape[0]
      const gw = tf.div(xTransposeTimes(batch, residual), m)
      return bias ? [gw, tf.mean(residual, 0, true)] : [gw]
    },
    loss: (params, { x, y }) => tf.div(meanRows(tf.square(tf.sub(forward(params, x), y))), 2),
  }
}

/** P(y = 1 | x) = sigmoid(x.w + b), labels 0/1. */
export function logisticRegression(d: number): BatchedModel {
  const logits = ([w, b]: tf.Tensor[], x: tf.Tensor2D) => tf.add(tf.matMul(x, w), b)
  return {
    name: 'logistic regression',
    task: 'binary',
    params: [{ name: 'w', rows: d, decay: true }, { name: 'b', rows: 1, decay: false }],
    predict: (params, x) => tf.sigmoid(logits(params, x)),
    gradients: (params, batch) => {
      const error = tf.sub(tf.sigmoid(logits(params, batch.x)), batch.y)
      return [tf.div(xTransposeTimes(batch, error), batch.x.shape[0]), tf.mean(error, 0, true)]
    },
    // softplus(z) - y z is the cross-entropy of sigmoid(z), stable for large |z|.
    loss: (params, { x, y }) => {
      const z = logits(params, x)
      return meanRows(tf.sub(tf.softplus(z), tf.mul(y, z)))
    },
    maxProbability: (params, { x }) => tf.sigmoid(tf.max(tf.abs(logits(params, x)), 0)),
  }
}

/** Softmax regression with K classes; W is stored as [d*K, B] (row j*K + k is weight of input j for class k). */
export function softmaxRegression(d: number, classes: number): BatchedModel {
  const logits = ([w, b]: tf.Tensor[], x: tf.Tensor2D) => {
    const runs = w.shape[1]!
    // [d*K, B] -> [d, K, B] -> [d, B, K] -> [d, B*K]: one matMul for every run.
    const wide = tf.reshape(tf.transpose(tf.reshape(w, [d, classes, runs]), [0, 2, 1]), [d, runs * classes])
    const bias = tf.reshape(tf.transpose(tf.reshape(b, [classes, runs])), [1, runs * classes])
    return tf.reshape(tf.add(tf.matMul(x, wide), bias), [x.shape[0], runs, classes])
  }
  const toParamLayout = (g: tf.Tensor, rows: number, runs: number) =>
    tf.reshape(tf.transpose(tf.reshape(g, [rows, runs, classes]), [0, 2, 1]), [rows * classes, runs])
  return {
    name: 'softmax regression',
    task: 'multiclass',
    params: [{ name: 'W', rows: d * classes, decay: true }, { name: 'b', rows: classes, decay: false }],
    predict: (params, x) => tf.softmax(logits(params, x)),
    gradients: (params, batch) => {
      const runs = params[0].shape[1]!
      const m = batch.x.shape[0]
      const error = tf.sub(tf.softmax(logits(params, batch.x)), tf.reshape(batch.y, [m, 1, classes])) // [m, B, K]
      const gw = tf.div(xTransposeTimes(batch, tf.reshape(error, [m, runs * classes])), m) // [d, B*K]
      const gb = tf.mean(error, 0) // [B, K]
      return [toParamLayout(gw, d, runs), tf.transpose(gb)]
    },
    loss: (params, { x, y }) => {
      const m = x.shape[0]
      const logp = tf.logSoftmax(logits(params, x))
      return tf.neg(meanRows(tf.sum(tf.mul(logp, tf.reshape(y, [m, 1, classes])), 2)))
    },
    maxProbability: (params, { x }) => tf.max(tf.max(tf.softmax(logits(params, x)), 2), 0),
  }
}

/** The two-layer ReLU unit y_hat = v relu(u.x) of science.md section 8 (squared loss with the 1/2). */
export function reluUnit(d: number): BatchedModel {
  const forward = ([u, v]: tf.Tensor[], x: tf.Tensor2D) => tf.mul(tf.relu(tf.matMul(x, u)), v)
  return {
    name: 'ReLU unit v relu(u.x)',
    task: 'regression',
    params: [{ name: 'u', rows: d, decay: true }, { name: 'v', rows: 1, decay: true }],
    predict: forward,
    gradients: ([u, v], batch) => {
      const z = tf.matMul(batch.x, u)
      const a = tf.relu(z)
      const residual = tf.sub(tf.mul(a, v), batch.y)
      const m = batch.x.shape[0]
      const gv = tf.mean(tf.mul(residual, a), 0, true)
      const gz = tf.mul(tf.mul(residual, v), tf.step(z))
      return [tf.div(xTransposeTimes(batch, gz), m), gv]
    },
    loss: (params, { x, y }) => tf.div(meanRows(tf.square(tf.sub(forward(params, x), y))), 2),
  }
}

export interface MlpOptions {
  inputs: number
  hidden: number
  /** 1: binary classification (sigmoid) or regression; K > 1: softmax. */
  outputs: number
  activation: 'relu' | 'tanh'
  /**
   * Normalise each hidden pre-activation over the batch (batch norm without gain or bias), which makes
   * every column of the first layer's weights scale-invariant.
   */
  normalize: boolean
  task: Task
}

/** A one-hidden-layer MLP, B copies trained at once with batched matMul; gradients by autodiff. */
export function mlp(options: MlpOptions): BatchedModel {
  const { inputs, hidden, outputs, activation, normalize, task } = options
  const params: ParamSpec[] = [
    { name: 'W1', rows: inputs * hidden, decay: true },
    ...(normalize ? [] : [{ name: 'b1', rows: hidden, decay: false }]),
    { name: 'W2', rows: hidden * outputs, decay: true },
    { name: 'b2', rows: outputs, decay: false },
  ]
  /** [rows*cols, B] -> [B, rows, cols] */
  const asMatrices = (p: tf.Tensor, rows: number, cols: number) =>
    tf.transpose(tf.reshape(p, [rows, cols, p.shape[1]!]), [2, 0, 1])
  const outputsOf = (ps: tf.Tensor[], x: tf.Tensor2D) => {
    const [w1, b1, w2, b2] = normalize ? [ps[0], undefined, ps[1], ps[2]] : ps
    const runs = w1.shape[1]!
    const xs = tf.tile(tf.expandDims(x, 0), [runs, 1, 1]) // [B, m, in]
    let z = tf.matMul(xs, asMatrices(w1, inputs, hidden)) // [B, m, h]
    if (normalize) {
      const { mean, variance } = tf.moments(z, 1, true)
      z = tf.div(tf.sub(z, mean), tf.sqrt(tf.add(variance, 1e-5)))
    }
    else {
      z = tf.add(z, tf.expandDims(tf.transpose(b1!), 1))
    }
    const a = activation === 'relu' ? tf.relu(z) : tf.tanh(z)
    return tf.add(tf.matMul(a, asMatrices(w2, hidden, outputs)), tf.expandDims(tf.transpose(b2), 1)) // [B, m, out]
  }
  const lossOf = (ps: tf.Tensor[], { x, y }: Batch) => {
    const out = outputsOf(ps, x)
    if (task === 'regression')
      return tf.div(tf.mean(tf.sum(tf.square(tf.sub(out, tf.expandDims(y, 0))), 2), 1), 2)
    if (task === 'binary')
      return tf.mean(tf.sub(tf.softplus(tf.squeeze(out, [2])), tf.mul(tf.squeeze(out, [2]), tf.transpose(y))), 1)
    return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(out), tf.expandDims(y, 0)), 2), 1))
  }
  return {
    name: `MLP ${inputs}-${hidden}-${outputs} ${activation}${normalize ? ' + norm' : ''}`,
    task,
    params,
    predict: (ps, x) => {
      const out = outputsOf(ps, x)
      if (task === 'multiclass')
        return tf.transpose(tf.softmax(out), [1, 0, 2])
      const single = tf.transpose(tf.squeeze(out, [2]))
      return task === 'binary' ? tf.sigmoid(single) : single
    },
    gradients: (ps, batch) => tf.grads((...current: tf.Tensor[]) => tf.sum(lossOf(current, batch)))(ps),
    loss: lossOf,
    maxProbability: task === 'regression'
      ? undefined
      : (ps, { x }) => {
          const out = outputsOf(ps, x)
          const p = task === 'binary' ? tf.sigmoid(tf.abs(tf.squeeze(out, [2]))) : tf.max(tf.softmax(out), 2)
          return tf.max(p, 1)
        },
  }
}
