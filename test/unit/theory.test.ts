import type { Complex } from '../../src/core/theory'
import { describe, expect, it } from 'vitest'
import { createRng, normalMatrix } from '../../src/core/random'
import {
  adamwEquilibriumAngle,
  adamwEquilibriumNorm,
  conditionNumber,
  dampingRatio,
  effectiveLearningRateSgd,
  gdStableLearningRate,
  heavyBallRoots,
  heavyBallStable,
  hessianShrink,
  hyperballAngle,
  hyperballMatchingEta,
  isUnderdamped,
  lassoKktViolation,
  lassoLambdaMax,
  lassoPath,
  lassoSolution,
  momentumEquilibriumAngle,
  momentumEquilibriumNorm,
  reluBalanceScale,
  reluConservedQuantity,
  reluPathPenalty,
  ridge1dLambdaStar,
  ridge1dMean,
  ridge1dMse,
  ridgeSolution,
  sgdEquilibriumAngle,
  sgdEquilibriumAngleApprox,
  sgdEquilibriumNorm,
  sgdwRoots,
  softThreshold,
  timeToEquilibrium,
} from '../../src/core/theory'

/** A seeded regression problem y = X w_true + noise with a sparse w_true. */
function problem(n: number, d: number, seed: number) {
  const rng = createRng(seed)
  const x = normalMatrix(rng, n, d)
  const wTrue = new Float64Array(d)
  wTrue[0] = 2
  wTrue[1] = -1.5
  wTrue[2] = 0.8
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = 0.3 * rng.normal()
    for (let j = 0; j < d; j++)
      sum += x[i * d + j] * wTrue[j]
    y[i] = sum
  }
  return { x, y, n, d }
}

/** z^2 - b z + c evaluated at a complex z. */
function quadratic(z: Complex, b: number, c: number): Complex {
  return {
    re: z.re * z.re - z.im * z.im - b * z.re + c,
    im: 2 * z.re * z.im - b * z.im,
  }
}

const modulus = (z: Complex) => Math.hypot(z.re, z.im)

describe('ridge (mean loss)', () => {
  it('satisfies the normal equations (X^T X/n + lambda I) w = X^T y/n', () => {
    const { x, y, n, d } = problem(40, 8, 7)
    for (const lambda of [0, 0.05, 1]) {
      const w = ridgeSolution(x, n, d, y, lambda)
      for (let j = 0; j < d; j++) {
        let lhs = lambda * w[j]
        let rhs = 0
        for (let i = 0; i < n; i++) {
          let pred = 0
          for (let k = 0; k < d; k++)
            pred += x[i * d + k] * w[k]
          lhs += x[i * d + j] * pred / n
          rhs += x[i * d + j] * y[i] / n
        }
        expect(Math.abs(lhs - rhs)).toBeLessThan(1e-10)
      }
    }
  })

  it('shrinks towards zero as lambda grows and rejects a negative lambda', () => {
    const { x, y, n, d } = problem(40, 8, 7)
    const norm = (w: Float64Array) => Math.hypot(...w)
    expect(norm(ridgeSolution(x, n, d, y, 1))).toBeLessThan(norm(ridgeSolution(x, n, d, y, 0.1)))
    expect(() => ridgeSolution(x, n, d, y, -1)).toThrow(/lambda/)
    expect(() => ridgeSolution(x, n, d + 1, y, 1)).toThrow(/x/)
  })
})

