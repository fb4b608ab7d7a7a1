// The static figures of parts 1-5, computed from the formulas the slides state and written to public/figures/a-*.svg:
//   npx tsx scripts/figures/a-figures.ts
// Dark ink on a transparent background: the slides invert them in dark mode.
import type { Frame, Point } from './svg'
import { arrow, blue, curve, dot, faint, gold, green, ink, line, orange, pink, scale, svg, text } from './svg'

type Matrix2 = [[number, number], [number, number]]

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
  zeroLines?: boolean
}): Frame {
  const [left, top, right, bottom] = opts.box
  const x = scale(opts.xDomain, [left, right], opts.logX)
  const y = scale(opts.yDomain, [bottom, top])
  let body = `<rect x="${left}" y="${top}" width="${right - left}" height="${bottom - top}" fill="none" stroke="${ink}" stroke-width="1.5"/>`
  if (opts.zeroLines) {
    body += line([x(0), top], [x(0), bottom], faint, 1.2)
    body += line([left, y(0)], [right, y(0)], faint, 1.2)
  }
  for (const [v, label] of opts.xTicks) {
    body += line([x(v), bottom], [x(v), bottom + 6])
    body += text(x(v), bottom + 24, label, { size: 17, anchor: 'middle' })
  }
  for (const [v, label] of opts.yTicks) {
    body += line([left - 6, y(v)], [left, y(v)])
    body += text(left - 10, y(v) + 6, label, { size: 17, anchor: 'end' })
  }
  body += text((left + right) / 2, bottom + 52, opts.xLabel, { size: 19, anchor: 'middle' })
  body += text(left - 48, (top + bottom) / 2, opts.yLabel, { size: 19, anchor: 'middle', rotate: -90 })
  return { x, y, body }
}

function legend(x: number, y: number, entries: { label: string, stroke: string, dash?: string, marker?: boolean }[], size = 17): string {
  return entries.map((e, i) => {
    const yy = y + i * (size + 9)
    const sample = e.marker ? dot([x + 14, yy - 5], e.stroke, 5) : line([x, yy - 5], [x + 30, yy - 5], e.stroke, 3, e.dash ?? '')
    return sample + text(x + 40, yy + 1, e.label, { size })
  }).join('')
}

const sample = (a: number, b: number, count: number) => Array.from({ length: count }, (_, i) => a + (b - a) * i / (count - 1))

// ---- linear algebra for the small computed figures

function solve(a: number[][], b: number[]): number[] {
  const n = b.length
  const m = a.map((row, i) => [...row, b[i]])
  for (let col = 0; col < n; col++) {
    let pivot = col
    for (let r = col + 1; r < n; r++) {
      if (Math.abs(m[r][col]) > Math.abs(m[pivot][col]))
        pivot = r
    }
    [m[col], m[pivot]] = [m[pivot], m[col]]
    for (let r = col + 1; r < n; r++) {
      const f = m[r][col] / m[col][col]
      for (let c = col; c <= n; c++)
        m[r][c] -= f * m[col][c]
    }
  }
  const x = Array.from<number>({ length: n }).fill(0)
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n]
    for (let c = r + 1; c < n; c++)
      s -= m[r][c] * x[c]
    x[r] = s / m[r][r]
  }
  return x
}

/** A symmetric 2x2 matrix with eigenvalues h1, h2 along directions at `angle` and `angle + 90` degrees. */
function hessian(h1: number, h2: number, angle: number): Matrix2 {
  const [c, s] = [Math.cos(angle * Math.PI / 180), Math.sin(angle * Math.PI / 180)]
  return [[h1 * c * c + h2 * s * s, (h1 - h2) * c * s], [(h1 - h2) * c * s, h1 * s * s + h2 * c * c]]
}

