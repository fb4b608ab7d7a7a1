// The static figures of parts 6-10, computed from the formulas the slides state (and, where a figure shows a
// measurement, from the project's own experiments) and written to public/figures/b-*.svg:
//   npx tsx scripts/figures/b-figures.ts
// Dark ink on a transparent background: the chapter layout inverts them in dark mode.
import type { Series } from '../../src/experiments/types'
import type { Frame, Point } from './svg'
import * as tf from '@tensorflow/tfjs-core'
import { initBackend } from '../../src/core/backend'
import { ridge1dLambdaStar, ridge1dMean, ridge1dMse } from '../../src/core/theory'
import { adamVsAdamwExperiment } from '../../src/experiments/adam-vs-adamw'
import { classificationExperiment } from '../../src/experiments/classification'
import { resolveConfig } from '../../src/experiments/declare'
import { arrow, blue, curve, dot, faint, green, ink, line, orange, path, pink, scale, svg, text } from './svg'

/** A plot frame with ticks and axis labels; returns the maps so that curves can be drawn into it. */
function frame(opts: {
  box: [number, number, number, number]
  xDomain: [number, number]
  yDomain: [number, number]
  xTicks: [number, string][]
  yTicks: [number, string][]
  xLabel: string
  yLabel: string
  logX?: boolean
  logY?: boolean
  yLabelOffset?: number
}): Frame {
  const [left, top, right, bottom] = opts.box
  const x = scale(opts.xDomain, [left, right], opts.logX)
  const y = scale(opts.yDomain, [bottom, top], opts.logY)
  let body = `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="${ink}" stroke-width="1.5"/>`
  for (const [v, label] of opts.xTicks) {
    body += line([x(v), bottom], [x(v), bottom + 6])
    body += text(x(v), bottom + 24, label, { size: 17, anchor: 'middle' })
  }
  for (const [v, label] of opts.yTicks) {
    body += line([left - 6, y(v)], [left, y(v)])
    body += text(left - 10, y(v) + 6, label, { size: 17, anchor: 'end' })
  }
  body += text((left + right) / 2, bottom + 52, opts.xLabel, { size: 19, anchor: 'middle' })
  body += text(left - (opts.yLabelOffset ?? 48), (top + bottom) / 2, opts.yLabel, { size: 19, anchor: 'middle', rotate: -90 })
  return { x, y, body }
}

const sample = (a: number, b: number, count: number) => Array.from({ length: count }, (_, i) => a + (b - a) * i / (count - 1))

// ---- part 6: bias^2, variance and MSE of the 1-D ridge estimate against lambda (science.md section 2)

function biasVarianceFigure(): void {
  const [wStar, sigma, n, s] = [5, 10, 20, 1]
  const lambdaStar = ridge1dLambdaStar(sigma, n, wStar)
  // MSE(lambda) = MSE(0) again at lambda = 2 s lambda* / (s - lambda*): beyond it shrinking hurts.
  const breakEven = 2 * s * lambdaStar / (s - lambdaStar)
  const f = frame({
    box: [78, 20, 470, 300],
    xDomain: [0, 1],
    yDomain: [0, 8],
    xTicks: [0, 0.2, 0.4, 0.6, 0.8, 1].map(v => [v, String(v)]),
    yTicks: [0, 2, 4, 6, 8].map(v => [v, String(v)]),
    xLabel: 'penalty strength λ',
    yLabel: 'error of ŵ',
    yLabelOffset: 44,
  })
  const lambdas = sample(0, 1, 101)
  const bias2 = (l: number) => (ridge1dMean(wStar, s, l) - wStar) ** 2
  const mse = (l: number) => ridge1dMse(wStar, sigma, n, s, l)
  const variance = (l: number) => mse(l) - bias2(l)
  let body = f.body
  body += line([f.x(lambdaStar), f.y(0)], [f.x(lambdaStar), f.y(8)], faint, 1.5, '6 5')
  body += line([f.x(0), f.y(mse(0))], [f.x(1), f.y(mse(0))], faint, 1.5, '2 5')
  body += curve(lambdas.map(l => [f.x(l), f.y(variance(l))]), blue)
  body += curve(lambdas.map(l => [f.x(l), f.y(bias2(l))]), orange)
  body += curve(lambdas.map(l => [f.x(l), f.y(mse(l))]), ink, 4)
  body += dot([f.x(lambdaStar), f.y(mse(lambdaStar))], ink)
  body += dot([f.x(breakEven), f.y(mse(breakEven))], pink)
  body += text(f.x(0.62), f.y(6.55), 'MSE', { size: 19, weight: 700 })
  body += text(f.x(0.78), f.y(3.7), 'bias²', { size: 19, fill: orange, weight: 700 })
  body += text(f.x(0.5), f.y(0.85), 'variance', { size: 19, fill: blue, weight: 700 })
  body += text(f.x(lambdaStar) + 8, f.y(7.5), 'λ* = σ²/(n w*²)', { size: 17 })
  body += text(f.x(breakEven) - 10, f.y(mse(breakEven)) - 12, 'back at MSE(0)', { size: 17, fill: pink, anchor: 'end' })
  svg('b-bias-variance.svg', 500, 370, body, 'Bias squared, variance and mean squared error of the 1-D ridge estimate against lambda, for w* = 5, n = 20, sigma = 10: the MSE is smallest at lambda* = 0.2 and exceeds its lambda = 0 value beyond lambda = 0.5')
}

