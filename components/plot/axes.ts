/** Ticks and their labels, shared by the plots in this folder. */

/** One tick: its value, its position in plot units and its label. */
export interface Tick {
  v: number
  at: number
  text: string
}

/** Log axes: label 1, 2 and 5 times powers of ten only (1 alone when that is still too many), so labels never collide. */
export function logTicks(values: number[]): number[] {
  const some = values.filter(v => /^[125]e/.test(v.toExponential()))
  return some.length > 7 ? values.filter(v => v.toExponential().startsWith('1e')) : some
}

/** Three significant digits; very large or small values as 1e5, 2e-4. */
export function formatTick(v: number): string {
  return Math.abs(v) >= 1e4 || (v !== 0 && Math.abs(v) < 1e-3) ? v.toExponential(0).replace('e+', 'e') : String(Number(v.toPrecision(3)))
}

/** Ticks of a d3 scale: about `count` of them, only 1, 2, 5 times powers of ten on a log scale. */
export function ticksOf(scale: { ticks: (count: number) => number[], (v: number): number }, count: number, log = false, format: (v: number) => string = formatTick): Tick[] {
  const values = log ? logTicks(scale.ticks(count)) : scale.ticks(count)
  return values.map(v => ({ v, at: scale(v), text: format(v) }))
}

/**
 * Smallest and largest drawable value (finite, and positive on a log axis) of coordinate `axis` over every point,
 * or undefined when there is none. Loops, not Math.min(...values): a series of 20 000 steps would be spread onto the
 * stack every frame (and past about 100 000 values it overflows it).
 */
export function extentOf(series: ReadonlyArray<{ points: ReadonlyArray<readonly [number, number]> }>, axis: 0 | 1, log: boolean, extra: readonly number[] = []): [number, number] | undefined {
  let lo = Infinity
  let hi = -Infinity
  const take = (v: number) => {
    if (Number.isFinite(v) && (!log || v > 0)) {
      lo = Math.min(lo, v)
      hi = Math.max(hi, v)
    }
  }
  for (const s of series) {
    for (const p of s.points)
      take(p[axis])
  }
  extra.forEach(take)
  return lo > hi ? undefined : [lo, hi]
}
