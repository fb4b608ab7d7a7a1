/**
 * Per-frame training time of every demo, as the slides pace it: each experiment runs under the same run control
 * as on a slide (8 ms budget, one slice per animation frame) for a few seconds, and each slice's duration is taken.
 */
import type { Progress } from '../experiments/types'
import { describeBackend, initBackend, resetBackendChoice } from '../core/backend'
import { createRunControl } from '../core/run-control'
import { experiments } from '../experiments/registry'
import { resolveConfig } from '../experiments/declare'
import { RunStopped } from '../experiments/types'

export interface DemoFrames {
  id: string
  backend: string
  /** Animation frames that did training work. */
  frames: number
  /** Training milliseconds per frame. */
  median: number
  p95: number
  max: number
  /** Share of the default run done when the window closed (1 = finished). */
  progress: number
  /** Seconds from start to the end of the run or of the window. */
  seconds: number
  error?: string
}

const quantile = (sorted: number[], q: number) => sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] : Number.NaN

export async function measureDemoFrames(options: { seconds: number, budgetMs?: number, log?: (line: string) => void }): Promise<DemoFrames[]> {
  resetBackendChoice()
  await initBackend()
  const backend = describeBackend()
  const out: DemoFrames[] = []
  for (const experiment of experiments) {
    let resumed = performance.now()
    const slices: number[] = []
    let last: Progress | undefined
    const control = createRunControl({
      budgetMs: options.budgetMs ?? 8,
      onSnapshot: (p) => {
        slices.push(performance.now() - resumed)
        last = p
      },
      nextFrame: () => new Promise(resolve => requestAnimationFrame(() => {
        resumed = performance.now()
        resolve()
      })),
    })
    control.setAllowed(true)
    const start = performance.now()
    const timer = setTimeout(() => control.stop(), options.seconds * 1000)
    let finished = false
    let error: string | undefined
    try {
      await experiment.run(resolveConfig(experiment, {}), control.begin())
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
    const row: DemoFrames = {
      id: experiment.id,
      backend,
      frames: slices.length,
      median: quantile(sorted, 0.5),
      p95: quantile(sorted, 0.95),
      max: Math.max(...slices),
      progress: finished ? 1 : last && last.total > 0 ? last.done / last.total : 0,
      seconds,
      error,
    }
    out.push(row)
    options.log?.(`${row.id}: ${row.frames} frames, median ${row.median.toFixed(1)} ms, max ${row.max.toFixed(1)} ms${error ? `, error: ${error}` : ''}`)
  }
  return out
}
