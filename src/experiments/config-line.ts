/**
 * The one line a printed demo shows in place of its controls: the configuration it ran, in the declaration's own
 * labels and units, so that a reader of the PDF can set the same values on the slide (or in the address) and
 * reproduce the figure.
 */
import type { Experiment, ParamSpec } from './declare'
import type { ParamValue } from './types'

function formatValue(spec: ParamSpec, value: ParamValue): string {
  if (spec.kind === 'points') {
    const count = String(value).length / 3
    return count === 1 ? '1 point' : `${count} points`
  }
  if (spec.kind === 'boolean')
    return value ? 'on' : 'off'
  // In brackets: the line itself is comma-separated.
  if (spec.kind === 'list')
    return `[${String(value).split(',').join(', ')}]`
  if (typeof value === 'number')
    return String(Number(value.toPrecision(4)))
  return String(value)
}

/**
 * `label = value unit` for each parameter that a control of the slide sets (`controlled`), that differs from its
 * declared default, and for the seed; in the declaration's order.
 */
export function configLine(experiment: Experiment, config: Record<string, ParamValue>, controlled: Iterable<string> = []): string {
  const shown = new Set(controlled)
  const parts: string[] = []
  for (const [name, spec] of Object.entries(experiment.params)) {
    const value = config[name] ?? experiment.defaults[name]
    if (value === undefined)
      continue
    const differs = JSON.stringify(value) !== JSON.stringify(experiment.defaults[name])
    if (!shown.has(name) && !differs && name !== 'seed')
      continue
    if (spec.kind === 'points' && !differs)
      continue
    parts.push(`${spec.label} = ${formatValue(spec, value)}${spec.unit ? ` ${spec.unit}` : ''}`)
  }
  return parts.join(', ')
}
