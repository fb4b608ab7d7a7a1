/**
 * The one declaration of an experiment: what it accepts (parameters with kinds, bounds, labels) and what it reports
 * (metrics and closed-form values with typed ids). The sliders, the address, the CLI, the README table, the tests
 * and the bench all read it; nothing else knows a range.
 */
import type { ExperimentResult, RunHooks } from './types'

interface ParamBase {
  /** What a slider or a table shows (plain text, Unicode Greek). */
  label: string
  /** One line: what the parameter does. */
  meaning: string
  unit?: string
}

export interface NumberParam extends ParamBase {
  kind: 'number' | 'integer'
  default: number
  /** Both ends are finite and included. */
  min: number
  max: number
  /** A slider's resolution: the step of a linear track, the number of positions of a log one. */
  step?: number
  /** How a slider spaces its track. @default 'linear' */
  scale?: 'linear' | 'log'
  /** Which end of the range makes the run costlier: the bench's worst corner takes it. */
  cost?: 'min' | 'max'
}

export interface ChoiceParam<O extends string = string> extends ParamBase {
  kind: 'choice'
  default: O
  options: readonly O[]
}

export interface BooleanParam extends ParamBase {
  kind: 'boolean'
  default: boolean
}

/** A comma-separated list of numbers, each within [min, max] (kept as text: the experiment parses it). */
export interface ListParam extends ParamBase {
  kind: 'list'
  default: string
  min: number
  max: number
  integer?: boolean
  maxLength: number
  /** Which end makes the run costlier; the worst corner is maxLength copies of it. */
  cost?: 'min' | 'max'
}

/**
 * Labelled points of the plane (a demo's clicks), kept as compact text: 3 characters per point, the class as a digit,
 * then x and y as indices 0 .. 63 of a lattice over [min, max] in the base64url alphabet ('0Ag1z_'). Empty: none.
 */
export interface PointsParam extends ParamBase {
  kind: 'points'
  default: string
  /** The lattice spans [min, max] on both axes. */
  min: number
  max: number
  /** Classes 0 .. classes - 1 (at most 10). */
  classes: number
  maxLength: number
  /** 'max': the worst corner holds maxLength points. */
  cost?: 'max'
}

/** The 64 lattice indices of a points parameter, in order (base64url). */
export const pointAlphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

export type ParamSpec = NumberParam | ChoiceParam | BooleanParam | ListParam | PointsParam
export type ParamSpecs = Record<string, ParamSpec>

/**
 * The configuration a declaration accepts: numbers, the declared choices, booleans, list text. An experiment whose
 * parameters are not known statically (the registry's list) takes any configuration: its run checks it anyway.
 */
export type ConfigOf<P extends ParamSpecs> = 0 extends (1 & P) ? any : string extends keyof P ? Record<string, number | string | boolean> : {
  -readonly [K in keyof P]: P[K] extends ChoiceParam<infer O> ? O : P[K] extends BooleanParam ? boolean : P[K] extends ListParam | PointsParam ? string : number
}

export interface OutputSpec {
  label: string
  unit?: string
}

export interface OutputSpecs<M extends string = string, T extends string = string> {
  /** Measured values: the keys of each run's `series` and `final`. */
  metrics: Record<M, OutputSpec>
  /** Closed-form values: the keys of `theory`. */
  theory: Record<T, OutputSpec>
}

export interface ExperimentDeclaration<P extends ParamSpecs, M extends string, T extends string> {
  id: string
  /** One line for lecturers and the CLI (`npm run experiment -- list`): the set-up and the theory it checks. */
  description: string
  /**
   * One or two sentences for students, shown on the demo view (`#/demos`, `#/demos/<id>`): what the demo shows, in
   * plain words, and what to try. The description stands in where there is none.
   */
  purpose?: string
  params: P
  outputs: OutputSpecs<M, T>
  /** Checks between fields that bounds cannot say (every <= steps, a stable learning rate); throws `field: why`. */
  check?: (config: ConfigOf<P>) => void
  /** The experiment itself: called with a configuration that has passed the bounds and `check`. */
  run: (config: ConfigOf<P>, hooks?: RunHooks<M, T>) => Promise<ExperimentResult<M, T>>
  /**
   * Optional one-off work a slide does before it is shown (backend ready, in idle time): what would otherwise make
   * the run's first frame long, such as a tfjs kernel's first call. Short steps, run one per idle period; steps
   * already done on the current backend are not returned again.
   */
  prepare?: () => Array<() => Promise<void>>
}

/** A declared experiment, as the registry, the slides and the CLI see it. */