/** The regularised minimiser (H + lambda I)^{-1} H w* of 1/2 (w - w*)^T H (w - w*) + lambda/2 ||w||^2. */
function shrunkMinimum(h: Matrix2, wStar: Point, lambda: number): Point {
  const hw = [h[0][0] * wStar[0] + h[0][1] * wStar[1], h[1][0] * wStar[0] + h[1][1] * wStar[1]]
  const [x, y] = solve([[h[0][0] + lambda, h[0][1]], [h[1][0], h[1][1] + lambda]], hw)
  return [x, y]
}

function quadratic(h: Matrix2, c: Point, w: Point): number {
  const [dx, dy] = [w[0] - c[0], w[1] - c[1]]
  return 0.5 * (h[0][0] * dx * dx + 2 * h[0][1] * dx * dy + h[1][1] * dy * dy)
}

/** The level set 1/2 (w - c)^T H (w - c) = level, as points in data coordinates. */
function ellipse(h: Matrix2, c: Point, level: number, count = 200): Point[] {
  // Along the unit direction u the quadratic is 1/2 r^2 u^T H u, so r = sqrt(2 level / u^T H u).
  return sample(0, 2 * Math.PI, count).map((t) => {
    const u: Point = [Math.cos(t), Math.sin(t)]
    const r = Math.sqrt(2 * level / (2 * quadratic(h, [0, 0], u)))
    return [c[0] + r * u[0], c[1] + r * u[1]]
  })
}

function mulberry32(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6D2B79F5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

// ---- part 2: a linear model in ten polynomial features through ten noisy points

function overfitFigure(): void {
  const rand = mulberry32(7)
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand())
  const n = 10
  const degree = 9
  const truth = (x: number) => 0.8 * x
  const xs = sample(-0.95, 0.95, n).map(x => x + 0.04 * gauss())
  const ys = xs.map(x => truth(x) + 0.25 * gauss())
  const features = (x: number) => Array.from({ length: degree + 1 }, (_, k) => x ** k)
  // Minimise 1/(2n) ||Phi w - y||^2 + lambda/2 ||w_{1:}||^2 (the constant feature is the bias, not penalised).
  const fit = (lambda: number) => {
    const phi = xs.map(features)
    const a = Array.from({ length: degree + 1 }, (_, i) => Array.from({ length: degree + 1 }, (_, j) =>
      phi.reduce((s, row) => s + row[i] * row[j], 0) / n + (i === j && i > 0 ? lambda : 0)))
    const b = Array.from({ length: degree + 1 }, (_, i) => phi.reduce((s, row, r) => s + row[i] * ys[r], 0) / n)
    const w = solve(a, b)
    return (x: number) => features(x).reduce((s, f, k) => s + f * w[k], 0)
  }
  const interpolant = fit(0)
  const ridge = fit(1e-3)
  const f = frame({
    box: [80, 20, 440, 300],
    xDomain: [-1.05, 1.05],
    yDomain: [-2, 2],
    xTicks: [[-1, '−1'], [0, '0'], [1, '1']],
    yTicks: [[-2, '−2'], [0, '0'], [2, '2']],
    xLabel: 'input x',
    yLabel: 'output y',
  })
  const grid = sample(-1.05, 1.05, 400)
  const clip = `<clipPath id="plot"><rect x="80" y="20" width="360" height="280"/></clipPath>`
  let body = clip + f.body
  body += `<g clip-path="url(#plot)">`
  body += curve(grid.map(x => [f.x(x), f.y(truth(x))]), faint, 2.5, '7 6')
  body += curve(grid.map(x => [f.x(x), f.y(Math.max(-3, Math.min(3, interpolant(x))))]), orange, 3)
  body += curve(grid.map(x => [f.x(x), f.y(ridge(x))]), blue, 3.5)
  body += `</g>`
  body += xs.map((x, i) => dot([f.x(x), f.y(ys[i])], ink, 5.5)).join('')
  body += legend(40, 392, [
    { label: 'λ = 0: interpolates the noise', stroke: orange },
    { label: 'λ = 10⁻³: ridge', stroke: blue },
    { label: 'truth y = 0.8x', stroke: faint, dash: '7 6' },
  ])
  body += text(440, 458, '10 points, 10 weights', { size: 17, anchor: 'end', fill: faint })
  svg('a-overfit.svg', 480, 470, body, 'Degree-9 polynomial (a linear model in 10 features) through 10 noisy points: the unregularised fit interpolates the noise, the ridge fit stays close to the true line')
}

