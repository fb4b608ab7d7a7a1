/**
 * Per-frame training time of every demo, as the slides pace it: each experiment runs under the same run control
 * as on a slide (8 ms budget, one slice per animation frame) for a few seconds, and each slice's duration is taken.
 */
import type { Experiment } from '../experiments/declare'
import type { ParamValue, Progress } from '../experiments/types'
import { describeBackend, initBackend, resetBackendChoice } from '../core/backend'
import { createRunControl, defaultNextFrame } from '../core/run-control'
import { resolveConfig, worstCorner } from '../experiments/declare'
import { experiments } from '../experiments/registry'
import { RunStopped } from '../experiments/types'

export interface DemoFrames {
  id: string
  backend: string
  /** Animation frames that did training work. */
  frames: number
  /** Training milliseconds per frame. */
  median: number
  p95: number
  /** The worst slice after the first (start-up) one, and the index of the worst. */
  afterStart?: number
  worstAt?: number
  /** Frames over 16 ms (a 60 Hz frame), as `index:ms`, the first twelve. */
  longFrames?: string
  max: number
  /** Share of the default run done when the window closed (1 = finished). */
  progress: number
  /** Seconds from start to the end of the run or of the window. */
  seconds: number
  error?: string
}

const quantile = (sorted: number[], q: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : Number.NaN

/** Runs one configuration under a slide's run control until it ends or `seconds` pass; times each slice. */
async function measureRun(experiment: Experiment, config: Record<string, ParamValue>, options: { seconds: number, budgetMs?: number }): Promise<Omit<DemoFrames, 'id' | 'backend'>> {
  // What the slide does while it is mounted but not yet shown (useExperimentRun, in idle time, a slide or two before
  // it comes): not the run's work. The pause lets the engine finish compiling in the background, as it would there.
  for (const step of experiment.prepare?.() ?? [])
    await step()
  if (experiment.prepare)
    await new Promise(resolve => setTimeout(resolve, 500))
  let resumed = performance.now()
  const slices: number[] = []
  let last: Progress | undefined
  const control = createRunControl({
    budgetMs: options.budgetMs ?? 8,
    onSnapshot: (p) => {
      slices.push(performance.now() - resumed)
      last = p
    },
    // As the slides' run control resumes (after the frame is drawn, in a task of its own), noting when.
    nextFrame: () => defaultNextFrame().then(() => {
      resumed = performance.now()
    }),
  })
  control.setAllowed(true)
  const start = performance.now()
  const timer = setTimeout(() => control.stop(), options.seconds * 1000)
  let finished = false
  let error: string | undefined
  try {
    await experiment.run(config, control.begin())
    finished = true
  }
  catch (caught) {
    if (!(caught instanceof RunStopped))
      error = caught instanceof Error ? caught.message : String(caught)
  }
  clearTimeout(timer)
  const seconds = (performance.now() - start) / 1000
  // The first slice includes start-up (data, closed forms, compilation): reported in max, left out of the median.
  const sorted = slices.slice(1).sort((a, b) => a - b)
  return {
    frames: slices.length,
    median: quantile(sorted, 0.5),
    p95: quantile(sorted, 0.95),
    max: Math.max(...slices),
    afterStart: Math.max(0, ...slices.slice(1)),
    longFrames: slices.flatMap((ms, i) => ms > 16 ? [`${i}:${ms.toFixed(0)}`] : []).slice(0, 12).join(' '),
    worstAt: slices.indexOf(Math.max(...slices)),
    progress: finished ? 1 : last && last.total > 0 ? last.done / last.total : 0,
    seconds,
    error,
  }
}

export async function measureDemoFrames(options: { seconds: number, budgetMs?: number, log?: (line: string) => void }): Promise<DemoFrames[]> {
  resetBackendChoice()
  await initBackend()
  const backend = describeBackend()
  const out: DemoFrames[] = []
  for (const experiment of experiments) {
    const row: DemoFrames = { id: experiment.id, backend, ...await measureRun(experiment, resolveConfig(experiment, {}), options) }
    out.push(row)
    options.log?.(`${row.id}: ${row.frames} frames, median ${row.median.toFixed(1)} ms, max ${row.max.toFixed(1)} ms${row.error ? `, error: ${row.error}` : ''}`)
  }
  return out
}

export interface CornerRun extends DemoFrames {
  /** 'default' or 'worst corner' (every parameter with a declared cost at its costly end). */
  which: 'default' | 'worst corner'
  config: Record<string, ParamValue>
}

/**
 * Every experiment's live run, to the end, at its defaults and at the worst corner of its declared bounds: how long
 * a slide takes to finish it and its longest frame. Runs past `capSeconds` are stopped and reported unfinished.
 */
export async function measureCorners(options: { capSeconds: number, ids?: string[], log?: (line: string) => void }): Promise<CornerRun[]> {
  resetBackendChoice()
  await initBackend()
  const backend = describeBackend()
  const out: CornerRun[] = []
  for (const experiment of experiments.filter(e => !options.ids || options.ids.includes(e.id))) {
    for (const which of ['default', 'worst corner'] as const) {
      const config = which === 'default' ? experiment.defaults : worstCorner(experiment)
      const row: CornerRun = { id: experiment.id, backend, which, config, ...await measureRun(experiment, config, { seconds: options.capSeconds }) }
      out.push(row)
      options.log?.(`${row.id} (${which}): ${row.seconds.toFixed(1)} s, ${Math.round(row.progress * 100)}% done, worst frame ${row.max.toFixed(0)} ms${row.longFrames ? ` (frames over 16 ms: ${row.longFrames})` : ''}${row.error ? `, error: ${row.error}` : ''}`)
    }
  }
  return out
}
