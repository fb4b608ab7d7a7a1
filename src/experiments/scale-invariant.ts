/**
 * A weight that feeds a normalisation layer, in the noise-dominated regime (science.md section 5):
 * the loss depends on w/||w|| only, so its gradient is orthogonal to w and scales as 1/||w||.
 * The gradient is modelled as a Gaussian at unit norm, projected and divided by ||w||: E||g_unit||^2 = d - 1.
 */
import type { OptimizerSettings, RunHyper } from '../core/optimizers'
import type { Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createOptimizer } from '../core/optimizers'
import { createRng, normalMatrix } from '../core/random'

export interface ScaleInvariantConfig {
  optimizer: OptimizerSettings
  run: RunHyper
  /** Entries of w. */
  d: number
  steps: number
  /** Initial ||w||. */
  initialNorm: number
  /** Record a point every this many steps. */
  every: number
  /** Average the angle and norm over this many last steps. */
  tail: number
  seed: number
}

export interface ScaleInvariantResult {
  norm: Series
  angle: Series
  effectiveLearningRate: Series
  /** Means over the last `tail` steps. */
  finalAngle: number
  finalNorm: number
}

export function runScaleInvariant(config: ScaleInvariantConfig): ScaleInvariantResult {
  const { d, steps, every, tail, seed } = config
  if (!(tail > 0 && tail <= steps))
    throw new Error(`tail: must be in [1, steps], got ${tail}`)
  const start = normalMatrix(createRng(seed), d, 1)
  const startNorm = Math.hypot(...start)
  const w = tf.tidy(() => tf.variable(tf.tensor2d(Array.from(start, v => v * config.initialNorm / startNorm), [d, 1])))
  const optimizer = createOptimizer(config.optimizer, [config.run], { size: d }, w)
  const result: ScaleInvariantResult = { norm: [], angle: [], effectiveLearningRate: [], finalAngle: 0, finalNorm: 0 }
  let angleSum = 0
  let normSum = 0
  try {
    for (let t = 1; t <= steps; t++) {
      const measure = t % every === 0 || t > steps - tail
      const before = measure ? tf.clone(w) : undefined
      const g = tf.tidy(() => {
        const xi = tf.randomNormal([d, 1], 0, 1, 'float32', seed * 1_000_003 + t)
        const norm = tf.norm(w)
        const unit = tf.div(w, norm)
        return tf.div(tf.sub(xi, tf.mul(unit, tf.sum(tf.mul(unit, xi)))), norm)
      })
      optimizer.apply(w, g)
      g.dispose()
      if (before) {
        const [cos, norm] = tf.tidy(() => {
          const n0 = tf.norm(before)
          const n1 = tf.norm(w)
          return [tf.div(tf.sum(tf.mul(before, w)), tf.mul(n0, n1)).dataSync()[0], n1.dataSync()[0]]
        })
        before.dispose()
        const angle = Math.acos(Math.min(1, cos))
        if (t % every === 0) {
          result.norm.push([t, norm])
          result.angle.push([t, angle])
          result.effectiveLearningRate.push([t, config.run.eta / norm ** 2])
        }
        if (t > steps - tail) {
          angleSum += angle
          normSum += norm
        }
      }
    }
  }
  finally {
    tf.dispose(w)
    optimizer.dispose()
  }
  result.finalAngle = angleSum / tail
  result.finalNorm = normSum / tail
  return result
}