// ---- part 2: unit balls of the lp norms

function unitBallsFigure(): void {
  const f = frame({
    box: [80, 10, 420, 350],
    xDomain: [-1.5, 1.5],
    yDomain: [-1.5, 1.5],
    xTicks: [[-1, '−1'], [0, '0'], [1, '1']],
    yTicks: [[-1, '−1'], [0, '0'], [1, '1']],
    xLabel: 'w₁',
    yLabel: 'w₂',
    zeroLines: true,
  })
  const ball = (p: number): Point[] => {
    if (!Number.isFinite(p))
      return [[1, 1], [-1, 1], [-1, -1], [1, -1]]
    // |w1|^p + |w2|^p = 1 via w = (sign(cos t)|cos t|^{2/p}, sign(sin t)|sin t|^{2/p}).
    return sample(0, 2 * Math.PI, 721).map((t) => {
      const c = Math.cos(t)
      const s = Math.sin(t)
      return [Math.sign(c) * Math.abs(c) ** (2 / p), Math.sign(s) * Math.abs(s) ** (2 / p)]
    })
  }
  const balls = [
    { p: 1, label: 'p = 1', stroke: blue },
    { p: 2, label: 'p = 2', stroke: orange },
    { p: 4, label: 'p = 4', stroke: green },
    { p: Infinity, label: 'p = ∞', stroke: pink },
    { p: 0.5, label: 'p = ½: not a norm', stroke: gold, dash: '6 5' },
  ]
  let body = f.body
  for (const b of balls)
    body += curve(ball(b.p).map(([u, v]) => [f.x(u), f.y(v)]), b.stroke, 3.5, b.dash ?? '', true)
  body += text(20, 445, '‖w‖ₚ = 1:', { size: 19, weight: 700 })
  body += legend(130, 445, balls.slice(0, 2), 19)
  body += legend(260, 445, balls.slice(2, 4), 19)
  body += legend(130, 501, balls.slice(4), 19)
  svg('a-unit-balls.svg', 440, 512, body, 'Unit balls of the lp norms in two dimensions for p = 1/2, 1, 2, 4 and infinity')
}

// ---- part 3: l1 and l2 balls touched by the loss contours

