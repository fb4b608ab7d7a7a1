/**
 * 'warmup-rescue': a small ReLU network trained by minibatch SGD at a large peak learning rate under a cosine
 * schedule, once from the peak and once after a linear warmup: the same data, start and minibatches. Early on the
 * loss is steep and the large rate throws the network off (the run diverges); a few hundred small steps first bring
 * it to where the same peak rate is stable.
 */
import type { Series } from 'slidev-addon-weight-decay'
import { createRng, createSchedule, createTrainer, defineExperiment, deriveSeed, ensureGradients, getBackend, mlp, normalMatrix, seedParam } from 'slidev-addon-weight-decay'

/** A teacher y = 2 tanh(w·x) + noise, learnt by a one-hidden-layer ReLU network. */
const N = 200
const D = 10
const HIDDEN = 32
const NOISE = 0.3
const BATCH = 10

const variants = [
  { label: 'cosine from the peak', warmup: false },
  { label: 'linear warmup, then cosine', warmup: true },
] as const

export const warmupRescueExperiment = defineExperiment({
  id: 'warmup-rescue',
  description: 'Minibatch SGD on a small ReLU network at a large peak learning rate, cosine schedule with and without linear warmup',
  purpose: 'A large peak learning rate with and without warmup: starting at the full rate diverges, a few steps of warmup save the run. Try: a shorter warmup, a smaller peak rate.',
  params: {
    eta: { kind: 'number', default: 0.5, min: 0.05, max: 1, scale: 'log', label: 'peak η', meaning: 'learning rate both runs reach (the warmup run after its warmup)' },
    warmup: { kind: 'integer', default: 60, min: 1, max: 200, label: 'warmup', unit: 'steps', meaning: 'steps of linear warmup, from η/warmup up to η, of the second run' },
    steps: { kind: 'integer', default: 300, min: 50, max: 1000, label: 'steps', meaning: 'SGD steps of both runs; the cosine reaches 0 here', cost: 'max' },
    every: { kind: 'integer', default: 2, min: 1, max: 50, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points', cost: 'min' },
    seed: seedParam(1),
  },
  outputs: {
    metrics: {
      trainLoss: { label: 'training loss (half mean squared error)' },
      learningRate: { label: 'learning rate ηₜ' },
    },
    theory: {},
  },
  check(config) {
    if (config.every > config.steps)
      throw new Error(`every: at most steps (${config.steps})`)
    if (config.warmup > config.steps)
      throw new Error(`warmup: at most steps (${config.steps})`)
  },
  async run(config, hooks) {
    const { eta, warmup, steps, every, seed } = config
    await ensureGradients()
    const rng = createRng(seed)
    const x = normalMatrix(rng, N, D)
    const teacher = normalMatrix(rng, D, 1)
    const y = Float64Array.from({ length: N }, (_, r) => {
      let s = 0
      for (let j = 0; j < D; j++)
        s += teacher[j] * x[r * D + j]
      return 2 * Math.tanh(s) + NOISE * rng.normal()
    })
    const factors = variants.map(v => createSchedule(v.warmup ? { name: 'warmup-cosine', total: steps, warmup } : { name: 'cosine', total: steps }))
    // One trainer per schedule; the same seed gives both the same initial network and the same minibatches.
    const trainers = factors.map(schedule => createTrainer({
      model: mlp({ inputs: D, hidden: HIDDEN, outputs: 1, activation: 'relu', normalize: false, task: 'regression' }),
      optimizer: { name: 'sgd', schedule },
      runs: [{ eta }],
      train: { n: N, d: D, x, y },
      batchSize: BATCH,
      seed: deriveSeed(seed, 'sgd'),
    }))
    const series = variants.map(() => ({ trainLoss: [] as Series, learningRate: [] as Series }))
    const diverged = variants.map(() => false)
    // Divergence is this demo's point, not a failure: it goes into the run's label, and `diverged` stays false, which
    // keeps the demo frame's divergence banner (meant for a run that went wrong) off the plots and controls.
    const runs = () => variants.map((v, i) => ({ label: diverged[i] ? `${v.label} (diverged)` : v.label, series: series[i], diverged: false }))
    try {
      // A point at step 0, then one every `every` steps and one at the end.
      do {
        const k = Math.min(every, steps - trainers[0].stepsTaken)
        if (series[0].trainLoss.length > 0)
          trainers.forEach(trainer => trainer.step(k))
        const metrics = await Promise.all(trainers.map(trainer => trainer.metrics()))
        metrics.forEach((m, i) => {
          // A diverged run is frozen by the trainer: its curve stops where the loss left the plot.
          if (Number.isFinite(m.trainLoss[0]) && !diverged[i])
            series[i].trainLoss.push([m.step, m.trainLoss[0]])
          series[i].learningRate.push([m.step, eta * factors[i](Math.min(m.step, steps - 1))])
          diverged[i] = m.diverged[0]
        })
        await hooks?.checkpoint?.(() => ({ done: trainers[0].stepsTaken, total: steps, runs: runs(), theory: {} }))
      } while (trainers[0].stepsTaken < steps)
    }
    finally {
      trainers.forEach(trainer => trainer.dispose())
    }
    return {
      id: 'warmup-rescue',
      config,
      backend: getBackend(),
      runs: runs().map((r, i) => ({
        ...r,
        final: { trainLoss: diverged[i] ? Number.POSITIVE_INFINITY : (r.series.trainLoss.at(-1)?.[1] ?? Number.NaN), learningRate: r.series.learningRate.at(-1)![1] },
      })),
      theory: {},
    }
  },
})