// ---- part 7: the decay that lambda applies per step to each weight, Adam + L2 against AdamW (adam-vs-adamw)

async function adamDecayFigure(): Promise<void> {
  const result = await adamVsAdamwExperiment.run(resolveConfig(adamVsAdamwExperiment, { lambdas: '0.1' }))
  const scales = [1, 2, 3, 4].map(j => result.runs[0].final[`featureScaleW${j}`]!)
  const rule = (prefix: string) => {
    const run = result.runs.find(r => r.label.startsWith(prefix))!
    return scales.map((scale, j): Point => [scale, run.final[`meanEffectiveDecayW${j + 1}`]!])
  }
  const f = frame({
    box: [92, 20, 470, 290],
    xDomain: [0.07, 14],
    yDomain: [3e-5, 3],
    logX: true,
    logY: true,
    xTicks: [[0.1, '0.1'], [1, '1'], [10, '10']],
    yTicks: [[1e-4, '10⁻⁴'], [1e-3, '10⁻³'], [1e-2, '10⁻²'], [1e-1, '10⁻¹'], [1, '1']],
    xLabel: 'scale of feature j (gradient scale)',
    yLabel: 'shrink per step from λ',
    yLabelOffset: 62,
  })
  let body = f.body
  const series: Array<{ prefix: string, stroke: string, label: string, at: Point }> = [
    { prefix: 'Adam + L2', stroke: orange, label: 'Adam + L2: ηλ/(√v̂ⱼ + ε)', at: [0.3, 0.6] },
    { prefix: 'AdamW', stroke: blue, label: 'AdamW: ηλ for every j', at: [0.085, 0.00042] },
  ]
  for (const { prefix, stroke, label, at } of series) {
    const points = rule(prefix)
    body += curve(points.map(([x, y]) => [f.x(x), f.y(y)]), stroke)
    points.forEach(([x, y]) => {
      body += dot([f.x(x), f.y(y)], stroke)
    })
    body += text(f.x(at[0]), f.y(at[1]), label, { size: 18, fill: stroke, weight: 700 })
  }
  svg('b-adam-decay.svg', 500, 360, body, 'Measured shrink per step that lambda = 0.1 applies to each of four weights whose features have scales 0.1 to 10: Adam with L2 divides it by the root of the gradient second moment, so the large-gradient weight is decayed about four thousand times less; AdamW applies eta lambda to every weight')
}

// ---- part 8: ||w|| of logistic regression on separable data, without and with decay (classification)