function contactFigure(): void {
  const h = hessian(1, 0.3, -25)
  const c: Point = [1.7, 1.1]
  const r = 1
  // The constrained minimum lies on the boundary (c is outside both balls): search the boundary finely.
  const boundary = (kind: 'l1' | 'l2'): Point[] => sample(0, 2 * Math.PI, 20001).map((t) => {
    const u: Point = [Math.cos(t), Math.sin(t)]
    const norm = kind === 'l1' ? Math.abs(u[0]) + Math.abs(u[1]) : 1
    return [r * u[0] / norm, r * u[1] / norm]
  })
  const argmin = (pts: Point[]) => pts.reduce((best, p) => quadratic(h, c, p) < quadratic(h, c, best) ? p : best)
  const panel = (kind: 'l1' | 'l2', offsetX: number, title: string) => {
    const box: [number, number, number, number] = [offsetX + 20, 50, offsetX + 300, 330]
    const x = scale([-1.3, 2.7], [box[0], box[2]])
    const y = scale([-1.3, 2.7], [box[3], box[1]])
    const solution = argmin(boundary(kind))
    const level = quadratic(h, c, solution)
    const clipId = `clip-${kind}`
    let body = `<clipPath id="${clipId}"><rect x="${box[0]}" y="${box[1]}" width="${box[2] - box[0]}" height="${box[3] - box[1]}"/></clipPath>`
    body += `<rect x="${box[0]}" y="${box[1]}" width="${box[2] - box[0]}" height="${box[3] - box[1]}" fill="none" stroke="${ink}" stroke-width="1.5"/>`
    body += `<g clip-path="url(#${clipId})">`
    body += line([x(0), box[1]], [x(0), box[3]], faint, 1.2) + line([box[0], y(0)], [box[2], y(0)], faint, 1.2)
    for (const k of [0.25, 1, 2.2])
      body += curve(ellipse(h, c, level * k).map(([u, v]) => [x(u), y(v)]), faint, 2, '', true)
    body += curve(boundary(kind).filter((_, i) => i % 50 === 0).map(([u, v]) => [x(u), y(v)]), kind === 'l1' ? blue : orange, 3.5, '', true)
    body += `</g>`
    body += dot([x(c[0]), y(c[1])], ink, 5)
    body += text(x(c[0]) + 10, y(c[1]) - 8, 'ŵ', { size: 20, italic: true })
    body += dot([x(solution[0]), y(solution[1])], kind === 'l1' ? blue : orange, 7.5)
    body += text(box[0] + 8, box[3] - 10, 'w₁ →', { size: 17 })
    body += text(x(0) + 8, box[1] + 22, '↑ w₂', { size: 17 })
    body += text((box[0] + box[2]) / 2, 32, title, { size: 20, anchor: 'middle', weight: 700 })
    return { body, solution }
  }
  const l1 = panel('l1', 0, 'ℓ₁ ball: a corner')
  const l2 = panel('l2', 310, 'ℓ₂ ball: a tangent point')
  if (Math.abs(l1.solution[1]) > 1e-3)
    throw new Error(`the l1 solution ${l1.solution} is not on a corner: change the figure's quadratic`)
  svg('a-l1-l2-contact.svg', 630, 340, l1.body + l2.body, 'Contours of a quadratic loss first touch the l1 ball at a corner (w2 = 0) and the l2 ball at a smooth tangent point')
}

// ---- part 3: soft-thresholding against ridge shrinkage

function softThresholdFigure(): void {
  const lambda = 1
  const f = frame({
    box: [80, 20, 480, 340],
    xDomain: [-3, 3],
    yDomain: [-3, 3],
    xTicks: [[-3, '−3'], [-2, '−2'], [-1, '−λ'], [0, '0'], [1, 'λ'], [2, '2'], [3, '3']],
    yTicks: [[-3, '−3'], [-2, '−2'], [-1, '−1'], [0, '0'], [1, '1'], [2, '2'], [3, '3']],
    xLabel: 'z (minimiser without penalty)',
    yLabel: 'w (with penalty)',
    zeroLines: true,
  })
  const soft = (z: number) => Math.sign(z) * Math.max(Math.abs(z) - lambda, 0)
  const grid = sample(-3, 3, 601)
  let body = `<rect x="${f.x(-lambda)}" y="20" width="${f.x(lambda) - f.x(-lambda)}" height="320" fill="${blue}" fill-opacity="0.1"/>`
  body += f.body
  body += curve(grid.map(z => [f.x(z), f.y(z)]), faint, 2.5, '7 6')
  body += curve(grid.map(z => [f.x(z), f.y(z / (1 + lambda))]), orange, 3.2)
  body += curve(grid.map(z => [f.x(z), f.y(soft(z))]), blue, 3.8)
  body += legend(96, 48, [
    { label: 'no penalty: w = z', stroke: faint, dash: '7 6' },
    { label: 'ℓ₂: w = z/(1+λ)', stroke: orange },
    { label: 'ℓ₁: w = soft-threshold of z', stroke: blue },
  ])
  body += text(f.x(0), 330, 'w = 0', { size: 16, anchor: 'middle', fill: blue, weight: 700 })
  svg('a-soft-threshold.svg', 500, 410, body, 'Soft-thresholding S_lambda(z) is exactly zero for |z| <= lambda; ridge shrinkage z/(1+lambda) is never zero; lambda = 1')
}

// ---- part 4: one SGD step as a shrink and a gradient step