describe('lasso (mean loss, proximal / coordinate descent)', () => {
  it('soft-thresholds', () => {
    expect(softThreshold(3, 1)).toBe(2)
    expect(softThreshold(-3, 1)).toBe(-2)
    expect(softThreshold(0.5, 1)).toBe(0)
    expect(softThreshold(-1, 1)).toBe(0)
    expect(() => softThreshold(1, -1)).toThrow(/t/)
  })

  it('meets the KKT conditions and gives exact zeros at a moderate lambda', () => {
    const { x, y, n, d } = problem(50, 20, 11)
    const lambda = 0.2 * lassoLambdaMax(x, n, d, y)
    const w = lassoSolution(x, n, d, y, lambda)
    expect(lassoKktViolation(x, n, d, y, w, lambda)).toBeLessThan(1e-4)
    const zeros = Array.from(w).filter(v => v === 0).length
    expect(zeros).toBeGreaterThanOrEqual(1)
    expect(zeros).toBeLessThan(d)
    // The checker is not trivially zero: a perturbed or ridge point violates KKT.
    const moved = Float64Array.from(w)
    moved[0] += 0.05
    expect(lassoKktViolation(x, n, d, y, moved, lambda)).toBeGreaterThan(1e-3)
    expect(lassoKktViolation(x, n, d, y, ridgeSolution(x, n, d, y, lambda), lambda)).toBeGreaterThan(1e-3)
  })

  it('gives w = 0 exactly from lambda_max = ||X^T y||_inf / n on, and not below it', () => {
    const { x, y, n, d } = problem(50, 20, 11)
    const lambdaMax = lassoLambdaMax(x, n, d, y)
    let expected = 0
    for (let j = 0; j < d; j++) {
      let c = 0
      for (let i = 0; i < n; i++)
        c += x[i * d + j] * y[i]
      expected = Math.max(expected, Math.abs(c) / n)
    }
    expect(lambdaMax).toBeCloseTo(expected, 12)
    for (const lambda of [lambdaMax, 1.5 * lambdaMax])
      expect(Array.from(lassoSolution(x, n, d, y, lambda)).every(v => v === 0)).toBe(true)
    const below = lassoSolution(x, n, d, y, 0.99 * lambdaMax)
    expect(Array.from(below).filter(v => v !== 0)).toHaveLength(1)
  })

  it('follows the path with warm starts', () => {
    const { x, y, n, d } = problem(50, 20, 3)
    const lambdaMax = lassoLambdaMax(x, n, d, y)
    const lambdas = [1, 0.5, 0.2, 0.05].map(f => f * lambdaMax)
    const path = lassoPath(x, n, d, y, lambdas)
    expect(path).toHaveLength(lambdas.length)
    path.forEach((w, k) => {
      expect(lassoKktViolation(x, n, d, y, w, lambdas[k])).toBeLessThan(1e-8)
      const cold = lassoSolution(x, n, d, y, lambdas[k])
      w.forEach((v, j) => expect(Math.abs(v - cold[j])).toBeLessThan(1e-8))
    })
    const support = path.map(w => Array.from(w).filter(v => v !== 0).length)
    expect(support[0]).toBe(0)
    expect(support.at(-1)).toBeGreaterThan(support[1])
  })
})

describe('1-D ridge bias and variance', () => {
  const wStar = 5
  const n = 20
  const sigma = 10

  it('has lambda* = sigma^2/(n w*^2) = 0.2', () => {
    expect(ridge1dLambdaStar(sigma, n, wStar)).toBeCloseTo(0.2, 12)
    expect(() => ridge1dLambdaStar(sigma, n, 0)).toThrow(/wStar/)
  })

  it('gives the shrunk mean and the unregularised variance', () => {
    expect(ridge1dMean(wStar, 1, 0)).toBe(wStar)
    expect(ridge1dMean(wStar, 1, 1)).toBeCloseTo(2.5, 12)
    expect(ridge1dMean(wStar, 2, 0.5)).toBeCloseTo(4, 12)
    expect(ridge1dMse(wStar, sigma, n, 1, 0)).toBeCloseTo(sigma ** 2 / n, 12)
    // lambda = s: bias^2 = (w*/2)^2, variance = sigma^2/(4 n s).
    expect(ridge1dMse(wStar, sigma, n, 2, 2)).toBeCloseTo(6.25 + 100 / 160, 12)
  })

  it('is minimised at lambda* on a fine grid, whatever s', () => {
    const step = 1e-3
    for (const s of [1, 0.7, 2.3]) {
      let best = 0
      let bestMse = Infinity
      for (let lambda = 0; lambda <= 1 + 1e-12; lambda += step) {
        const mse = ridge1dMse(wStar, sigma, n, s, lambda)
        if (mse < bestMse) {
          bestMse = mse
          best = lambda
        }
      }
      expect(Math.abs(best - 0.2)).toBeLessThanOrEqual(step)
      expect(bestMse).toBeLessThan(ridge1dMse(wStar, sigma, n, s, 0))
    }
  })
})

describe('geometry of the penalised quadratic', () => {
  it('shrinks eigen-coordinates by h/(h + lambda) (checks item 4)', () => {
    const ratios = [10, 1, 0.1, 0.01].map(h => hessianShrink(h, 0.1))
    const expected = [0.9901, 0.9091, 0.5, 0.0909]
    ratios.forEach((r, i) => expect(r).toBeCloseTo(expected[i], 4))
    expect(() => hessianShrink(1, -0.1)).toThrow(/lambda/)
  })

  it('improves the condition number and lowers the stable step size', () => {
    expect(conditionNumber(10, 0.01, 0)).toBeCloseTo(1000, 9)
    expect(conditionNumber(10, 0.01, 0.1)).toBeCloseTo(10.1 / 0.11, 9)
    expect(gdStableLearningRate(10, 0)).toBeCloseTo(0.2, 12)
    expect(gdStableLearningRate(9.9, 0.1)).toBeCloseTo(0.2, 12)
    expect(() => conditionNumber(0.01, 10, 0.1)).toThrow(/hMax/)
  })
})