async function normGrowthFigure(): Promise<void> {
  const result = await classificationExperiment.run(resolveConfig(classificationExperiment, { steps: 100_000, perDecade: 6 }))
  const norm = (i: number): Series => result.runs[i].series.weightNorm!
  const f = frame({
    box: [70, 20, 470, 290],
    xDomain: [1, 1e5],
    yDomain: [0, 14],
    logX: true,
    xTicks: [1, 10, 100, 1e3, 1e4, 1e5].map(v => [v, v === 1 ? '1' : `10${'⁰¹²³⁴⁵'[Math.log10(v)]}`]),
    yTicks: [0, 4, 8, 12].map(v => [v, String(v)]),
    xLabel: 'gradient step t (log scale)',
    yLabel: 'weight norm ‖w‖',
    yLabelOffset: 42,
  })
  let body = f.body
  body += curve(norm(0).map(([t, v]) => [f.x(t), f.y(v)]), orange)
  body += curve(norm(1).map(([t, v]) => [f.x(t), f.y(v)]), blue)
  body += text(f.x(30), f.y(8.6), 'λ = 0: ‖w‖ ≈ (1/γ) log t', { size: 18, fill: orange, weight: 700 })
  // The subscript lambda as a tspan: Unicode has no subscript lambda.
  body += text(f.x(150), f.y(1.0), 'λ = 0.01: ‖w‖ → ‖w', { size: 18, fill: blue, weight: 700 })
    .replace('</text>', '<tspan baseline-shift="sub" font-size="13">λ</tspan>‖</text>')
  svg('b-norm-growth.svg', 500, 360, body, 'Measured weight norm of logistic regression on separable 2-D data against the step on a log scale: without decay it grows along a straight line in log t; with lambda = 0.01 it levels off at the norm of the penalised minimiser')
}

// ---- part 9: one SGD step with decay on a scale-invariant weight at equilibrium (science.md section 5)

function equilibriumFigure(): void {
  // Exaggerated angle for the eye; the geometry is exact: |w_{t+1}| = |w_t| and cos(delta) = 1 - eta lambda.
  const delta = 32 * Math.PI / 180
  const r = 290
  const o: Point = [36, 336]
  const at = (radius: number, angle: number): Point => [o[0] + radius * Math.cos(angle), o[1] - radius * Math.sin(angle)]
  const a0 = 12 * Math.PI / 180
  const wt = at(r, a0)
  const shrunk = at(r * Math.cos(delta), a0)
  const next = at(r, a0 + delta)
  let body = curve(sample(a0 - 0.12, a0 + delta + 0.2, 60).map(a => at(r, a)), faint, 2, '6 6')
  body += arrow(o, wt, ink, 3.5)
  body += arrow(o, next, blue, 3.5)
  body += arrow(shrunk, next, green, 3.5)
  // The right angle between the decayed w and the gradient step.
  const u: Point = [Math.cos(a0), -Math.sin(a0)]
  const v: Point = [-Math.sin(a0), -Math.cos(a0)]
  // The decay drawn beside w_t (offset outward) so that its arrow does not cover w_t's head.
  const off = (p: Point, k: number): Point => [p[0] - v[0] * k, p[1] - v[1] * k]
  body += arrow(off(wt, 14), off(shrunk, 14), orange, 3.5)
  const c = 14
  body += curve([[shrunk[0] - u[0] * c, shrunk[1] - u[1] * c], [shrunk[0] - u[0] * c + v[0] * c, shrunk[1] - u[1] * c + v[1] * c], [shrunk[0] + v[0] * c, shrunk[1] + v[1] * c]], ink, 1.5)
  body += curve(sample(a0, a0 + delta, 20).map(a => at(70, a)), ink, 2)
  body += text(at(84, a0 + delta / 2)[0], at(84, a0 + delta / 2)[1] + 6, 'δ', { size: 24, italic: true })
  body += text(wt[0] + 8, wt[1] + 10, 'wₜ', { size: 24, weight: 700 })
  body += text(next[0] - 10, next[1] - 12, 'wₜ₊₁', { size: 24, weight: 700, fill: blue })
  body += text(wt[0] - 30, wt[1] + 46, '−ηλ wₜ', { size: 20, fill: orange, weight: 700 })
  body += text(shrunk[0] + 30, shrunk[1] - 84, '−η gₜ ⟂ wₜ', { size: 20, fill: green, weight: 700 })
  body += text(36, 30, 'same norm before and after:', { size: 19 })
  body += text(36, 56, 'cos δ = 1 − ηλ', { size: 19 })
  svg('b-equilibrium.svg', 440, 360, body, 'One SGD step with weight decay on a scale-invariant weight at equilibrium: the decay shortens w along itself, the gradient step is perpendicular to w, and the new w has the same norm, turned by the angle delta with cos delta = 1 - eta lambda')
}

// ---- part 10: the (eta, lambda) plane, lines of equal per-step shrink eta * lambda

