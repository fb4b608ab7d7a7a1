/**
 * Text alternatives of the plots: one sentence that says what a plot shows now, built from the plot's own props
 * (axis labels, series names, last points). Pure functions, so that every plot words its sentence the same way.
 */

type Point = readonly [number, number]

/** Two or three significant digits; very large or small values as 1.2e-5. */
export function figure(v: number): string {
  if (!Number.isFinite(v))
    return Number.isNaN(v) ? 'not a number' : v > 0 ? 'infinity' : 'minus infinity'
  // Rounding noise of a computed zero (-4.2e-16) is zero.
  if (Math.abs(v) < 1e-12)
    return '0'
  const rounded = Number(v.toPrecision(3))
  if (rounded !== 0 && (Math.abs(rounded) >= 1e5 || Math.abs(rounded) < 1e-4))
    return Number(v.toPrecision(2)).toExponential().replace('e+', 'e')
  return String(rounded)
}

/** "w₁ = 0.5, w₂ = -0.3": a point named by its axes. */
export function pointAt(xLabel: string, yLabel: string, p: Point): string {
  return `${xLabel} = ${figure(p[0])}, ${yLabel} = ${figure(p[1])}`
}

/** At most this many curves or parts are read out; the rest are counted. */
const MOST = 8
const capped = (parts: string[]) => parts.length > MOST ? [...parts.slice(0, MOST - 1), `and ${parts.length - MOST + 1} more`] : parts

/** Points that can be drawn: finite, and far from the huge stand-ins for "the plot's full height". */
const drawable = (p: Point) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && Math.abs(p[1]) < 1e200 && Math.abs(p[0]) < 1e200

/** A series as a line plot (LinePlot, ModernReferencePlot) draws it. */
export interface LineSeries {
  label: string
  points: ReadonlyArray<Point>
  dashed?: boolean
  dots?: boolean
}

/**
 * "test loss at epoch 100: λ = 3: 0.0031; no decay: 98.7." Each curve by its last point (and its lowest, where that is
 * clearly lower: a sweep's optimum); a dashed two-point line as a level or a mark; dots by their count.
 */
export function describeLines(p: { series: ReadonlyArray<LineSeries>, xLabel: string, yLabel: string }): string {
  const curves: Array<{ label: string, last: Point, lowest?: Point }> = []
  const others: string[] = []
  for (const s of p.series) {
    const all = s.points.filter(q => Number.isFinite(q[0]))
    // A vertical mark: two points at one x, spanning the plot (its y may be a stand-in far off the axis).
    if (s.dashed && all.length === 2 && all[0][0] === all[1][0]) {
      others.push(`${s.label} at ${p.xLabel} = ${figure(all[0][0])}`)
      continue
    }
    const points = all.filter(drawable)
    if (points.length === 0)
      continue
    if (s.dashed && points.length === 2 && points[0][1] === points[1][1])
      others.push(`${s.label}: ${figure(points[0][1])}`)
    else if (s.dots)
      others.push(points.length === 1 ? `${s.label} at ${pointAt(p.xLabel, p.yLabel, points[0])}` : `${s.label}: ${points.length} points`)
    else
      curves.push(curveOf(s.label, points))
  }
  if (curves.length === 0 && others.length === 0)
    return `${p.yLabel} against ${p.xLabel}: no data yet.`
  const lastX = curves[0]?.last[0]
  const shared = curves.length > 0 && curves.every(c => c.last[0] === lastX)
  const parts = curves.map((c) => {
    const at = shared ? '' : ` at ${p.xLabel} = ${figure(c.last[0])}`
    const lowest = c.lowest ? `, lowest ${figure(c.lowest[1])} at ${p.xLabel} = ${figure(c.lowest[0])}` : ''
    return `${c.label}: ${figure(c.last[1])}${at}${lowest}`
  })
  const head = shared ? `${p.yLabel} at ${p.xLabel} = ${figure(lastX!)}` : `${p.yLabel} against ${p.xLabel}`
  return `${head}: ${capped([...parts, ...others]).join('; ')}.`
}

function curveOf(label: string, points: ReadonlyArray<Point>) {
  const last = points.at(-1)!
  let lowest = points[0]
  let highest = points[0][1]
  for (const q of points) {
    if (q[1] < lowest[1])
      lowest = q
    highest = Math.max(highest, q[1])
  }
  // Only a minimum inside the curve and clearly below its end says something more (a sweep's best value); one at
  // the start is where the curve began.
  const clearly = lowest !== points[0] && lowest[1] < last[1] - 0.05 * (highest - lowest[1])
  return { label, last, lowest: clearly ? lowest : undefined }
}