function decayStepFigure(): void {
  const etaLambda = 0.25
  const w: Point = [2, 1.5]
  const gradStep: Point = [-0.2, 0.45]
  const shrunk: Point = [(1 - etaLambda) * w[0], (1 - etaLambda) * w[1]]
  const next: Point = [shrunk[0] + gradStep[0], shrunk[1] + gradStep[1]]
  const x = scale([-0.25, 2.6], [30, 430])
  const y = scale([-0.25, 2.1], [330, 10])
  const P = (p: Point): Point => [x(p[0]), y(p[1])]
  let body = line([x(-0.25), y(0)], [x(2.6), y(0)], faint, 1.5) + line([x(0), y(-0.25)], [x(0), y(2.1)], faint, 1.5)
  body += text(x(2.6) - 4, y(0) + 26, 'w₁', { size: 19, anchor: 'end' })
  body += text(x(0) + 10, y(2.1) + 16, 'w₂', { size: 19 })
  body += line(P([0, 0]), P(shrunk), faint, 2.5, '3 5')
  body += dot(P([0, 0]), ink, 5) + text(x(0) - 8, y(0) + 22, '0', { size: 18, anchor: 'end' })
  body += arrow(P(w), P(shrunk), blue, 4)
  body += arrow(P(shrunk), P(next), orange, 4)
  body += arrow(P(w), P(next), green, 2.5, '8 6')
  body += dot(P(w), ink, 6) + text(x(w[0]) + 12, y(w[1]) + 6, 'w', { size: 22, italic: true })
  body += dot(P(next), ink, 6) + text(x(next[0]) - 12, y(next[1]) - 10, 'w⁺', { size: 22, anchor: 'end', italic: true })
  body += text(x(shrunk[0]) + 16, y(shrunk[1]) + 22, '(1 − ηλ) w', { size: 19, fill: blue })
  body += legend(30, 376, [
    { label: 'decay: shrink toward 0', stroke: blue },
    { label: 'then the gradient step −η ∇L', stroke: orange },
    { label: 'L2 penalty in one step: −η(∇L + λw)', stroke: green, dash: '8 6' },
  ], 17)
  body += text(430, 356, 'ηλ = 0.25, exaggerated to be seen', { size: 15, anchor: 'end', fill: faint })
  svg('a-decay-step.svg', 440, 440, body, 'One SGD step with weight decay: shrink w by (1 - eta lambda), then take the gradient step; the L2-penalised gradient step lands on the same point')
}

// ---- part 5: the three views as one emblem

function threeViewsFigure(): void {
  let body = ''
  const rows = [
    { title: 'Statistician', formula: 'prior w ~ N(0, τ²I)' },
    { title: 'Geometer', formula: 'Hessian H + λI' },
    { title: 'Physicist', formula: 'spring k = h + λ' },
  ]
  rows.forEach((row, i) => {
    const top = 10 + i * 140
    body += text(210, top + 55, row.title, { size: 24, weight: 700 })
    body += text(210, top + 88, row.formula, { size: 21 })
  })
  // Statistician: a Gaussian density.
  {
    const x = scale([-3, 3], [10, 180])
    const y = scale([0, 0.42], [120, 20])
    body += line([10, 120], [180, 120], ink, 1.5)
    body += curve(sample(-3, 3, 200).map(v => [x(v), y(Math.exp(-v * v / 2) / Math.sqrt(2 * Math.PI))]), blue, 3.5)
    body += line([x(0), 120], [x(0), y(0.399)], faint, 1.5, '4 4')
  }
  // Geometer: contours around w*, the minimiser's path to the origin as lambda grows.
  {
    const h = hessian(1, 0.2, 35)
    const wStar: Point = [1.7, 1.1]
    const x = scale([-0.3, 2.9], [10, 180])
    const y = scale([-0.2, 1.9], [265, 155])
    body += `<clipPath id="geometer"><rect x="0" y="150" width="190" height="120"/></clipPath><g clip-path="url(#geometer)">`
    for (const level of [0.015, 0.05, 0.11])
      body += curve(ellipse(h, wStar, level).map(([u, v]) => [x(u), y(v)]), faint, 1.8, '', true)
    body += `</g>`
    const trail = [0, ...sample(-2, 2, 60).map(e => 10 ** e), 1e4].map(l => shrunkMinimum(h, wStar, l))
    body += curve(trail.map(([u, v]) => [x(u), y(v)]), orange, 3.5)
    body += dot([x(0), y(0)], ink, 5) + dot([x(wStar[0]), y(wStar[1])], ink, 5)
  }
  // Physicist: a damped oscillation.
  {
    const x = scale([0, 12], [10, 180])
    const y = scale([-1, 1], [405, 305])
    body += line([10, 355], [180, 355], faint, 1.5)
    body += curve(sample(0, 12, 300).map(t => [x(t), y(Math.exp(-0.25 * t) * Math.cos(2.2 * t))]), green, 3.5)
  }
  svg('a-three-views.svg', 440, 420, body, 'Three views of weight decay: a Gaussian prior, a curvature shift that pulls the minimum toward the origin, a damped oscillator')
}