function etaLambdaFigure(): void {
  const f = frame({
    box: [84, 20, 470, 290],
    xDomain: [1e-5, 1],
    yDomain: [1e-5, 1],
    logX: true,
    logY: true,
    xTicks: [[1e-5, '10⁻⁵'], [1e-4, '10⁻⁴'], [1e-3, '10⁻³'], [1e-2, '10⁻²'], [1e-1, '10⁻¹'], [1, '1']],
    yTicks: [[1e-5, '10⁻⁵'], [1e-4, '10⁻⁴'], [1e-3, '10⁻³'], [1e-2, '10⁻²'], [1e-1, '10⁻¹'], [1, '1']],
    xLabel: 'peak learning rate η',
    yLabel: 'decay λ (PyTorch convention)',
    yLabelOffset: 64,
  })
  let body = `<clipPath id="plot"><rect x="84" y="20" width="386" height="270"/></clipPath>`
  // The band 1e-5 <= eta lambda <= 1e-4 (science.md section 10), as a polygon between two lines of slope -1.
  const band: Point[] = [[1e-5, 1], [1, 1e-5], [1, 1e-4], [1e-4, 1], [1e-5, 1]]
  body += `<path d="${path(band.map(([x, y]) => [f.x(x), f.y(y)]))}Z" fill="${blue}" fill-opacity="0.14" clip-path="url(#plot)"/>`
  body += f.body
  for (const product of [1e-7, 1e-6, 1e-5, 1e-4, 1e-3]) {
    const ends: Point[] = [[product, 1], [1, product]]
    body += `<g clip-path="url(#plot)">${curve(ends.map(([x, y]) => [f.x(x), f.y(y)]), faint, 1.5, '5 5')}</g>`
  }
  // Labels sit just above their line; slope -1 in data is this angle on screen (54 px vs 77 px per decade).
  const tilt = Math.atan((270 / 5) / (386 / 5)) * 180 / Math.PI
  for (const [product, label, eta] of [[1e-4, 'ηλ = 10⁻⁴', 0.03], [1e-5, 'ηλ = 10⁻⁵', 0.003]] as const)
    body += text(f.x(eta), f.y(1.5 * product / eta), label, { size: 15, fill: faint, rotate: tilt })
  // Published settings (peak learning rates): ResNet-50/ImageNet SGD, WRN/CIFAR SGD, DeiT AdamW, LLaMA-7B AdamW.
  const points: Array<{ at: Point, label: string, color: string, dx: number, dy: number, anchor?: 'start' | 'end' }> = [
    { at: [0.1, 1e-4], label: 'ResNet', color: orange, dx: -10, dy: 22, anchor: 'end' },
    { at: [0.1, 5e-4], label: 'WRN', color: orange, dx: -10, dy: -8, anchor: 'end' },
    { at: [1e-3, 0.05], label: 'DeiT', color: blue, dx: 10, dy: 6 },
    { at: [3e-4, 0.1], label: 'LLaMA', color: blue, dx: -10, dy: -8, anchor: 'end' },
  ]
  for (const p of points) {
    const [x, y] = [f.x(p.at[0]), f.y(p.at[1])]
    body += dot([x, y], p.color, 6)
    body += text(x + p.dx, y + p.dy, p.label, { size: 16, fill: p.color, weight: 700, anchor: p.anchor })
  }
  body += dot([f.x(0.06), f.y(0.5)], orange, 6) + text(f.x(0.06) + 12, f.y(0.5) + 6, 'SGD', { size: 16, fill: orange, weight: 700 })
  body += dot([f.x(0.06), f.y(0.15)], blue, 6) + text(f.x(0.06) + 12, f.y(0.15) + 6, 'AdamW', { size: 16, fill: blue, weight: 700 })
  svg('b-eta-lambda.svg', 500, 360, body, 'The plane of learning rate against decay on log axes, with dashed lines of equal product eta lambda and the shaded band 1e-5 to 1e-4 where large runs put the per-step shrink; published settings for ResNet and WRN with SGD and DeiT and LLaMA with AdamW')
}

async function main(): Promise<void> {
  tf.env().set('PROD', true)
  await initBackend('cpu')
  biasVarianceFigure()
  await adamDecayFigure()
  await normGrowthFigure()
  equilibriumFigure()
  etaLambdaFigure()
}

await main()