describe('momentum as a damped oscillator', () => {
  it('returns heavy-ball roots that solve z^2 - (1 + mu - eta k) z + mu = 0', () => {
    for (const [eta, mu, k] of [[0.1, 0.9, 1], [0.5, 0.5, 0.1], [1, 0.3, 3.5], [0.01, 0, 1]]) {
      const b = 1 + mu - eta * k
      const roots = heavyBallRoots(eta, mu, k)
      expect(roots).toHaveLength(2)
      for (const z of roots) {
        const q = quadratic(z, b, mu)
        expect(modulus(q)).toBeLessThan(1e-12)
      }
      // Vieta: sum b, product mu.
      expect(roots[0].re + roots[1].re).toBeCloseTo(b, 12)
      expect(roots[0].re * roots[1].re - roots[0].im * roots[1].im).toBeCloseTo(mu, 12)
    }
  })

  it('classifies underdamping and stability consistently with the roots', () => {
    const mu = 0.81
    for (let ek = 0.005; ek < 5; ek += 0.01) {
      const roots = heavyBallRoots(ek, mu, 1)
      const complex = roots[0].im !== 0
      const inside = Math.max(...roots.map(modulus)) < 1
      expect(isUnderdamped(ek, mu, 1)).toBe(complex)
      expect(heavyBallStable(ek, mu, 1)).toBe(inside)
    }
    // Thresholds (1 - 0.9)^2 = 0.01, (1 + 0.9)^2 = 3.61, 2(1 + 0.81) = 3.62.
    expect(isUnderdamped(0.009, mu, 1)).toBe(false)
    expect(isUnderdamped(0.011, mu, 1)).toBe(true)
    expect(isUnderdamped(3.62, mu, 1)).toBe(false)
    expect(heavyBallStable(3.619, mu, 1)).toBe(true)
    expect(heavyBallStable(3.621, mu, 1)).toBe(false)
  })

  it('returns SGDW roots of its own characteristic equation', () => {
    const [eta, mu, h, lambda] = [0.1, 0.9, 1, 0.5]
    const b = 1 + mu - eta * (h + lambda)
    const c = mu * (1 - eta * lambda)
    const roots = sgdwRoots(eta, mu, h, lambda)
    for (const z of roots)
      expect(modulus(quadratic(z, b, c))).toBeLessThan(1e-12)
    expect(roots[0].re * roots[1].re - roots[0].im * roots[1].im).toBeCloseTo(c, 12)
    // Differs from coupled L2 (product mu) once lambda > 0, agrees at lambda = 0.
    const coupled = heavyBallRoots(eta, mu, h + lambda)
    expect(Math.abs(modulus(coupled[0]) - modulus(roots[0]))).toBeGreaterThan(1e-3)
    const plain = sgdwRoots(eta, mu, h, 0)
    heavyBallRoots(eta, mu, h).forEach((z, i) => {
      expect(plain[i].re).toBeCloseTo(z.re, 12)
      expect(plain[i].im).toBeCloseTo(z.im, 12)
    })
  })

  it('has a damping ratio (1 - mu)/(2 sqrt(eta (h + lambda))) that falls as lambda grows', () => {
    expect(dampingRatio(0.1, 0.9, 1, 0)).toBeCloseTo(0.1 / (2 * Math.sqrt(0.1)), 12)
    const zetas = [0, 0.01, 0.1, 1, 10].map(lambda => dampingRatio(0.1, 0.5, 1, lambda))
    for (let i = 1; i < zetas.length; i++)
      expect(zetas[i]).toBeLessThan(zetas[i - 1])
    expect(() => dampingRatio(0.1, 1, 1, 0)).toThrow(/mu/)
  })
})

