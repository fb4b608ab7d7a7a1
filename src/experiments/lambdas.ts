/** Labels of runs at several lambdas trained as one batch, and a slider over one lambda of a declared list. */
import type { ListParam, NumberParam } from './declare'

/** The label of the run at one lambda. */
export const lambdaLabel = (lambda: number) => `lambda = ${lambda}`

/**
 * A slider over one lambda of a declared list (the slide sets the list from it): the list's range and meaning, so
 * that the slider offers exactly what the experiment accepts.
 */
export function oneLambdaParam(list: ListParam, value: number, scale: NumberParam['scale'] = 'linear'): NumberParam {
  return { kind: 'number', default: value, min: list.min, max: list.max, scale, label: 'λ', meaning: list.meaning }
}
