/** What every experiment returns: the same object feeds the CLI, the tests and (later) the slides. */
export type Series = Array<[step: number, value: number]>

export interface RunResult<M extends string = string> {
  label: string
  /** Metric id (declared in the experiment's outputs) -> values against steps. */
  series: Partial<Record<M, Series>>
  /** Metric id -> value at the end. */
  final: Partial<Record<M, number>>
  diverged: boolean
}

export interface ExperimentResult<M extends string = string, T extends string = string> {
  id: string
  config: Record<string, number | string | boolean>
  backend: string
  runs: Array<RunResult<M>>
  /** Closed-form values the measured ones are compared with: every id the experiment's outputs declare. */
  theory: Record<T, number>
  /** What a custom view draws besides the series (weights, a grid, a histogram); the CLI leaves it out of --json. */
  extra?: Record<string, unknown>
}

/** The state of a run while it goes: what a slide draws before the result is in. */
export interface Progress<M extends string = string, T extends string = string> {
  /** Work done and to do, in the experiment's own unit (steps, epochs, lambdas). */
  done: number
  total: number
  /** Series so far, one entry per run, the same keys as the final runs. */
  runs: Array<{ label: string, series: Partial<Record<M, Series>>, diverged?: boolean }>
  /** Closed-form values known before the run ends. */
  theory?: Partial<Record<T, number>>
  extra?: Record<string, unknown>
}

/**
 * How a caller watches and paces a run. Experiments call `checkpoint` between chunks of work that take at most a
 * few milliseconds; a slide uses it to draw, to yield the frame, to pause, or to stop the run (it then throws
 * `RunStopped`, and the experiment's `finally` frees its tensors). Node callers pass nothing.
 */
export interface RunHooks<M extends string = string, T extends string = string> {
  /**
   * Between two pieces of work: the run may yield to the page here (a slide draws the snapshot). `draw: true` asks
   * to end the slice at this checkpoint whatever budget is left, for a snapshot costly to draw, so that its drawing
   * does not share a task with the next piece of work. Checkpoints are counted alike either way.
   */
  checkpoint?: (snapshot: () => Progress<M, T>, options?: { draw?: boolean }) => void | Promise<void>
}

/** Thrown by a checkpoint to end a run early (the slide was reset or unmounted). */
export class RunStopped extends Error {
  constructor() {
    super('run stopped')
    this.name = 'RunStopped'
  }
}

export type ParamValue = number | string | boolean
