/**
 * 'low-precision': bfloat16 weights (science.md section 6, item 3). A scale-invariant weight stored in bfloat16,
 * trained by heavy-ball SGD without and with decay, the two runs as the columns of one [d, 2] weight. Also the
 * bfloat16 rounding itself and the model of how many updates it loses.
 */
import type { Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createOptimizer } from '../core/optimizers'
import { momentumEquilibriumAngle, momentumEquilibriumNorm, sgdEquilibriumAngle, sgdEquilibriumNorm } from '../core/theory'
import { columnAngle, columnOps, scaleInvariantNoise, startingWeight } from './columns'
import { defineExperiment, seedParam } from './declare'
import { requirePositive } from './validate'

/**
 * Rounds float32 values to bfloat16 (8 significant bits, 7 stored), round to nearest, ties to even,
 * returned as float32. Veltkamp's splitting: with c = (2^16 + 1) x, c - (c - x) is x rounded to 24 - 16 = 8
 * significant bits; every operation is one correctly rounded float32 operation, which holds on the cpu and
 * wasm backends (the cpu backend computes in float64 and stores float32, which is innocuous for +, -, *).
 * It agrees bit for bit with the usual integer conversion (bits + 0x7fff + lsb) & 0xffff0000 on every
 * float32 in [1, 2) and its negatives, ties included, hence on every binade. Valid for |x| < 2^112
 * (c must not overflow) and above the float32 normal range; 0 stays 0.
 */
export function roundToBfloat16(x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const c = tf.mul(x, 65537)
    return tf.sub(c, tf.sub(c, x))
  })
}

/** Relative half-ulp of bfloat16 at a value with mantissa m in [1, 2): 2^-8 / m. */
const BF16_HALF_ULP = 2 ** -8

/**
 * Fraction of entries whose update is rounded away, in a model where each entry's relative update is
 * `angle * xi / z` with xi, z independent standard normals (noise update and weight entry; their ratio is
 * Cauchy) and mantissas log-uniform on [1, 2): E_m[(2/pi) arctan(2^-8 / (m angle))].
 * A local closed form (theory.ts has none for bfloat16).
 */
export function bfloat16LostFraction(angle: number): number {
  requirePositive('angle', angle)
  const points = 256
  let sum = 0
  for (let k = 0; k < points; k++) {
    const m = 2 ** ((k + 0.5) / points)
    sum += (2 / Math.PI) * Math.atan(BF16_HALF_ULP / (m * angle))
  }
  return sum / points
}

/** The angular update per step below which half the updates are lost (bisection on bfloat16LostFraction). */
function bfloat16HalfLostAngle(): number {
  let lo = 1e-6
  let hi = 1
  for (let i = 0; i < 100; i++) {
    const mid = Math.sqrt(lo * hi)
    if (bfloat16LostFraction(mid) > 0.5)
      lo = mid
    else
      hi = mid
  }
  return Math.sqrt(lo * hi)
}

/**
 * Heavy ball (mu = 0.9, L2 in the gradient) rather than plain SGD, for time: without decay the angle per
 * step falls like 1/sqrt(2t) under SGD, whatever eta and d, so updates drop below half an ulp (~2^-8.5
 * relative) only after ~2^16 steps; momentum spreads each gradient over ~1/(1 - mu) steps and the angle
 * per step falls like sqrt((1 - mu)/(2t(1 + mu))), crossing in ~4000. mu = 0 gives plain SGD (same theory).
 */