// ---- part 5: the eigen-direction shrink factor h/(h + lambda)

function eigenShrinkFigure(): void {
  const f = frame({
    box: [90, 20, 500, 300],
    xDomain: [1e-3, 1e2],
    yDomain: [0, 1],
    logX: true,
    xTicks: [[1e-3, '0.001'], [1e-2, '0.01'], [1e-1, '0.1'], [1, '1'], [10, '10'], [100, '100']],
    yTicks: [[0, '0'], [0.5, '0.5'], [1, '1']],
    xLabel: 'curvature h (eigenvalue of H, log scale)',
    yLabel: 'factor h/(h + λ)',
  })
  const grid = sample(-3, 2, 300).map(e => 10 ** e)
  let body = f.body
  body += line([f.x(0.1), 20], [f.x(0.1), 300], faint, 1.5, '5 5')
  body += curve(grid.map(h => [f.x(h), f.y(h / (h + 1))]), orange, 3)
  body += curve(grid.map(h => [f.x(h), f.y(h / (h + 0.1))]), blue, 3.8)
  for (const h of [10, 1, 0.1, 0.01]) {
    const factor = h / (h + 0.1)
    body += dot([f.x(h), f.y(factor)], blue, 6.5)
    const label = factor.toFixed(factor < 0.1 || factor > 0.95 ? 3 : 2)
    const above = h === 0.01
    body += text(f.x(h) + (above ? -10 : 10), f.y(factor) + (above ? -12 : 24), label, { size: 17, anchor: above ? 'end' : 'start', fill: blue, weight: 700 })
  }
  body += text(f.x(0.1) - 8, 44, 'h = λ: halved', { size: 16, fill: faint, anchor: 'end' })
  body += legend(f.x(2.5), f.y(0.4), [{ label: 'λ = 0.1', stroke: blue }, { label: 'λ = 1', stroke: orange }], 18)
  svg('a-eigen-shrink.svg', 520, 362, body, 'The factor h/(h + lambda) by which weight decay scales the minimiser along an eigenvector of curvature h; lambda = 0.1 gives 0.990, 0.909, 0.5, 0.091 for h = 10, 1, 0.1, 0.01')
}

// ---- part 5: the regularised minimum's path from w* to 0 bends (scale and direction)

