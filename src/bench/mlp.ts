/**
 * `npm run bench -- --mlp [--json]`: the small-MLP engine's frame, as a slide does it, against TensorFlow Playground's
 * per-frame work (issue 13): one epoch of 250 points in minibatches of 10, the training and test losses (250 + 250
 * points) and the 100 x 100 decision grid, for one [2,4,2,1] tanh network (Playground's default) and for 8 networks
 * [2,8,8,1] (a lambda grid). The engine's frame: the epoch in the scalar loops, then one tfjs pass per pair of
 * networks over the grid with the 500 points appended (pairs: about twice as fast as one block-diagonal pass of 8
 * here), the losses from those logits; every buffer made once. Beside each, the reference: the same frame one
 * network at a time in Float64Array, its grid point by point. Browser-safe (Node and Chromium run the same code).
 */
import type { BackendName } from '../core/backend'
import type { LabelledPoints } from '../core/mlp/batch'
import { describeBackend, initBackend, resetBackendChoice } from '../core/backend'
import { createMlpBatch } from '../core/mlp/batch'
import { createMlpField } from '../core/mlp/field'
import { forwardLogit, logisticLoss } from '../core/mlp/network'
import { planarPoints } from '../core/mlp/planar-data'

/** Milliseconds per frame, medians over the timed frames. */
export interface FrameTimes {
  train: number
  loss: number
  grid: number
  total: number
}

export interface MlpFrame extends FrameTimes {
  /** The layer sizes, e.g. '[2,4,2,1] tanh'. */
  net: string
  B: number
  backend: string
  /** The single-network Float64Array frame, B networks one after another. */
  reference: FrameTimes
  /** reference.total / total. */
  speedup: number
  /** The ceiling for `total` in headless Chromium. */
  target: number
}

declare module './cases' {
  interface BenchReport {
    /** `--mlp`: the small-MLP frames. */
    mlp?: MlpFrame[]
  }
}

const cases = [
  { hidden: [4, 2], runs: 1, target: 1.5 },
  { hidden: [8, 8], runs: 8, target: 8 },
]
const points = 250
const resolution = 100

function gridNodes(): Float64Array {
  const out = new Float64Array(2 * resolution * resolution)
  for (let k = 0; k < resolution * resolution; k++) {
    out[2 * k] = -1.5 + 3 * (k % resolution) / (resolution - 1)
    out[2 * k + 1] = -1.5 + 3 * Math.floor(k / resolution) / (resolution - 1)
  }
  return out
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]

/** Times `frames` frames after `warm` untimed ones; each part of a frame on its own clock. */
async function timeFrames(frame: (clock: (part: keyof FrameTimes) => void) => Promise<void>, frames: number, warm: number): Promise<FrameTimes> {
  const parts: Record<keyof FrameTimes, number[]> = { train: [], loss: [], grid: [], total: [] }
  for (let f = 0; f < warm + frames; f++) {
    const start = performance.now()
    let last = start
    const seen: Partial<FrameTimes> = {}
    await frame((part) => {
      const now = performance.now()
      seen[part] = now - last
      last = now
    })
    seen.total = performance.now() - start
    if (f >= warm) {
      for (const key of Object.keys(parts) as Array<keyof FrameTimes>)
        parts[key].push(seen[key] ?? 0)
    }
  }
  return { train: median(parts.train), loss: median(parts.loss), grid: median(parts.grid), total: median(parts.total) }
}

function data(): { train: LabelledPoints, test: LabelledPoints } {
  const all = planarPoints('circle', 2 * points, 1)
  return {
    train: { n: points, x: all.x.slice(0, 2 * points), y: all.y.slice(0, points) },
    test: { n: points, x: all.x.slice(2 * points), y: all.y.slice(points) },
  }
}

