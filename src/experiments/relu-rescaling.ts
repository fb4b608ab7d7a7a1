/**
 * 'relu-rescaling': the ReLU rescaling symmetry (science.md section 8). One unit v relu(u.x) fitted by full-batch
 * gradient descent from an unbalanced start, without and with decay, the two runs side by side in one batch.
 */
import type { ExampleSet } from '../core/trainer'
import type { Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { reluUnit } from '../core/models'
import { createRng, normalMatrix } from '../core/random'
import { reluConservedQuantity, reluPathPenalty } from '../core/theory'
import { createTrainer } from '../core/trainer'
import { columnNorms, euclidean } from './columns'
import { defineExperiment, seedParam } from './declare'

/** A teacher v* relu(u*.x) + noise with x ~ N(0, I_d) and u* = e_1 (datasets.ts has no ReLU teacher). */
function reluTeacher(seed: number, n: number, d: number, vStar: number, noise: number): ExampleSet {
  const rng = createRng(seed)
  const x = normalMatrix(rng, n, d)
  const y = Float64Array.from({ length: n }, (_, i) => vStar * Math.max(0, x[i * d]) + noise * rng.normal())
  return { n, d, x, y }
}

export const reluRescalingExperiment = defineExperiment({
  id: 'relu-rescaling',
  description: 'Full-batch GD on v relu(u.x) without and with decay: v^2 - ||u||^2 is conserved, or shrinks like (1 - eta lambda)^(2t), and the penalty falls to lambda |v| ||u||',
  purpose: 'A ReLU unit gives the same output when one layer is scaled up and the next down; weight decay picks the balanced scaling, the one with the smallest penalty. Try: another λ.',
  params: {
    d: { kind: 'integer', default: 5, min: 1, max: 20, label: 'd', meaning: 'inputs of the unit (the teacher reads the first)', cost: 'max' },
    n: { kind: 'integer', default: 200, min: 1, max: 500, label: 'training points', meaning: 'points of the training set (x ~ N(0, I))', cost: 'max' },
    vStar: { kind: 'number', default: 2, min: -5, max: 5, label: 'teacher v*', meaning: 'output weight of the teacher v* relu(x₁)' },
    noise: { kind: 'number', default: 0.1, min: 0, max: 1, label: 'label noise', meaning: 'standard deviation of the noise added to the teacher' },
    initialU: { kind: 'number', default: 1.5, min: 0.01, max: 5, label: '‖u‖ at the start', meaning: 'norm of u at the start (a seeded direction, shared by both runs)' },
    initialV: { kind: 'number', default: 0.1, min: -5, max: 5, label: 'v at the start', meaning: 'v at the start (shared by both runs)' },
    // The slide uses a tenth of the default, closer to gradient flow; larger values let GD's own drift show.
    eta: { kind: 'number', default: 0.005, min: 1e-4, max: 0.1, scale: 'log', label: 'η', meaning: 'learning rate of gradient descent (both runs)' },
    lambda: { kind: 'number', default: 0.05, min: 0.005, max: 0.2, scale: 'log', label: 'λ (second run)', meaning: 'weight of the penalty (λ/2)(v² + ‖u‖²) of the second run (the first has λ = 0)' },
    steps: { kind: 'integer', default: 4000, min: 10, max: 40_000, label: 'steps', meaning: 'gradient steps of each run', cost: 'max' },
    // Each record reads u and v back and scores the training set: at least ten steps apart.
    every: { kind: 'integer', default: 20, min: 10, max: 2000, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points (a divisor of steps)', cost: 'min' },
    seed: seedParam(5),
  },
  outputs: {
    metrics: {
      imbalance: { label: 'v^2 - ||u||^2' },
      penalty: { label: 'penalty (lambda/2)(v^2 + ||u||^2) at the chosen lambda (charged to both runs)' },
      pathPenalty: { label: 'path penalty lambda |v| ||u|| at the chosen lambda' },
      penaltyRatio: { label: 'penalty / path penalty' },
      loss: { label: 'loss' },
      v: { label: 'v' },
      uNorm: { label: 'norm of u' },
      imbalanceChange: { label: 'relative change of v^2 - ||u||^2' },
      lossDrop: { label: 'initial loss minus final loss' },
    },
    theory: {
      imbalanceStart: { label: 'v^2 - ||u||^2 at the start' },
      imbalanceEndNoDecay: { label: 'v^2 - ||u||^2 at the end, no decay (conserved)' },
      imbalanceEndDecay: { label: 'v^2 - ||u||^2 at the end with decay, (1 - eta lambda)^(2T) times the start' },
      shrinkFactor: { label: 'shrink factor exp(-2 eta lambda T)' },
      balancedRatio: { label: 'penalty / path penalty at a balanced minimum' },
    },
  },
  check({ steps, every }) {
    if (steps % every !== 0)
      throw new Error(`every: must divide steps = ${steps}, got ${every}`)
  },
  async run(config, hooks) {
    const { d, n, eta, lambda, steps, every, seed } = config
    const train = reluTeacher(seed, n, d, config.vStar, config.noise)
    const lambdas = [0, lambda]
    // An unbalanced start (||u|| >> |v|) shared by both runs; u's direction is seeded.
    const direction = normalMatrix(createRng(seed + 1), d, 1)
    const uStart = direction.map(v => v * config.initialU / euclidean(direction))
    const trainer = createTrainer({
      model: reluUnit(d),
      // Plain GD with the penalty (lambda/2)(v^2 + ||u||^2) in the gradient; u and v are both decayed.
      optimizer: { name: 'sgd' },
      runs: lambdas.map(l => ({ eta, lambda: l })),
      train,
      seed,
      init: name => name === 'u' ? uStart : Float64Array.of(config.initialV),
    })
    const names = ['imbalance', 'penalty', 'pathPenalty', 'penaltyRatio', 'loss', 'v', 'uNorm'] as const
    const labels = lambdas.map(l => l === 0 ? 'GD, no decay' : `GD, lambda = ${l}`)
    const series = lambdas.map(() => Object.fromEntries(names.map(k => [k, [] as Series])) as Record<typeof names[number], Series>)
    const q0 = reluConservedQuantity(config.initialV, euclidean(uStart))
    const theory = {
      imbalanceStart: q0,
      imbalanceEndNoDecay: q0,
      imbalanceEndDecay: q0 * (1 - eta * lambda) ** (2 * steps),
      shrinkFactor: Math.exp(-2 * eta * lambda * steps),
      balancedRatio: 1,
    }
    const progress = (done: number) => ({ done, total: steps, runs: lambdas.map((_, b) => ({ label: labels[b], series: series[b] })), theory })
    try {
      const record = async (t: number) => {
        const u = await trainer.parameter('u')
        const v = await trainer.parameter('v')
        const uNorms = columnNorms(u, d, 2)
        const m = await trainer.metrics()
        lambdas.forEach((_, b) => {
          // Both runs are measured with the same lambda: what the penalty would charge the undecayed run too.
          const penalty = (lambda / 2) * (v[b] ** 2 + uNorms[b] ** 2)
          const path = reluPathPenalty(lambda, v[b], uNorms[b])
          const point = [reluConservedQuantity(v[b], uNorms[b]), penalty, path, penalty / path, m.trainLoss[b], v[b], uNorms[b]]
          names.forEach((k, i) => series[b][k].push([t, point[i]]))
        })
      }
      await record(0)
      await hooks?.checkpoint?.(() => progress(0))
      // At most 20 steps between checkpoints (a fraction of a millisecond each), a record every `every`.
      for (let t = 0; t < steps;) {
        const chunk = Math.min(20, every - (t % every))
        trainer.step(chunk)
        t += chunk
        if (t % every === 0)
          await record(t)
        await hooks?.checkpoint?.(() => progress(t))
      }
    }
    finally {
      trainer.dispose()
    }
    const last = (b: number, k: typeof names[number]) => series[b][k].at(-1)![1]
    return {
      id: 'relu-rescaling',
      config,
      backend: tf.getBackend(),
      runs: lambdas.map((_, b) => ({
        label: labels[b],
        series: series[b],
        final: {
          imbalance: last(b, 'imbalance'),
          imbalanceChange: last(b, 'imbalance') / q0 - 1,
          penaltyRatio: last(b, 'penaltyRatio'),
          loss: last(b, 'loss'),
          // |change of v^2 - ||u||^2| <= eta^2 sum ||g||^2 ~ eta (L_0 - L_T) per GD's descent lemma.
          lossDrop: series[b].loss[0][1] - last(b, 'loss'),
        },
        diverged: !Number.isFinite(last(b, 'loss')),
      })),
      theory,
    }
  },
})
