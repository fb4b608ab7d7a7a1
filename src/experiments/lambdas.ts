/** Lists of lambdas, for the experiments that train several lambdas as one batch, and a slider over one of them. */
import type { ListParam, NumberParam } from './declare'

/** Comma-separated lambdas ('0,0.1,0.5'): each a finite number >= 0, at least one. */
export function parseLambdas(field: string, text: string): number[] {
  const parts = String(text).split(',').map(p => p.trim()).filter(p => p.length > 0)
  if (parts.length === 0)
    throw new Error(`${field}: give at least one lambda, e.g. '0,0.1', got '${text}'`)
  return parts.map((part) => {
    const value = Number(part)
    if (!Number.isFinite(value) || value < 0)
      throw new Error(`${field}: every lambda must be a finite number >= 0, got '${part}'`)
    return value
  })
}

/** The label of the run at one lambda. */
export const lambdaLabel = (lambda: number) => `lambda = ${lambda}`

/**
 * A slider over one lambda of a declared list (the slide sets the list from it): the list's range and meaning, so
 * that the slider offers exactly what the experiment accepts.
 */
export function oneLambdaParam(list: ListParam, value: number, scale: NumberParam['scale'] = 'linear'): NumberParam {
  return { kind: 'number', default: value, min: list.min, max: list.max, scale, label: 'λ', meaning: list.meaning }
}