async function measure(hidden: number[], runs: number, frames: number): Promise<{ engine: FrameTimes, reference: FrameTimes }> {
  const { train, test } = data()
  const shape = { inputs: 2, hidden, activation: 'tanh' as const }
  const nodes = gridNodes()
  const config = { shape, optimizer: { name: 'sgd' as const }, batchSize: 10, train, seed: 1 }
  const batch = createMlpBatch({ ...config, runs: Array.from({ length: runs }, (_, b) => ({ eta: 0.03, lambda: 0.001 * b })) })
  // The grid, then the training and test points: their logits come with the field's.
  const field = createMlpField(batch.layout, runs, Float64Array.from([...nodes, ...train.x, ...test.x]))
  const total = nodes.length / 2 + train.n + test.n
  const logits = new Float32Array(runs * total)
  const losses = new Float64Array(2 * runs)
  const group = Math.min(2, runs)
  try {
    const engine = await timeFrames(async (clock) => {
      batch.epoch()
      clock('train')
      for (let b = 0; b < runs; b += group)
        await field.evaluate(batch.params, logits, b, Math.min(group, runs - b))
      clock('grid')
      for (let b = 0; b < runs; b++) {
        let at = b * total + nodes.length / 2
        for (const [k, set] of [train, test].entries()) {
          let sum = 0
          for (let p = 0; p < set.n; p++)
            sum += logisticLoss(logits[at++], set.y[p])
          losses[2 * b + k] = sum / set.n
        }
      }
      clock('loss')
    }, frames, 10)
    // The reference: each network on its own, its grid by the scalar forward pass.
    const singles = Array.from({ length: runs }, (_, b) => createMlpBatch({ ...config, runs: [{ eta: 0.03, lambda: 0.001 * b }] }))
    const units = new Float64Array(singles[0].layout.units)
    const out = new Float64Array(resolution * resolution)
    const reference = await timeFrames(async (clock) => {
      singles.forEach(s => s.epoch())
      clock('train')
      singles.forEach((s) => {
        s.evaluate(train)
        s.evaluate(test)
      })
      clock('loss')
      for (const s of singles) {
        for (let p = 0; p < out.length; p++)
          out[p] = forwardLogit(s.layout, s.params, 0, nodes, p, units)
      }
      clock('grid')
    }, frames, 10)
    return { engine, reference }
  }
  finally {
    field.dispose()
  }
}

/** Both cases on each backend that starts here. */
export async function runMlpBench(backends: readonly BackendName[], options: { quick: boolean, log?: (line: string) => void }): Promise<MlpFrame[]> {
  const out: MlpFrame[] = []
  for (const backend of backends) {
    resetBackendChoice()
    if (await initBackend(backend) !== backend) {
      options.log?.(`${backend}: unavailable`)
      continue
    }
    for (const { hidden, runs, target } of cases) {
      const { engine, reference } = await measure(hidden, runs, options.quick ? 30 : 120)
      const net = `[${[2, ...hidden, 1].join(',')}] tanh`
      out.push({ net, B: runs, backend: describeBackend(), ...engine, reference, speedup: reference.total / engine.total, target })
      options.log?.(`${describeBackend()} ${net} B=${runs}: ${engine.total.toFixed(2)} ms/frame (reference ${reference.total.toFixed(2)})`)
    }
  }
  return out
}

/** The lines `npm run bench -- --mlp` prints: a table, or one JSON object per case with `--json`. */
export function formatMlp(title: string, frames: MlpFrame[], json: boolean): string[] {
  if (json)
    return frames.map(f => JSON.stringify({ where: title, ...f }))
  const ms = (t: FrameTimes) => `train ${t.train.toFixed(2)}, loss ${t.loss.toFixed(2)}, grid ${t.grid.toFixed(2)}, total ${t.total.toFixed(2)}`
  return [
    `\n${title}: small-MLP frame (one epoch of 250 points in minibatches of 10, train + test loss, 100 x 100 grid), ms, median`,
    ...frames.map(f => `  ${f.net} B=${f.B} ${f.backend}: ${ms(f)} | reference ${ms(f.reference)} | x${f.speedup.toFixed(1)} | target ${f.target} ms: ${f.total <= f.target ? 'met' : 'not met'}`),
  ]
}