function pullFigure(): void {
  const h = hessian(1, 0.1, 20)
  const wStar: Point = [1.8, 1.4]
  const x = scale([-0.3, 2.3], [70, 430])
  const y = scale([-0.3, 2.1], [360, 28])
  const P = (p: Point): Point => [x(p[0]), y(p[1])]
  let body = `<clipPath id="pull"><rect x="70" y="28" width="360" height="332"/></clipPath>`
  body += `<rect x="70" y="28" width="360" height="332" fill="none" stroke="${ink}" stroke-width="1.5"/>`
  body += `<g clip-path="url(#pull)">`
  body += line([x(0), 28], [x(0), 360], faint, 1.2) + line([70, y(0)], [430, y(0)], faint, 1.2)
  for (const level of [0.03, 0.12, 0.3, 0.6])
    body += curve(ellipse(h, wStar, level).map(p => P(p)), faint, 1.8, '', true)
  body += line(P([0, 0]), P(wStar), ink, 2, '7 6')
  const trail = [0, ...sample(-3, 3, 200).map(e => 10 ** e), 1e5].map(l => shrunkMinimum(h, wStar, l))
  body += curve(trail.map(p => P(p)), orange, 4)
  body += `</g>`
  for (const lambda of [0.1, 1]) {
    const m = shrunkMinimum(h, wStar, lambda)
    body += dot(P(m), orange, 7) + text(x(m[0]) + 12, y(m[1]) + 22, `λ = ${lambda}`, { size: 18, fill: orange, weight: 700, halo: true })
  }
  body += dot(P(wStar), ink, 7) + text(x(wStar[0]) - 12, y(wStar[1]) - 12, 'w* (λ = 0)', { size: 18, anchor: 'end', halo: true })
  body += dot(P([0, 0]), ink, 6) + text(x(0) - 8, y(0) + 24, '0', { size: 18, anchor: 'end' })
  body += text(250, 386, 'w₁', { size: 19, anchor: 'middle' })
  body += text(40, 194, 'w₂', { size: 19, anchor: 'middle' })
  body += legend(70, 414, [{ label: 'minimiser as λ grows', stroke: orange }])
  body += legend(300, 414, [{ label: 'ray to 0', stroke: ink, dash: '7 6' }])
  svg('a-pull-to-origin.svg', 450, 430, body, 'Contours of a quadratic with curvatures 1 and 0.1: as lambda grows the regularised minimiser moves from w* to the origin along a bent path, not along the ray')
}

// ---- part 5: damping ratio of heavy ball against lambda

function dampingFigure(): void {
  const eta = 0.5
  const mu = 0.5
  const zeta = (h: number, lambda: number) => (1 - mu) / (2 * Math.sqrt(eta * (h + lambda)))
  const f = frame({
    box: [90, 20, 500, 300],
    xDomain: [0, 1],
    yDomain: [0, 2],
    xTicks: [[0, '0'], [0.25, '0.25'], [0.5, '0.5'], [0.75, '0.75'], [1, '1']],
    yTicks: [[0, '0'], [0.5, '0.5'], [1, '1'], [1.5, '1.5'], [2, '2']],
    xLabel: 'decay strength λ',
    yLabel: 'damping ratio ζ',
  })
  const grid = sample(0, 1, 300)
  let body = f.body
  body += line([90, f.y(1)], [500, f.y(1)], faint, 1.8, '7 6')
  body += text(490, f.y(1) - 10, 'overdamped', { size: 16, anchor: 'end', fill: faint })
  body += text(490, f.y(1) + 24, 'underdamped', { size: 16, anchor: 'end', fill: faint })
  body += curve(grid.map(l => [f.x(l), f.y(Math.min(2, zeta(0.05, l)))]), blue, 3.8)
  body += curve(grid.map(l => [f.x(l), f.y(zeta(1, l))]), orange, 3.2)
  body += legend(300, 50, [{ label: 'flat: h = 0.05', stroke: blue }, { label: 'steep: h = 1', stroke: orange }], 18)
  body += text(300, 106, 'η = 0.5, μ = 0.5', { size: 17, fill: faint })
  svg('a-damping.svg', 520, 362, body, 'Damping ratio of heavy-ball momentum against the decay strength for a flat and a steep direction: it falls as lambda grows')
}

overfitFigure()
unitBallsFigure()
contactFigure()
softThresholdFigure()
decayStepFigure()
threeViewsFigure()
eigenShrinkFigure()
pullFigure()
dampingFigure()
