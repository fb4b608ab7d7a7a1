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
}

export type ParamValue = number | string | boolean

export interface Experiment<C extends Record<string, ParamValue> = Record<string, ParamValue>> {
  id: string
  /** One line, shown by `npm run experiment -- list`. */
  description: string
  defaults: C
  run: (config: C) => Promise<ExperimentResult>
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
