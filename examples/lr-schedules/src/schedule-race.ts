/**
 * 'schedule-race': minibatch SGD on a noisy least-squares problem under four learning-rate schedules, from the same
 * start with the same minibatches. A constant rate keeps bouncing around the minimum (the minibatch noise never
 * averages out); the schedules that decay the rate settle into it.
 */
import type { Series } from 'slidev-addon-weight-decay'
import { createRng, createSchedule, createTrainer, defineExperiment, deriveSeed, getBackend, linearRegression, normalMatrix, seedParam } from 'slidev-addon-weight-decay'

/** The problem's size: small enough that a step is a few kernels, noisy enough that SGD cannot reach the minimum. */
const N = 200
const D = 10
const NOISE = 1

const schedules = [
  { name: 'constant', label: 'constant' },
  { name: 'steps', label: 'step decay' },
  { name: 'cosine', label: 'cosine' },
  { name: 'warmup-cosine', label: 'warmup + cosine' },
] as const

/** The least-squares minimum of 1/(2n)‖Xw − y‖², from the normal equations (Gaussian elimination: d is small). */
function leastSquaresMinimum(x: Float64Array, y: Float64Array): number {
  const a = Array.from({ length: D }, (_, i) => Array.from({ length: D + 1 }, (_, j) => {
    let s = 0
    for (let r = 0; r < N; r++)
      s += x[r * D + i] * (j < D ? x[r * D + j] : y[r])
    return s
  }))
  for (let k = 0; k < D; k++) {
    for (let i = k + 1; i < D; i++) {
      const f = a[i][k] / a[k][k]
      for (let j = k; j <= D; j++)
        a[i][j] -= f * a[k][j]
    }
  }
  const w = new Float64Array(D)
  for (let i = D - 1; i >= 0; i--) {
    let s = a[i][D]
    for (let j = i + 1; j < D; j++)
      s -= a[i][j] * w[j]
    w[i] = s / a[i][i]
  }
  let loss = 0
  for (let r = 0; r < N; r++) {
    let e = -y[r]
    for (let j = 0; j < D; j++)
      e += x[r * D + j] * w[j]
    loss += e * e
  }
  return loss / (2 * N)
}

export const scheduleRaceExperiment = defineExperiment({
  id: 'schedule-race',
  description: 'Minibatch SGD on noisy least squares under four learning-rate schedules; theory: the least-squares minimum',
  purpose: 'The same noisy problem under four learning-rate schedules: the constant rate stops improving early, every decaying schedule keeps going down. Try: a larger batch, a larger peak rate.',
  params: {
    eta: { kind: 'number', default: 0.05, min: 0.005, max: 0.1, scale: 'log', label: 'peak η', meaning: 'learning rate every schedule starts from (after warmup)' },
    batchSize: { kind: 'integer', default: 2, min: 1, max: 50, label: 'batch size', meaning: 'examples per minibatch: the smaller, the noisier a step', cost: 'min' },
    steps: { kind: 'integer', default: 600, min: 30, max: 2000, label: 'steps', meaning: 'SGD steps of every run; the schedules end here', cost: 'max' },
    every: { kind: 'integer', default: 10, min: 5, max: 200, label: 'record every', unit: 'steps', meaning: 'steps between two recorded points', cost: 'min' },
    seed: seedParam(1),
  },
  outputs: {
    metrics: {
      excessLoss: { label: 'training loss above its minimum, J(w) − J*' },
      learningRate: { label: 'learning rate ηₜ' },
    },
    theory: { minimum: { label: 'least-squares minimum J* of the training loss' } },
  },
  check(config) {
    if (config.every > config.steps)
      throw new Error(`every: at most steps (${config.steps})`)
  },
  async run(config, hooks) {
    const { eta, batchSize, steps, every, seed } = config
    const rng = createRng(seed)
    const wTrue = normalMatrix(rng, D, 1)
    const x = normalMatrix(rng, N, D)
    const y = Float64Array.from({ length: N }, (_, r) => wTrue.reduce((s, w, j) => s + w * x[r * D + j], NOISE * rng.normal()))
    const minimum = leastSquaresMinimum(x, y)
    const theory = { minimum }
    const factors = schedules.map(s => createSchedule({ name: s.name, total: steps, warmup: s.name === 'warmup-cosine' ? Math.ceil(steps / 10) : 0 }))
    // One trainer per schedule (a trainer's runs share theirs); the same seed gives each the same start and minibatches.
    const trainers = factors.map(schedule => createTrainer({
      model: linearRegression(D, { bias: false }),
      optimizer: { name: 'sgd', schedule },
      runs: [{ eta }],
      train: { n: N, d: D, x, y },
      batchSize,
      seed: deriveSeed(seed, 'sgd'),
    }))
    const series = schedules.map(() => ({ excessLoss: [] as Series, learningRate: [] as Series }))
    const diverged = schedules.map(() => false)
    const runs = () => schedules.map((s, i) => ({ label: s.label, series: series[i], diverged: diverged[i] }))
    try {
      // A point at step 0, then one every `every` steps and one at the end.
      do {
        const k = Math.min(every, steps - trainers[0].stepsTaken)
        if (series[0].excessLoss.length > 0)
          trainers.forEach(trainer => trainer.step(k))
        const metrics = await Promise.all(trainers.map(trainer => trainer.metrics()))
        metrics.forEach((m, i) => {
          series[i].excessLoss.push([m.step, m.trainLoss[0] - minimum])
          // The rate of the next update (index m.step); the last point repeats the final one.
          series[i].learningRate.push([m.step, eta * factors[i](Math.min(m.step, steps - 1))])
          diverged[i] = m.diverged[0]
        })
        await hooks?.checkpoint?.(() => ({ done: trainers[0].stepsTaken, total: steps, runs: runs(), theory }))
      } while (trainers[0].stepsTaken < steps)
    }
    finally {
      trainers.forEach(trainer => trainer.dispose())
    }
    return {
      id: 'schedule-race',
      config,
      backend: getBackend(),
      runs: runs().map(r => ({
        ...r,
        final: { excessLoss: r.series.excessLoss.at(-1)![1], learningRate: r.series.learningRate.at(-1)![1] },
      })),
      theory,
    }
  },
})