describe('rotational equilibrium', () => {
  it('gives AdamW angle 0.00324 and norm 3.162 (checks item 6)', () => {
    const angle = adamwEquilibriumAngle(1e-3, 0.1, 0.9)
    expect(Math.abs(angle - 0.00324)).toBeLessThan(5e-6)
    expect(angle).toBeCloseTo(Math.sqrt(2e-4 * 0.1 / 1.9), 14)
    const norm = adamwEquilibriumNorm(1e-3, 0.1, 2000)
    expect(Math.abs(norm - 3.162)).toBeLessThan(5e-4)
    expect(norm).toBeCloseTo(Math.sqrt(10), 12)
    expect(() => adamwEquilibriumNorm(1e-3, 0, 2000)).toThrow(/lambda/)
  })

  it('gives the SGD angle arccos(1 - eta lambda) ~ sqrt(2 eta lambda) (checks item 5)', () => {
    const angle = sgdEquilibriumAngle(0.1, 5e-4)
    expect(Math.cos(angle)).toBeCloseTo(1 - 5e-5, 14)
    const approx = sgdEquilibriumAngleApprox(0.1, 5e-4)
    expect(approx).toBeCloseTo(0.01, 14)
    expect(Math.abs(angle / approx - 1)).toBeLessThan(1e-4)
  })

  it('gives the SGD and momentum norms from the table', () => {
    const [eta, lambda, gradSq] = [0.1, 5e-4, 3]
    const norm = sgdEquilibriumNorm(eta, lambda, gradSq)
    expect(norm ** 4 * lambda * (2 - eta * lambda)).toBeCloseTo(eta * gradSq, 12)
    const mNorm = momentumEquilibriumNorm(eta, lambda, 0.9, gradSq)
    expect(mNorm ** 4).toBeCloseTo(eta * gradSq / (2 * lambda * 0.1), 8)
    expect(momentumEquilibriumAngle(eta, lambda, 0.9)).toBeCloseTo(Math.sqrt(1e-4 / 1.9), 14)
    expect(momentumEquilibriumAngle(eta, lambda, 0)).toBeCloseTo(sgdEquilibriumAngleApprox(eta, lambda), 14)
  })

  it('gives the effective learning rate and the time scale', () => {
    expect(effectiveLearningRateSgd(0.1, 2)).toBeCloseTo(0.025, 14)
    expect(timeToEquilibrium(1e-3, 0.1)).toBeCloseTo(1e4, 8)
    expect(() => effectiveLearningRateSgd(0.1, 0)).toThrow(/norm/)
  })
})

describe('hyperball', () => {
  it('turns by arctan(eta): pi/4 at eta = 1', () => {
    expect(hyperballAngle(1)).toBeCloseTo(Math.PI / 4, 14)
    expect(hyperballAngle(0)).toBe(0)
  })

  it('matches AdamW with eta_H = the AdamW equilibrium angle', () => {
    expect(hyperballMatchingEta(1e-3, 0.1, 0.9)).toBeCloseTo(Math.sqrt(2e-4 * 0.1 / 1.9), 14)
  })
})

describe('relu rescaling symmetry', () => {
  it('minimises (lambda/2)(v^2/s^2 + s^2 ||u||^2) at s^2 = |v|/||u|| with value lambda |v| ||u||', () => {
    const [lambda, v, uNorm] = [0.3, -2, 0.5]
    const penalty = (s: number) => lambda / 2 * (v * v / (s * s) + s * s * uNorm * uNorm)
    const s = reluBalanceScale(v, uNorm)
    expect(s).toBeCloseTo(2, 12)
    expect(penalty(s)).toBeCloseTo(reluPathPenalty(lambda, v, uNorm), 12)
    expect(reluPathPenalty(lambda, v, uNorm)).toBeCloseTo(0.3, 12)
    for (const f of [0.9, 1.1])
      expect(penalty(f * s)).toBeGreaterThan(penalty(s))
  })

  it('has v^2 - ||u||^2 conserved by gradient flow, decaying like exp(-2 lambda t) with decay', () => {
    expect(reluConservedQuantity(3, 2)).toBe(5)
    expect(reluConservedQuantity(-3, 2)).toBe(5)
    // One unit in its active region, f = v (u.x), loss (f - 1)^2/2, explicit Euler with a tiny step to t = 1.
    const flow = (lambda: number) => {
      const x = [0.6, 0.8]
      let v = 1.5
      let u = [0.4, 0.3]
      const dt = 1e-4
      for (let step = 0; step < 10_000; step++) {
        const pre = u[0] * x[0] + u[1] * x[1]
        const r = v * pre - 1
        const dv = r * pre + lambda * v
        u = u.map((ui, i) => ui - dt * (r * v * x[i] + lambda * ui))
        v -= dt * dv
      }
      return reluConservedQuantity(v, Math.hypot(...u))
    }
    const q0 = reluConservedQuantity(1.5, 0.5)
    expect(Math.abs(flow(0) - q0)).toBeLessThan(1e-3)
    expect(flow(0.5) / q0).toBeCloseTo(Math.exp(-2 * 0.5), 3)
  })
})