export interface Experiment<P extends ParamSpecs = any, M extends string = string, T extends string = string> extends Omit<ExperimentDeclaration<P, M, T>, 'params' | 'check' | 'run'> {
  params: 0 extends (1 & P) ? ParamSpecs : P
  /** Every parameter at its default. */
  defaults: ConfigOf<P>
  // Methods, not function properties: TypeScript compares method parameters both ways, so a typed experiment fits
  // in the registry's list and one with more parameters fits where fewer are expected (EquilibriumDemo).
  // eslint-disable-next-line ts/method-signature-style
  check(config: ConfigOf<P>): void
  /** Checks the configuration against the declaration, then runs. */
  // eslint-disable-next-line ts/method-signature-style
  run(config: ConfigOf<P>, hooks?: RunHooks<M, T>): Promise<ExperimentResult<M, T>>
}

/** A configuration that failed: which field and why (the message starts with the field). */
export class ConfigError extends Error {
  constructor(readonly field: string, reason: string) {
    super(`${field}: ${reason}`)
    this.name = 'ConfigError'
  }
}

/** A value as typed, cut short: error messages quote what the user gave. */
const quote = (text: string) => `'${text.length > 40 ? `${text.slice(0, 40)}…` : text}'`

const formatNumber = (v: number) => Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)))

/** The range a parameter takes, in words: "a number in [0.01, 30]", "one of sgd, adam". */
export function describeRange(spec: ParamSpec): string {
  switch (spec.kind) {
    case 'number': return `a number in [${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`
    case 'integer': return `an integer in [${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`
    case 'choice': return `one of ${spec.options.join(', ')}`
    case 'boolean': return 'true or false'
    case 'list': return `1 to ${spec.maxLength} comma-separated ${spec.integer ? 'integers' : 'numbers'} in [${formatNumber(spec.min)}, ${formatNumber(spec.max)}]`
    case 'points': return `0 to ${spec.maxLength} points of 3 characters (class 0-${spec.classes - 1}, then x and y in ${pointAlphabet.slice(0, 3)}…${pointAlphabet.slice(-3)})`
  }
}

/** Checks one value against its declaration; returns it in its kind, or throws a ConfigError naming the field. */
export function checkParam(name: string, spec: ParamSpec, value: unknown): number | string | boolean {
  const wrong = (): never => {
    // Anything may arrive here (a caller's object, null): describe it without calling its own methods.
    const shown = typeof value === 'string' ? quote(value) : ['number', 'boolean', 'undefined'].includes(typeof value) || value === null ? String(value) : `a value of type ${typeof value}`
    throw new ConfigError(name, `expected ${describeRange(spec)}, got ${shown}`)
  }
  switch (spec.kind) {
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < spec.min || value > spec.max)
        return wrong()
      if (spec.kind === 'integer' && !Number.isInteger(value))
        return wrong()
      return value
    }
    case 'choice':
      return typeof value === 'string' && spec.options.includes(value) ? value : wrong()
    case 'boolean':
      return typeof value === 'boolean' ? value : wrong()
    case 'list': {
      if (typeof value !== 'string')
        return wrong()
      const parts = value.split(',')
      if (parts.length > spec.maxLength)
        return wrong()
      for (const [i, v] of listValues(value).entries()) {
        if (parts[i].trim() === '' || !Number.isFinite(v) || v < spec.min || v > spec.max || (spec.integer && !Number.isInteger(v)))
          return wrong()
      }
      return value
    }
    case 'points': {
      if (typeof value !== 'string' || value.length % 3 !== 0 || value.length > 3 * spec.maxLength)
        return wrong()
      for (let i = 0; i < value.length; i += 3) {
        const label = value.charCodeAt(i) - 48
        if (!(label >= 0 && label < spec.classes) || !pointAlphabet.includes(value[i + 1]) || !pointAlphabet.includes(value[i + 2]))
          return wrong()
      }
      return value
    }
  }
}

export interface LabelledPoint {
  x: number
  y: number
  label: number
}

/** The points of a points parameter's text, at their lattice positions (the declaration has checked the text). */
export function pointsValues(spec: PointsParam, text: string): LabelledPoint[] {
  const at = (c: string) => spec.min + (spec.max - spec.min) * pointAlphabet.indexOf(c) / (pointAlphabet.length - 1)
  return Array.from({ length: text.length / 3 }, (_, k) => ({ label: Number(text[3 * k]), x: at(text[3 * k + 1]), y: at(text[3 * k + 2]) }))
}

/** The text of points (snapped to the nearest lattice node, clamped into [min, max]). */
export function encodePoints(spec: PointsParam, points: readonly LabelledPoint[]): string {
  const index = (v: number) => pointAlphabet[Math.round(Math.min(1, Math.max(0, (v - spec.min) / (spec.max - spec.min))) * (pointAlphabet.length - 1))]
  return points.map(p => `${p.label}${index(p.x)}${index(p.y)}`).join('')
}