export const lowPrecisionExperiment = defineExperiment({
  id: 'low-precision',
  description: 'Heavy-ball SGD with bfloat16 weights on a scale-invariant weight: without decay the norm grows until most updates round away; with decay the angle stays at equilibrium and updates register',
  purpose: 'Weights kept in bfloat16: without decay the norm grows until most updates are too small to change a stored weight; with decay they keep registering. Try: another λ.',
  params: {
    eta: { kind: 'number', default: 0.01, min: 0.001, max: 0.1, scale: 'log', label: 'η', meaning: 'learning rate of heavy-ball SGD (both runs)' },
    lambda: { kind: 'number', default: 0.05, min: 0.005, max: 0.2, scale: 'log', label: 'λ (second run)', meaning: 'weight decay (L2 in the gradient) of the second run (the first has λ = 0)' },
    mu: { kind: 'number', default: 0.9, min: 0, max: 0.99, step: 0.01, label: 'μ', meaning: 'momentum coefficient of the heavy ball (0: plain SGD)' },
    d: { kind: 'integer', default: 256, min: 2, max: 1024, label: 'd', meaning: 'entries of the scale-invariant weight', cost: 'max' },
    initialNorm: { kind: 'number', default: 1, min: 0.01, max: 10, scale: 'log', label: '‖w‖ at the start', meaning: 'norm of the weight at the start (one seeded direction for both runs)' },
    steps: { kind: 'integer', default: 8000, min: 1, max: 20_000, label: 'steps', meaning: 'steps of each run', cost: 'max' },
    every: { kind: 'integer', default: 100, min: 1, max: 2000, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points (a divisor of steps and of tail)', cost: 'min' },
    tail: { kind: 'integer', default: 1000, min: 1, max: 20_000, label: 'tail', unit: 'steps', meaning: 'last steps averaged against the theory (whole records)', cost: 'max' },
    seed: seedParam(11),
  },
  outputs: {
    metrics: {
      lost: { label: 'fraction of updates lost (mean over each record\'s block of steps)' },
      norm: { label: 'norm of w' },
      angle: { label: 'angular update per step (mean over each record\'s block of steps)', unit: 'rad' },
      tailLost: { label: 'fraction of updates lost, tail' },
      tailAngle: { label: 'angular update, tail', unit: 'rad' },
      tailNorm: { label: 'norm, tail' },
      firstAngle: { label: 'angular update, first block', unit: 'rad' },
    },
    theory: {
      equilibriumAngle: { label: 'angular update with decay', unit: 'rad' },
      equilibriumNorm: { label: 'norm with decay' },
      equilibriumLost: { label: 'fraction lost with decay (Cauchy model at that angle)' },
      halfLostAngle: { label: 'angular update below which half the updates are lost', unit: 'rad' },
      halfUlp: { label: 'bfloat16 relative half-ulp, largest' },
    },
  },
  check({ steps, every, tail }) {
    if (steps % every !== 0)
      throw new Error(`every: must divide steps = ${steps}, got ${every}`)
    if (tail > steps)
      throw new Error(`tail: must be at most steps = ${steps}, got ${tail}`)
    if (tail % every !== 0)
      throw new Error(`tail: must be a multiple of every = ${every}, got ${tail}`)
  },
  async run(config, hooks) {
    const { eta, lambda, mu, d, steps, every, tail, seed } = config
    const lambdas = [0, lambda]
    const runs = lambdas.length
    const labels = lambdas.map(l => l === 0 ? 'bfloat16, no decay' : `bfloat16, lambda = ${l}`)
    // Heavy ball with L2 in the gradient; mu = 0 is plain SGD, whose exact angle is arccos(1 - eta lambda).
    const equilibriumAngle = mu === 0 ? sgdEquilibriumAngle(eta, lambda) : momentumEquilibriumAngle(eta, lambda, mu)
    const theory = {
      equilibriumAngle,
      equilibriumNorm: mu === 0 ? sgdEquilibriumNorm(eta, lambda, d - 1) : momentumEquilibriumNorm(eta, lambda, mu, d - 1),
      equilibriumLost: bfloat16LostFraction(equilibriumAngle),
      halfLostAngle: bfloat16HalfLostAngle(),
      halfUlp: BF16_HALF_ULP,
    }
    // Weights live in bfloat16 (rounded after every update); the momentum buffer stays float32.
    const w = tf.tidy(() => tf.variable(roundToBfloat16(tf.tensor2d(startingWeight(seed, d, runs, config.initialNorm), [d, runs]))))
    const optimizer = createOptimizer({ name: 'momentum', momentum: mu }, lambdas.map(l => ({ eta, lambda: l })), { size: d }, w)
    // Per-block sums, kept on the device so that nothing is read back between records.
    const ops = columnOps(d)
    const lostSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const angleSum = tf.tidy(() => tf.variable(tf.zeros([1, runs])))
    const series = lambdas.map(() => ({ lost: [] as Series, norm: [] as Series, angle: [] as Series }))
    const tailSums = lambdas.map(() => ({ lost: 0, angle: 0, norm: 0 }))
    const progress = (done: number) => ({ done, total: steps, runs: lambdas.map((_, b) => ({ label: labels[b], series: series[b] })), theory })
    try {
      await hooks?.checkpoint?.(() => progress(0))
      for (let t = 1; t <= steps; t++) {
        const old = tf.clone(w)
        const g = scaleInvariantNoise(ops, w, seed * 1_000_003 + t)
        optimizer.apply(w, g)
        g.dispose()
        tf.tidy(() => {
          const rounded = roundToBfloat16(w)
          // Lost: unchanged after rounding although the float32 update moved it (an entry the float32
          // update left unchanged is unchanged after rounding too, so subtracting those counts is exact).
          const lost = tf.sub(ops.sum(tf.cast(tf.equal(rounded, old), 'float32')), ops.sum(tf.cast(tf.equal(w, old), 'float32')))
          lostSum.assign(tf.add(lostSum, lost))
          angleSum.assign(tf.add(angleSum, columnAngle(ops, old, rounded)))
          w.assign(rounded)
        })
        old.dispose()
        if (t % every === 0) {
          const lost = lostSum.dataSync()
          const angle = angleSum.dataSync()
          const normTensor = tf.tidy(() => tf.sqrt(ops.sum(tf.square(w))))
          const norms = normTensor.dataSync()
          normTensor.dispose()
          lambdas.forEach((_, b) => {
            // Means over the block of `every` steps that ends here.
            const point = { lost: lost[b] / (every * d), angle: angle[b] / every, norm: norms[b] }
            series[b].lost.push([t, point.lost])
            series[b].angle.push([t, point.angle])
            series[b].norm.push([t, point.norm])
            if (t > steps - tail) {
              tailSums[b].lost += point.lost * every / tail
              tailSums[b].angle += point.angle * every / tail
              tailSums[b].norm += point.norm * every / tail
            }
          })
          tf.tidy(() => {
            lostSum.assign(tf.zerosLike(lostSum))
            angleSum.assign(tf.zerosLike(angleSum))
          })
        }
        await hooks?.checkpoint?.(() => progress(t))
      }
    }
    finally {
      tf.dispose([w, lostSum, angleSum])
      ops.dispose()
      optimizer.dispose()
    }
    return {
      id: 'low-precision',
      config,
      backend: tf.getBackend(),
      runs: lambdas.map((_, b) => ({
        label: labels[b],
        series: series[b],
        final: {
          tailLost: tailSums[b].lost,
          tailAngle: tailSums[b].angle,
          tailNorm: tailSums[b].norm,
          firstAngle: series[b].angle[0][1],
        },
        diverged: !Number.isFinite(tailSums[b].norm),
      })),
      theory,
    }
  },
})
