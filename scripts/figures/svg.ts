// SVG primitives both figure scripts draw with: dark ink on a transparent background (the slides invert the figures
// in dark mode), numbers rounded to 0.01 px, files written to public/figures/.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'

export type Point = [number, number]
export const outDir = resolve('public/figures')
export const ink = '#1a1a1a'
export const faint = '#8c8c8c'
export const blue = '#0072b2'
export const orange = '#d55e00'
export const green = '#009e73'
export const pink = '#cc79a7'
export const gold = '#8a6d00'
export const font = `font-family="'Nunito Sans', 'Helvetica Neue', Arial, sans-serif"`

export const fmt = (v: number) => Number(v.toFixed(2)).toString()
export const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

/** A linear (or log10) map from a data interval onto a pixel interval. */
export function scale(domain: [number, number], range: [number, number], log = false): (v: number) => number {
  const f = log ? Math.log10 : (v: number) => v
  const [d0, d1] = [f(domain[0]), f(domain[1])]
  return v => range[0] + (f(v) - d0) / (d1 - d0) * (range[1] - range[0])
}

export function path(points: Point[], close = false): string {
  return points.map(([x, y], i) => `${i ? 'L' : 'M'}${fmt(x)},${fmt(y)}`).join('') + (close ? 'Z' : '')
}

export function text(x: number, y: number, s: string, opts: { size?: number, anchor?: 'start' | 'middle' | 'end', fill?: string, weight?: number, rotate?: number, italic?: boolean, halo?: boolean } = {}): string {
  const { size = 18, anchor = 'start', fill = ink, weight = 400, rotate, italic = false, halo = false } = opts
  // A white halo keeps a label readable over contour lines (it turns black with the figure in dark mode).
  const outline = halo ? ' stroke="#ffffff" stroke-width="5" stroke-linejoin="round" paint-order="stroke"' : ''
  const transform = rotate === undefined ? '' : ` transform="rotate(${rotate} ${fmt(x)} ${fmt(y)})"`
  return `<text x="${fmt(x)}" y="${fmt(y)}" font-size="${size}" text-anchor="${anchor}" fill="${fill}" font-weight="${weight}"${italic ? ' font-style="italic"' : ''}${outline}${transform}>${escape(s)}</text>`
}

export function line(a: Point, b: Point, stroke = ink, width = 1.5, dash = ''): string {
  return `<line x1="${fmt(a[0])}" y1="${fmt(a[1])}" x2="${fmt(b[0])}" y2="${fmt(b[1])}" stroke="${stroke}" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
}

export function curve(points: Point[], stroke: string, width = 3, dash = '', close = false): string {
  return `<path d="${path(points, close)}" fill="none" stroke="${stroke}" stroke-width="${width}" stroke-linejoin="round"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`
}

export function dot(p: Point, fill: string, r = 6): string {
  return `<circle cx="${fmt(p[0])}" cy="${fmt(p[1])}" r="${r}" fill="${fill}"/>`
}

/** An arrow from a to b whose head ends exactly at b. */
export function arrow(a: Point, b: Point, stroke: string, width = 3, dash = ''): string {
  const [dx, dy] = [b[0] - a[0], b[1] - a[1]]
  const len = Math.hypot(dx, dy)
  const [ux, uy] = [dx / len, dy / len]
  const head = 14
  const base: Point = [b[0] - ux * head, b[1] - uy * head]
  const left: Point = [base[0] - uy * head * 0.45, base[1] + ux * head * 0.45]
  const right: Point = [base[0] + uy * head * 0.45, base[1] - ux * head * 0.45]
  return `${line(a, base, stroke, width, dash)}<path d="${path([b, left, right], true)}" fill="${stroke}"/>`
}

export function svg(name: string, width: number, height: number, body: string, title: string): void {
  mkdirSync(outDir, { recursive: true })
  const content = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${font}>
<title>${escape(title)}</title>
${body}
</svg>
`
  writeFileSync(join(outDir, name), content)
  console.log(`wrote public/figures/${name}`)
}

export interface Frame {
  x: (v: number) => number
  y: (v: number) => number
  body: string
}