/** "test error by λ: ridge: small 0.12, large 0.4; closed form: small 0.11, large 0.39." */
export function describeBars(p: {
  categories: ReadonlyArray<string>
  groups: ReadonlyArray<{ label: string, values: ReadonlyArray<number> }>
  marks?: ReadonlyArray<{ label: string, values: ReadonlyArray<number> }>
  xLabel: string
  yLabel: string
  caption?: string
}): string {
  const row = (g: { label: string, values: ReadonlyArray<number> }) => {
    const cells = p.categories.map((c, k) => Number.isFinite(g.values[k]) ? `${c} ${figure(g.values[k])}` : '').filter(Boolean)
    return cells.length ? `${g.label}: ${cells.join(', ')}` : ''
  }
  const rows = capped([...p.groups, ...(p.marks ?? [])].map(row).filter(Boolean))
  const head = `${p.yLabel} by ${p.xLabel}${p.caption ? ` (${p.caption})` : ''}`
  return rows.length ? `${head}: ${rows.join('; ')}.` : `${head}: no data yet.`
}

/** "histogram of the estimate, 500 runs: mean 0.98, most between 0.9 and 1.1; true value at 1." */
export function describeHistogram(p: {
  lo: number
  binWidth: number
  histogram: { label: string, counts: ReadonlyArray<number> }
  markers?: ReadonlyArray<{ label: string, x: number }>
  xLabel: string
}): string {
  const counts = p.histogram.counts
  let total = 0
  let sum = 0
  let peak = -1
  counts.forEach((c, k) => {
    if (!(Number.isFinite(c) && c > 0))
      return
    total += c
    sum += c * (p.lo + (k + 0.5) * p.binWidth)
    if (peak < 0 || c > counts[peak])
      peak = k
  })
  const marks = (p.markers ?? []).filter(m => Number.isFinite(m.x)).map(m => `${m.label} at ${figure(m.x)}`)
  const head = `histogram of ${p.xLabel}, ${p.histogram.label}`
  if (total === 0)
    return `${head}: no data yet.`
  const from = p.lo + peak * p.binWidth
  return `${head}: mean ${figure(sum / total)}, most between ${figure(from)} and ${figure(from + p.binWidth)}${marks.length ? `; ${marks.join('; ')}` : ''}.`
}

/** What a plane (FieldPlot, ContourPlot, VectorPlane) shows on top of its background. */
export interface PlaneContent {
  /** Curves by name (contours, balls, paths); a trajectory's also by where it is now. */
  curves?: ReadonlyArray<{ label?: string, points: ReadonlyArray<Point>, trajectory?: boolean }>
  /** A scalar field drawn as a heatmap: the share of the box where it is above `above` (a decision boundary). */
  field?: { values: ArrayLike<number>, above: number }
  points?: ReadonlyArray<{ label: string, points: ReadonlyArray<Point> }>
  arrows?: ReadonlyArray<{ label?: string, from: Point, to: Point }>
}

/** "loss over w₁ and w₂: gradient descent ends at w₁ = 0.5, w₂ = 0; minimum at w₁ = 1, w₂ = 2." */
export function describePlane(p: PlaneContent & { title: string, xLabel: string, yLabel: string }): string {
  const at = (q: Point) => pointAt(p.xLabel, p.yLabel, q)
  const parts: string[] = []
  if (p.field) {
    const { values, above } = p.field
    const share = shareAbove(values, above)
    if (share !== undefined)
      parts.push(`${figure(share)} % of the box above ${figure(above)}`)
  }
  for (const c of p.curves ?? []) {
    const points = c.points.filter(drawable)
    if (!c.label || points.length === 0)
      continue
    parts.push(c.trajectory ? `${c.label} now at ${at(points.at(-1)!)}` : c.label)
  }
  for (const s of p.points ?? []) {
    const points = s.points.filter(drawable)
    if (points.length === 1)
      parts.push(`${s.label} at ${at(points[0])}`)
    else if (points.length > 1)
      parts.push(`${s.label}: ${points.length} points`)
  }
  for (const a of p.arrows ?? []) {
    if (a.label && drawable(a.from) && drawable(a.to))
      parts.push(`${a.label} from ${at(a.from)} to ${at(a.to)}`)
  }
  return `${p.title}${parts.length ? `: ${capped(parts).join('; ')}` : ''}.`
}

/** Percent of the finite values above `above`; undefined when none is finite. */
function shareAbove(values: ArrayLike<number>, above: number): number | undefined {
  let over = 0
  let known = 0
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i])) {
      known++
      if (values[i] > above)
        over++
    }
  }
  return known ? 100 * over / known : undefined
}

/** "decision field, weight decay 0.01: class 1 on 43 % of the box, 40 training points." */
export function describeDecisionField(p: { title: string, field?: ArrayLike<number>, trainPoints: number }): string {
  const ones = p.field && shareAbove(p.field, 0.5)
  const share = ones !== undefined ? `class 1 on ${figure(ones)} % of the box` : 'no field yet'
  return `decision field, ${p.title}: ${share}, ${p.trainPoints} training points.`
}
