/**
 * Closed forms from the weight-decay reference (shared/science.md), in plain float64 TypeScript.
 * One source of truth: the tests and the slides' theory lines both call these functions.
 * Framework-free on purpose (no tfjs, no Vue, no DOM). Matrices are row-major, n rows by d columns.
 */
import { gram, solveSpd, transposeTimes } from './linalg'

/** A complex number. */
export interface Complex {
  re: number
  im: number
}

/** Options of the coordinate-descent lasso solver. */
export interface LassoOptions {
  /** Stop when no coordinate moves by more than tol * max(1, max |w_j|) in a sweep (default 1e-12). */
  tol?: number
  /** Most sweeps over the coordinates before giving up with an Error (default 100000). */
  maxSweeps?: number
  /** Starting point (warm start), length d; defaults to zeros. */
  init?: Float64Array
}

// ---------------------------------------------------------------------------
// Input validation: a wrong value must throw, not silently give garbage.

function requireFinite(name: string, value: number): void {
  if (!Number.isFinite(value))
    throw new Error(`${name}: must be a finite number, got ${value}`)
}

function requireNonNegative(name: string, value: number): void {
  requireFinite(name, value)
  if (value < 0)
    throw new Error(`${name}: must be >= 0, got ${value}`)
}

function requirePositive(name: string, value: number): void {
  requireFinite(name, value)
  if (!(value > 0))
    throw new Error(`${name}: must be > 0, got ${value}`)
}

function requirePositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name}: must be a positive integer, got ${value}`)
}

function requireMomentum(name: string, value: number): void {
  requireFinite(name, value)
  if (value < 0 || value >= 1)
    throw new Error(`${name}: must be in [0, 1), got ${value}`)
}

function requireDesign(x: Float64Array, n: number, d: number, y: Float64Array): void {
  requirePositiveInteger('n', n)
  requirePositiveInteger('d', d)
  if (x.length !== n * d)
    throw new Error(`x: must have n * d = ${n * d} entries, got ${x.length}`)
  if (y.length !== n)
    throw new Error(`y: must have n = ${n} entries, got ${y.length}`)
}

function requireVector(name: string, w: Float64Array, d: number): void {
  if (w.length !== d)
    throw new Error(`${name}: must have d = ${d} entries, got ${w.length}`)
}

// ---------------------------------------------------------------------------
// Section 2: ridge and lasso (mean loss 1/(2n)||Xw - y||^2).

/** Ridge minimiser of the mean loss 1/(2n)||Xw - y||^2 + (lambda/2)||w||^2: (X^T X/n + lambda I)^{-1} X^T y/n. */
export function ridgeSolution(x: Float64Array, n: number, d: number, y: Float64Array, lambda: number): Float64Array {
  return ridgeSolver(x, n, d, y)(lambda)
}

/**
 * `ridgeSolution` for many lambdas of one design: X^T X/n and X^T y/n once, then one Cholesky solve per lambda (the
 * same arithmetic, so the same bits). For a path of 100 lambdas at 200 x 50 the Gram matrix was most of the work.
 */
export function ridgeSolver(x: Float64Array, n: number, d: number, y: Float64Array): (lambda: number) => Float64Array {
  requireDesign(x, n, d, y)
  const s = gram(x, n, d)
  for (let i = 0; i < s.length; i++)
    s[i] /= n
  const b = transposeTimes(x, n, d, y)
  for (let i = 0; i < d; i++)
    b[i] /= n
  return (lambda) => {
    requireNonNegative('lambda', lambda)
    const shifted = Float64Array.from(s)
    for (let i = 0; i < d; i++)
      shifted[i * d + i] += lambda
    return solveSpd(shifted, b)
  }
}

/** Soft-thresholding S_t(z) = sign(z) max(|z| - t, 0), the prox of t|.|. */
export function softThreshold(z: number, t: number): number {
  requireNonNegative('t', t)
  if (z > t)
    return z - t
  if (z < -t)
    return z + t
  return 0
}

/** Smallest lambda with w = 0 for the mean-loss lasso 1/(2n)||Xw - y||^2 + lambda||w||_1: ||X^T y||_inf / n. */
export function lassoLambdaMax(x: Float64Array, n: number, d: number, y: Float64Array): number {
  requireDesign(x, n, d, y)
  const c = transposeTimes(x, n, d, y)
  let max = 0
  for (let j = 0; j < d; j++)
    max = Math.max(max, Math.abs(c[j]))
  return max / n
}

/** Correlations x_j^T (y - Xw) / n of every column with the residual (mean-loss convention). */
function residualCorrelations(x: Float64Array, n: number, d: number, y: Float64Array, w: Float64Array): Float64Array {
  const r = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let pred = 0
    for (let j = 0; j < d; j++)
      pred += x[i * d + j] * w[j]
    r[i] = y[i] - pred
  }
  const g = transposeTimes(x, n, d, r)
  for (let j = 0; j < d; j++)
    g[j] /= n
  return g
}

/** Max KKT violation of w for the mean-loss lasso 1/(2n)||Xw - y||^2 + lambda||w||_1 (0 at the exact solution). */
export function lassoKktViolation(x: Float64Array, n: number, d: number, y: Float64Array, w: Float64Array, lambda: number): number {
  requireDesign(x, n, d, y)
  requireVector('w', w, d)
  requireNonNegative('lambda', lambda)
  const g = residualCorrelations(x, n, d, y, w)
  let worst = 0
  for (let j = 0; j < d; j++) {
    const violation = w[j] !== 0
      ? Math.abs(g[j] - lambda * Math.sign(w[j]))
      : Math.max(0, Math.abs(g[j]) - lambda)
    worst = Math.max(worst, violation)
  }
  return worst
}

/** Reference lasso solution of 1/(2n)||Xw - y||^2 + lambda||w||_1 by cyclic coordinate descent (exact zeros). */
export function lassoSolution(x: Float64Array, n: number, d: number, y: Float64Array, lambda: number, options: LassoOptions = {}): Float64Array {
  const descent = lassoDescent(x, n, d, y, lambda, options)
  for (;;) {
    const next = descent.next()
    if (next.done)
      return next.value
  }
}

/**
 * `lassoSolution` one sweep at a time: yields after each sweep over the d coordinates (about 2 n d operations) and
 * returns the solution, so that a slide can pace it. Near lambda = 0 one solution takes hundreds of sweeps.
 */
export function* lassoDescent(x: Float64Array, n: number, d: number, y: Float64Array, lambda: number, options: LassoOptions = {}): Generator<void, Float64Array> {
  requireDesign(x, n, d, y)
  requireNonNegative('lambda', lambda)
  const tol = options.tol ?? 1e-12
  const maxSweeps = options.maxSweeps ?? 100_000
  requirePositive('options.tol', tol)
  requirePositiveInteger('options.maxSweeps', maxSweeps)
  const w = new Float64Array(d)
  if (options.init) {
    requireVector('options.init', options.init, d)
    w.set(options.init)
  }
  // Column curvatures c_j = ||x_j||^2 / n and the residual r = y - Xw.
  const c = new Float64Array(d)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      c[j] += x[i * d + j] * x[i * d + j]
  }
  for (let j = 0; j < d; j++)
    c[j] /= n
  const r = Float64Array.from(y)
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++)
      r[i] -= x[i * d + j] * w[j]
  }
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let maxChange = 0
    let maxAbs = 0
    for (let j = 0; j < d; j++) {
      const old = w[j]
      let next = 0
      if (c[j] > 0) {
        let rho = 0
        for (let i = 0; i < n; i++)
          rho += x[i * d + j] * r[i]
        rho = rho / n + c[j] * old
        next = softThreshold(rho, lambda) / c[j]
      }
      const delta = next - old
      if (delta !== 0) {
        for (let i = 0; i < n; i++)
          r[i] -= x[i * d + j] * delta
        w[j] = next
      }
      maxChange = Math.max(maxChange, Math.abs(delta))
      maxAbs = Math.max(maxAbs, Math.abs(next))
    }
    if (maxChange <= tol * Math.max(1, maxAbs))
      return w
    yield
  }
  throw new Error(`lassoSolution: no convergence to tol = ${tol} in ${maxSweeps} sweeps`)
}

/** Mean-loss lasso solutions, one per lambda in the given order, each warm-started from the previous one. */
export function lassoPath(x: Float64Array, n: number, d: number, y: Float64Array, lambdas: readonly number[]): Float64Array[] {
  requireDesign(x, n, d, y)
  const path: Float64Array[] = []
  let init: Float64Array | undefined
  lambdas.forEach((lambda, k) => {
    requireNonNegative(`lambdas[${k}]`, lambda)
    init = lassoSolution(x, n, d, y, lambda, { init })
    path.push(init)
  })
  return path
}

// 1-D ridge, convention of science.md section 2: minimise (1/n) sum (y - w x)^2 + lambda w^2 (no 1/2 on either term).

function requireRidge1d(s: number, lambda: number): void {
  requireNonNegative('s', s)
  requireNonNegative('lambda', lambda)
  if (!(s + lambda > 0))
    throw new Error('s + lambda: must be > 0')
}

/** E[w_hat] = w* s/(s + lambda) for the 1-D ridge (1/n) sum (y - w x)^2 + lambda w^2, s = sum x^2 / n. */
export function ridge1dMean(wStar: number, s: number, lambda: number): number {
  requireFinite('wStar', wStar)
  requireRidge1d(s, lambda)
  return wStar * s / (s + lambda)
}

/** MSE(lambda) = (w*^2 lambda^2 + sigma^2 s/n)/(s + lambda)^2 for the 1-D ridge (1/n) sum (y - w x)^2 + lambda w^2. */
export function ridge1dMse(wStar: number, sigma: number, n: number, s: number, lambda: number): number {
  requireFinite('wStar', wStar)
  requireNonNegative('sigma', sigma)
  requirePositive('n', n)
  requireRidge1d(s, lambda)
  return (wStar * wStar * lambda * lambda + sigma * sigma * s / n) / ((s + lambda) ** 2)
}

/** MSE-optimal lambda* = sigma^2/(n w*^2) for the 1-D ridge with penalty lambda w^2 (doubles with (lambda/2) w^2). */
export function ridge1dLambdaStar(sigma: number, n: number, wStar: number): number {
  requireNonNegative('sigma', sigma)
  requirePositive('n', n)
  requireFinite('wStar', wStar)
  if (wStar === 0)
    throw new Error('wStar: must be != 0')
  return sigma * sigma / (n * wStar * wStar)
}

// ---------------------------------------------------------------------------
// Section 3: geometry of L = 1/2 (w - w*)^T H (w - w*) + (lambda/2)||w||^2.

/** Factor h/(h + lambda) by which the eigen-coordinate of w* with Hessian eigenvalue h is shrunk ((lambda/2)||w||^2 penalty). */
export function hessianShrink(h: number, lambda: number): number {
  requireNonNegative('h', h)
  requireNonNegative('lambda', lambda)
  if (!(h + lambda > 0))
    throw new Error('h + lambda: must be > 0')
  return h / (h + lambda)
}

/** Condition number (h_max + lambda)/(h_min + lambda) of H + lambda I ((lambda/2)||w||^2 penalty). */
export function conditionNumber(hMax: number, hMin: number, lambda: number): number {
  requireNonNegative('hMin', hMin)
  requireFinite('hMax', hMax)
  requireNonNegative('lambda', lambda)
  if (hMax < hMin)
    throw new Error(`hMax: must be >= hMin = ${hMin}, got ${hMax}`)
  if (!(hMin + lambda > 0))
    throw new Error('hMin + lambda: must be > 0')
  return (hMax + lambda) / (hMin + lambda)
}

/** Largest stable gradient-descent learning rate 2/(h_max + lambda) ((lambda/2)||w||^2 penalty, stable for eta below it). */
export function gdStableLearningRate(hMax: number, lambda: number): number {
  requireNonNegative('hMax', hMax)
  requireNonNegative('lambda', lambda)
  if (!(hMax + lambda > 0))
    throw new Error('hMax + lambda: must be > 0')
  return 2 / (hMax + lambda)
}

// ---------------------------------------------------------------------------
// Section 4: momentum as a damped oscillator (spring constant k = h + lambda, coupled L2).

/** Both roots of the real quadratic z^2 - b z + c = 0, larger real part (or positive imaginary part) first. */
function quadraticRoots(b: number, c: number): Complex[] {
  const disc = b * b - 4 * c
  if (disc >= 0) {
    const root = Math.sqrt(disc)
    return [{ re: (b + root) / 2, im: 0 }, { re: (b - root) / 2, im: 0 }]
  }
  const im = Math.sqrt(-disc) / 2
  return [{ re: b / 2, im }, { re: b / 2, im: -im }]
}

/** Roots of the heavy-ball characteristic equation z^2 - (1 + mu - eta k) z + mu = 0 (v <- mu v - eta k w; w <- w + v). */
export function heavyBallRoots(eta: number, mu: number, k: number): Complex[] {
  requireNonNegative('eta', eta)
  requireMomentum('mu', mu)
  requireNonNegative('k', k)
  return quadraticRoots(1 + mu - eta * k, mu)
}

/** Roots of decoupled SGDW's characteristic equation z^2 - (1 + mu - eta(h + lambda)) z + mu(1 - eta lambda) = 0. */
export function sgdwRoots(eta: number, mu: number, h: number, lambda: number): Complex[] {
  requireNonNegative('eta', eta)
  requireMomentum('mu', mu)
  requireNonNegative('h', h)
  requireNonNegative('lambda', lambda)
  return quadraticRoots(1 + mu - eta * (h + lambda), mu * (1 - eta * lambda))
}

/** Continuous-limit damping ratio zeta = (1 - mu)/(2 sqrt(eta (h + lambda))) of heavy ball with coupled L2. */
export function dampingRatio(eta: number, mu: number, h: number, lambda: number): number {
  requirePositive('eta', eta)
  requireMomentum('mu', mu)
  requireNonNegative('h', h)
  requireNonNegative('lambda', lambda)
  if (!(h + lambda > 0))
    throw new Error('h + lambda: must be > 0')
  return (1 - mu) / (2 * Math.sqrt(eta * (h + lambda)))
}

/** Heavy ball oscillates (complex roots) iff (1 - sqrt(mu))^2 < eta k < (1 + sqrt(mu))^2. */
export function isUnderdamped(eta: number, mu: number, k: number): boolean {
  requireNonNegative('eta', eta)
  requireMomentum('mu', mu)
  requireNonNegative('k', k)
  const sq = Math.sqrt(mu)
  const ek = eta * k
  return (1 - sq) ** 2 < ek && ek < (1 + sq) ** 2
}

/** Heavy ball converges iff eta k < 2(1 + mu) (for k > 0, 0 <= mu < 1). */
export function heavyBallStable(eta: number, mu: number, k: number): boolean {
  requireNonNegative('eta', eta)
  requireMomentum('mu', mu)
  requireNonNegative('k', k)
  return eta * k < 2 * (1 + mu)
}

// ---------------------------------------------------------------------------
// Section 5: rotational equilibrium of scale-invariant weights (decay step w <- (1 - eta lambda) w;
// gradSq = L = E||grad at unit norm||^2; count = C = number of entries).

function requireDecay(eta: number, lambda: number): void {
  requirePositive('eta', eta)
  requirePositive('lambda', lambda)
}

/** SGD equilibrium norm (eta L/(lambda (2 - eta lambda)))^(1/4); needs eta lambda < 2. */
export function sgdEquilibriumNorm(eta: number, lambda: number, gradSq: number): number {
  requireDecay(eta, lambda)
  requireNonNegative('gradSq', gradSq)
  if (!(eta * lambda < 2))
    throw new Error('eta * lambda: must be < 2')
  return (eta * gradSq / (lambda * (2 - eta * lambda))) ** 0.25
}

/** SGD equilibrium angular update per step acos(1 - eta lambda) (radians); needs eta lambda <= 2. */
export function sgdEquilibriumAngle(eta: number, lambda: number): number {
  requireDecay(eta, lambda)
  if (!(eta * lambda <= 2))
    throw new Error('eta * lambda: must be <= 2')
  return Math.acos(1 - eta * lambda)
}

/** Small-eta lambda approximation sqrt(2 eta lambda) of the SGD equilibrium angular update (radians). */
export function sgdEquilibriumAngleApprox(eta: number, lambda: number): number {
  requireDecay(eta, lambda)
  return Math.sqrt(2 * eta * lambda)
}

/** SGD + momentum mu (L2 in the gradient) equilibrium norm (eta L/(2 lambda (1 - mu)))^(1/4). */
export function momentumEquilibriumNorm(eta: number, lambda: number, mu: number, gradSq: number): number {
  requireDecay(eta, lambda)
  requireMomentum('mu', mu)
  requireNonNegative('gradSq', gradSq)
  return (eta * gradSq / (2 * lambda * (1 - mu))) ** 0.25
}

/** SGD + momentum mu (L2 in the gradient) equilibrium angular update sqrt(2 eta lambda/(1 + mu)) (radians). */
export function momentumEquilibriumAngle(eta: number, lambda: number, mu: number): number {
  requireDecay(eta, lambda)
  requireMomentum('mu', mu)
  return Math.sqrt(2 * eta * lambda / (1 + mu))
}

/** AdamW equilibrium norm sqrt(eta C/(2 lambda)), C = number of entries (decoupled decay, PyTorch convention). */
export function adamwEquilibriumNorm(eta: number, lambda: number, count: number): number {
  requireDecay(eta, lambda)
  requirePositiveInteger('count', count)
  return Math.sqrt(eta * count / (2 * lambda))
}

/** AdamW equilibrium angular update sqrt(2 eta lambda (1 - beta1)/(1 + beta1)) (radians, PyTorch convention). */
export function adamwEquilibriumAngle(eta: number, lambda: number, beta1: number): number {
  requireDecay(eta, lambda)
  requireMomentum('beta1', beta1)
  return Math.sqrt(2 * eta * lambda * (1 - beta1) / (1 + beta1))
}

/** Effective SGD learning rate eta/||w||^2 of the direction of a scale-invariant weight. */
export function effectiveLearningRateSgd(eta: number, norm: number): number {
  requireNonNegative('eta', eta)
  requirePositive('norm', norm)
  return eta / (norm * norm)
}

/** Time scale 1/(eta lambda) in steps for the norm to reach equilibrium (decay step w <- (1 - eta lambda) w). */
export function timeToEquilibrium(eta: number, lambda: number): number {
  requireDecay(eta, lambda)
  return 1 / (eta * lambda)
}

// ---------------------------------------------------------------------------
// Section 7: hyperball W <- R Normalize(W - eta R Normalize(u)).

/** Hyperball angle per step arctan(eta) (radians) when the update is orthogonal to W. */
export function hyperballAngle(eta: number): number {
  requireNonNegative('eta', eta)
  return Math.atan(eta)
}

/** Hyperball eta_H that mimics AdamW (eta, lambda, beta1): its equilibrium angle sqrt(2 eta lambda (1 - beta1)/(1 + beta1)). */
export function hyperballMatchingEta(eta: number, lambda: number, beta1: number): number {
  return adamwEquilibriumAngle(eta, lambda, beta1)
}

// ---------------------------------------------------------------------------
// Section 8: ReLU rescaling symmetry of v relu(u.x), penalty (lambda/2)(v^2 + ||u||^2).

/** Minimum over rescalings of (lambda/2)(v^2 + ||u||^2): lambda |v| ||u|| (the path norm). */
export function reluPathPenalty(lambda: number, v: number, uNorm: number): number {
  requireNonNegative('lambda', lambda)
  requireFinite('v', v)
  requireNonNegative('uNorm', uNorm)
  return lambda * Math.abs(v) * uNorm
}

/** Balancing scale s = sqrt(|v|/||u||) of (u, v) -> (s u, v/s) that minimises the (lambda/2)(v^2 + ||u||^2) penalty. */
export function reluBalanceScale(v: number, uNorm: number): number {
  requireFinite('v', v)
  requirePositive('uNorm', uNorm)
  return Math.sqrt(Math.abs(v) / uNorm)
}

/** v^2 - ||u||^2, conserved by gradient flow without decay (shrinks like exp(-2 lambda t) with decay). */
export function reluConservedQuantity(v: number, uNorm: number): number {
  requireFinite('v', v)
  requireNonNegative('uNorm', uNorm)
  return v * v - uNorm * uNorm
}