/** The numbers of a list parameter's text ('0,0.1, 0.5'); the declaration has checked them before a run sees them. */
export function listValues(text: string): number[] {
  return text.split(',').map(part => Number(part.trim()))
}

/** Converts text (an address, a command line) to the parameter's kind; throws a ConfigError when it is not one. */
export function parseParam(name: string, spec: ParamSpec, raw: string | number | boolean): number | string | boolean {
  if (typeof raw !== 'string')
    return checkParam(name, spec, raw)
  try {
    return parseText(name, spec, raw)
  }
  catch (error) {
    // Say what was typed ('2000', '1e999'), not what it parsed to.
    throw error instanceof ConfigError ? new ConfigError(name, `expected ${describeRange(spec)}, got ${quote(raw)}`) : error
  }
}

function parseText(name: string, spec: ParamSpec, raw: string): number | string | boolean {
  const text = raw.trim()
  switch (spec.kind) {
    case 'number':
    case 'integer':
      // Number('') is 0 and Number('0x10') is 16: accept plain decimal notation only.
      return checkParam(name, spec, /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[-+]?\d+)?$/i.test(text) ? Number(text) : raw)
    case 'boolean':
      return checkParam(name, spec, text === 'true' ? true : text === 'false' ? false : raw)
    default:
      return checkParam(name, spec, text)
  }
}

/** Checks a whole configuration: every field within its bounds, no unknown field, then the cross-field checks. */
export function checkConfig<P extends ParamSpecs>(experiment: { params: ParamSpecs, check?: (config: ConfigOf<P>) => void }, config: Record<string, unknown>): ConfigOf<P> {
  for (const key of Object.keys(config)) {
    if (!(key in experiment.params))
      throw new ConfigError(key, `unknown parameter (known: ${Object.keys(experiment.params).join(', ')})`)
  }
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(experiment.params)) {
    if (!(name in config))
      throw new ConfigError(name, `missing (${describeRange(spec)})`)
    out[name] = checkParam(name, spec, config[name])
  }
  experiment.check?.(out as ConfigOf<P>)
  return out as ConfigOf<P>
}

/** The defaults with the given values merged in (text is parsed); throws a ConfigError naming the first bad field. */
export function resolveConfig<P extends ParamSpecs>(experiment: Experiment<P, string, string>, given: Record<string, string | number | boolean>): ConfigOf<P> {
  const merged: Record<string, unknown> = { ...experiment.defaults }
  // An unknown key stays as given: checkConfig names it.
  for (const [key, raw] of Object.entries(given))
    merged[key] = Object.hasOwn(experiment.params, key) ? parseParam(key, experiment.params[key], raw) : raw
  return checkConfig(experiment, merged)
}

/**
 * Parameters for experiment `id` from an address's query (`?<id>.<param>=<value>`): the values that parse, and one
 * message per field that does not (unknown, repeated, malformed or out of range). A caller runs nothing while
 * there is an error.
 */
export function parseAddress(experiment: Experiment, search: string): { values: Record<string, number | string | boolean>, errors: string[] } {
  const prefix = `${experiment.id}.`
  const values: Record<string, number | string | boolean> = {}
  const errors: string[] = []
  const seen = new Set<string>()
  for (const [key, raw] of new URLSearchParams(search)) {
    if (!key.startsWith(prefix))
      continue
    const name = key.slice(prefix.length)
    const spec = Object.hasOwn(experiment.params, name) ? experiment.params[name] : undefined
    if (!spec) {
      errors.push(`${name === '' ? '(no name)' : name.length > 40 ? `${name.slice(0, 40)}…` : name}: not a parameter of this demo`)
      continue
    }
    if (seen.has(name)) {
      errors.push(`${name}: given more than once in the address`)
      delete values[name]
      continue
    }
    seen.add(name)
    try {
      values[name] = parseParam(name, spec, raw)
    }
    catch (error) {
      errors.push(error instanceof Error ? error.message : String(error))
    }
  }
  // The cross-field checks only when the address changed something: some rebuild the data, and every demo mount
  // (each of its controls, too) reads the address.
  if (errors.length === 0 && Object.keys(values).length > 0) {
    try {
      checkConfig(experiment, { ...experiment.defaults, ...values })
    }
    catch (error) {
      errors.push(error instanceof Error ? error.message : String(error))
    }
  }
  return { values: errors.length ? {} : values, errors }
}

