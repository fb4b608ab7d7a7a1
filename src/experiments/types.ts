/** What every experiment returns: the same object feeds the CLI, the tests and (later) the slides. */
export type Series = Array<[step: number, value: number]>

export interface RunResult {
  label: string
  /** Metric name -> values against steps. */
  series: Record<string, Series>
  /** Metric name -> value at the end. */
  final: Record<string, number>
  diverged: boolean
}

export interface ExperimentResult {
  id: string
  config: Record<string, number | string | boolean>
  backend: string
  runs: RunResult[]
  /** Closed-form values the measured ones are compared with. */
  theory: Record<string, number>
  /** What a custom view draws besides the series (weights, a grid, a histogram); the CLI leaves it out of --json. */
  extra?: Record<string, unknown>
}

/** The state of a run while it goes: what a slide draws before the result is in. */
export interface Progress {
  /** Work done and to do, in the experiment's own unit (steps, epochs, lambdas). */
  done: number
  total: number
  /** Series so far, one entry per run, the same keys as the final runs. */
  runs: Array<{ label: string, series: Record<string, Series>, diverged?: boolean }>
  /** Closed-form values known before the run ends. */
  theory?: Record<string, number>
  extra?: Record<string, unknown>
}

/**
 * How a caller watches and paces a run. Experiments call `checkpoint` between chunks of work that take at most a
 * few milliseconds; a slide uses it to draw, to yield the frame, to pause, or to stop the run (it then throws
 * `RunStopped`, and the experiment's `finally` frees its tensors). Node callers pass nothing.
 */
export interface RunHooks {
  checkpoint?: (snapshot: () => Progress) => void | Promise<void>
}

/** Thrown by a checkpoint to end a run early (the slide was reset or unmounted). */
export class RunStopped extends Error {
  constructor() {
    super('run stopped')
    this.name = 'RunStopped'
  }
}

export type ParamValue = number | string | boolean

export interface Experiment<C extends Record<string, ParamValue> = Record<string, ParamValue>> {
  id: string
  /** One line, shown by `npm run experiment -- list`. */
  description: string
  defaults: C
  run: (config: C, hooks?: RunHooks) => Promise<ExperimentResult>
}

/** Declares an experiment with typed defaults; the registry stores it untyped. */
export function defineExperiment<C extends Record<string, ParamValue>>(experiment: Experiment<C>): Experiment {
  return experiment as unknown as Experiment
}

/** Merges user parameters into the defaults, converting strings to the default's type; names the bad field. */
export function resolveConfig<C extends Record<string, ParamValue>>(defaults: C, given: Record<string, string | number | boolean>): C {
  const out: Record<string, ParamValue> = { ...defaults }
  for (const [key, raw] of Object.entries(given)) {
    if (!(key in defaults))
      throw new Error(`${key}: unknown parameter (known: ${Object.keys(defaults).join(', ')})`)
    const kind = typeof defaults[key]
    if (kind === 'number') {
      const value = typeof raw === 'number' ? raw : Number(raw)
      if (!Number.isFinite(value))
        throw new Error(`${key}: expected a number, got '${raw}'`)
      out[key] = value
    }
    else if (kind === 'boolean') {
      if (![true, false, 'true', 'false'].includes(raw as never))
        throw new Error(`${key}: expected true or false, got '${raw}'`)
      out[key] = raw === true || raw === 'true'
    }
    else {
      out[key] = String(raw)
    }
  }
  return out as C
}
