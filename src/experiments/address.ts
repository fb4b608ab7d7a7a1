/**
 * Writing a demo's configuration into the address (`?<id>.<param>=<value>`), the inverse of `parseAddress`: a link
 * copied from the address bar opens the demo as the student left it.
 */
import type { Experiment, ParamSpec } from './declare'
import type { ParamValue } from './types'

/**
 * A value as the address writes it. `String` gives a number's shortest text that reads back to the same double
 * ('0.1', '1e-7', '3'), which `parseAddress` accepts; choices, lists and points are their own text.
 */
export function formatParam(spec: ParamSpec, value: ParamValue): string {
  return spec.kind === 'boolean' ? (value ? 'true' : 'false') : String(value)
}

/**
 * The address's entries for an experiment: each given value that differs from `defaults` (the slide's own starting
 * values), in the declaration's order. Values of no declared parameter are left out.
 */
export function addressEntries(experiment: Experiment, values: Record<string, ParamValue>, defaults: Record<string, ParamValue>): Array<[string, string]> {
  return Object.entries(experiment.params)
    .filter(([name]) => Object.hasOwn(values, name) && values[name] !== defaults[name])
    .map(([name, spec]) => [`${experiment.id}.${name}`, formatParam(spec, values[name])])
}

/**
 * The query `search` with experiment `id`'s entries replaced by `entries` (every other key kept, in its place):
 * '?a=1&ridge-gd.lambda=0.5', or '' when nothing is left.
 */
export function replaceAddress(search: string, id: string, entries: Array<[string, string]>): string {
  const keys = [...new URLSearchParams(search).keys()].filter(key => key.startsWith(`${id}.`))
  return replaceKeys(search, keys, entries)
}

/** The query `search` with the keys `keys` replaced by `entries` (every other key kept, in its place). */
export function replaceKeys(search: string, keys: readonly string[], entries: Array<[string, string]>): string {
  const params = new URLSearchParams(search)
  for (const key of keys)
    params.delete(key)
  for (const [key, value] of entries)
    params.append(key, value)
  const text = params.toString()
  return text ? `?${text}` : ''
}