/** The costliest configuration inside the bounds: each parameter with a `cost` at that end, the rest at defaults. */
export function worstCorner<P extends ParamSpecs>(experiment: Experiment<P, string, string>): ConfigOf<P> {
  const out: Record<string, unknown> = { ...experiment.defaults }
  for (const [name, spec] of Object.entries(experiment.params)) {
    if ((spec.kind === 'number' || spec.kind === 'integer') && spec.cost)
      out[name] = spec[spec.cost]
    if (spec.kind === 'list' && spec.cost)
      out[name] = Array.from({ length: spec.maxLength }, () => spec[spec.cost!]).join(',')
    if (spec.kind === 'points' && spec.cost)
      out[name] = encodePoints(spec, Array.from({ length: spec.maxLength }, (_, k) => ({ label: k % spec.classes, x: spec.min + (spec.max - spec.min) * (k % 8) / 7, y: spec.min + (spec.max - spec.min) * Math.floor(k / 8) / Math.ceil(spec.maxLength / 8) })))
  }
  return out as ConfigOf<P>
}

function assertDeclaration(id: string, params: ParamSpecs): void {
  for (const [name, spec] of Object.entries(params)) {
    if (spec.kind === 'number' || spec.kind === 'integer' || spec.kind === 'list' || spec.kind === 'points') {
      if (!(Number.isFinite(spec.min) && Number.isFinite(spec.max) && spec.min <= spec.max))
        throw new Error(`${id}.${name}: the declared range [${spec.min}, ${spec.max}] is not finite and ordered`)
      if ((spec.kind === 'number' || spec.kind === 'integer') && spec.scale === 'log' && !(spec.min > 0))
        throw new Error(`${id}.${name}: a log scale needs min > 0`)
    }
    checkParam(`${id}.${name}`, spec, spec.default)
  }
}

/**
 * Declares an experiment. The returned `run` checks its configuration against the declaration first, so no body
 * ever sees a value outside its bounds, whoever calls it.
 */
export function defineExperiment<const P extends ParamSpecs, M extends string, T extends string>(declaration: ExperimentDeclaration<P, M, T>): Experiment<P, M, T> {
  assertDeclaration(declaration.id, declaration.params)
  const defaults = Object.fromEntries(Object.entries(declaration.params).map(([k, spec]) => [k, spec.default])) as ConfigOf<P>
  const body = declaration.run
  const experiment = {
    ...declaration,
    defaults,
    check: (config: ConfigOf<P>) => declaration.check?.(config),
    run: (config: ConfigOf<P>, hooks?: RunHooks<M, T>) => {
      let checked: ConfigOf<P>
      try {
        checked = checkConfig(declaration, config as Record<string, unknown>)
      }
      catch (error) {
        return Promise.reject(error)
      }
      return body(checked, hooks).then((result) => {
        checkOutputs(declaration.id, declaration.outputs, result)
        return result
      })
    },
  }
  return experiment as Experiment<P, M, T>
}

/** A result may report only declared outputs, and every declared closed form: a renamed id fails every test of it. */
function checkOutputs(id: string, outputs: OutputSpecs, result: ExperimentResult): void {
  if (typeof result?.theory !== 'object' || result.theory === null || !Array.isArray(result.runs))
    throw new Error(`${id}: a result needs \`runs\` (a list) and \`theory\` (an object: {} when there are no closed forms)`)
  const undeclared = (kind: 'metrics' | 'theory', keys: string[]) => keys.filter(k => !Object.hasOwn(outputs[kind], k))
  const metrics = undeclared('metrics', result.runs.flatMap(r => [...Object.keys(r.series), ...Object.keys(r.final)]))
  const theory = undeclared('theory', Object.keys(result.theory))
  const missing = Object.keys(outputs.theory).filter(k => !Object.hasOwn(result.theory, k))
  if (metrics.length || theory.length || missing.length) {
    throw new Error(`${id}: outputs differ from the declaration (${[
      metrics.length && `undeclared metrics ${[...new Set(metrics)].join(', ')}`,
      theory.length && `undeclared theory ${theory.join(', ')}`,
      missing.length && `declared theory not reported ${missing.join(', ')}`,
    ].filter(Boolean).join('; ')})`)
  }
}

/** Everything a reader needs to call an experiment: `npm run experiment -- describe <id> --json`. */
export function describeExperiment(experiment: Experiment) {
  return {
    id: experiment.id,
    description: experiment.description,
    purpose: experiment.purpose,
    params: experiment.params,
    outputs: experiment.outputs,
  }
}

/** The seed every seeded experiment declares: the slides' seed box and the address use the same range. */
export function seedParam(value: number): NumberParam {
  return { kind: 'integer', default: value, min: 0, max: 2 ** 31 - 1, label: 'seed', meaning: 'seed of every random draw (data, initial weights, minibatch order)' }
}
