import type { OptimizerName, OptimizerSettings, RunHyper } from '../../src/core/optimizers'
import { beforeAll, describe, expect, it } from 'vitest'
import { createOptimizer } from '../../src/core/optimizers'
import { runScaleInvariant } from '../../src/experiments/scale-invariant'
import { useCpuBackend } from './setup-tf'

let tf: Awaited<ReturnType<typeof useCpuBackend>>
beforeAll(async () => {
  tf = await useCpuBackend()
})

/** Runs an optimizer on a fixed quadratic, loss 1/2 sum_i h_i (w_i - c_i)^2, and returns the iterates. */
function quadraticRun(settings: OptimizerSettings, runs: RunHyper[], steps: number): number[][] {
  const h = [4, 1, 0.25, 0.01]
  const c = [1, -2, 3, 0.5]
  const rows = h.length
  const hGrid = tf.tile(tf.tensor2d(h, [rows, 1]), [1, runs.length])
  const cGrid = tf.tile(tf.tensor2d(c, [rows, 1]), [1, runs.length])
  const w = tf.variable(tf.zeros([rows, runs.length]))
  const optimizer = createOptimizer(settings, runs, { size: rows }, w)
  const iterates: number[][] = []
  for (let k = 0; k < steps; k++) {
    const g = tf.tidy(() => tf.mul(hGrid, tf.sub(w, cGrid)))
    optimizer.apply(w, g)
    g.dispose()
    iterates.push(Array.from(w.dataSync()))
  }
  tf.dispose([hGrid, cGrid, w])
  optimizer.dispose()
  return iterates
}

function relativeGap(a: number[], b: number[]) {
  return Math.hypot(...a.map((v, i) => v - b[i])) / Math.max(Math.hypot(...b), 1e-30)
}

describe('l2 penalty against decoupled decay (science.md check 1)', () => {
  it('gives identical iterates for SGD', () => {
    const runs = [{ eta: 0.1, lambda: 0.3 }, { eta: 0.05, lambda: 1 }]
    const coupled = quadraticRun({ name: 'sgd' }, runs, 50)
    const decoupled = quadraticRun({ name: 'sgdw' }, runs, 50)
    coupled.forEach((w, k) => expect(relativeGap(w, decoupled[k])).toBeLessThan(1e-6))
  })

  it('differs under Adam: Adam+L2 is not AdamW', () => {
    const runs = [{ eta: 0.01, lambda: 0.5 }]
    const coupled = quadraticRun({ name: 'adam-l2' }, runs, 200).at(-1)!
    const decoupled = quadraticRun({ name: 'adamw' }, runs, 200).at(-1)!
    expect(relativeGap(coupled, decoupled)).toBeGreaterThan(1e-2)
  })

  it('gives the same as lambda = 0 when lambda is 0, for every rule but ista', () => {
    const names: OptimizerName[] = ['sgd', 'sgdw', 'momentum', 'adam-l2', 'adamw']
    for (const name of names) {
      const plain = quadraticRun({ name: name.startsWith('adam') ? 'adam' : name === 'momentum' ? 'momentum' : 'sgd' }, [{ eta: 0.01 }], 20).at(-1)!
      const zero = quadraticRun({ name }, [{ eta: 0.01, lambda: 0 }], 20).at(-1)!
      expect(relativeGap(zero, plain)).toBeLessThan(1e-6)
    }
  })
})

describe('each rule against a float64 reference', () => {
  const h = [4, 1, 0.25, 0.01]
  const c = [1, -2, 3, 0.5]
  const eta = 0.02
  const lambda = 0.3
  const grad = (w: number[]) => w.map((wi, i) => h[i] * (wi - c[i]))

  it('adam with coupled L2 and adamw follow the PyTorch update', () => {
    const reference = (decoupled: boolean) => {
      let w = [0, 0, 0, 0]
      const m = [0, 0, 0, 0]
      const v = [0, 0, 0, 0]
      for (let t = 1; t <= 30; t++) {
        const g = grad(w).map((gi, i) => decoupled ? gi : gi + lambda * w[i])
        if (decoupled)
          w = w.map(wi => wi * (1 - eta * lambda))
        w = w.map((wi, i) => {
          m[i] = 0.9 * m[i] + 0.1 * g[i]
          v[i] = 0.999 * v[i] + 0.001 * g[i] ** 2
          const mHat = m[i] / (1 - 0.9 ** t)
          const vHat = v[i] / (1 - 0.999 ** t)
          return wi - eta * mHat / (Math.sqrt(vHat) + 1e-8)
        })
      }
      return w
    }
    expect(relativeGap(quadraticRun({ name: 'adamw' }, [{ eta, lambda }], 30).at(-1)!, reference(true))).toBeLessThan(1e-5)
    expect(relativeGap(quadraticRun({ name: 'adam-l2' }, [{ eta, lambda }], 30).at(-1)!, reference(false))).toBeLessThan(1e-5)
  })

  it('heavy-ball momentum puts lambda*w into the velocity', () => {
    let w = [0, 0, 0, 0]
    const velocity = [0, 0, 0, 0]
    for (let t = 0; t < 30; t++) {
      const g = grad(w)
      w = w.map((wi, i) => {
        velocity[i] = 0.9 * velocity[i] + g[i] + lambda * wi
        return wi - eta * velocity[i]
      })
    }
    expect(relativeGap(quadraticRun({ name: 'momentum', momentum: 0.9 }, [{ eta, lambda }], 30).at(-1)!, w)).toBeLessThan(1e-5)
  })

  it('ista soft-thresholds after the gradient step and lands on exact zeros', () => {
    const final = quadraticRun({ name: 'ista' }, [{ eta: 0.1, l1: 0.6 }], 3000).at(-1)!
    // Minimiser of 1/2 h (w - c)^2 + l1 |w| per coordinate: sign(c) max(|c| - l1/h, 0).
    const exact = c.map((ci, i) => Math.sign(ci) * Math.max(Math.abs(ci) - 0.6 / h[i], 0))
    final.forEach((wi, i) => expect(wi).toBeCloseTo(exact[i], 4))
    expect(final[3]).toBe(0)
  })

  it('elastic net: ista with both lambda and l1 reaches the per-coordinate closed form', () => {
    const l1 = 0.4
    const final = quadraticRun({ name: 'ista' }, [{ eta: 0.1, lambda: 0.5, l1 }], 4000).at(-1)!
    // argmin 1/2 h (w - c)^2 + (lambda/2) w^2 + l1 |w| = sign(c) max(h |c| - l1, 0) / (h + lambda)
    const exact = c.map((ci, i) => Math.sign(ci) * Math.max(h[i] * Math.abs(ci) - l1, 0) / (h[i] + 0.5))
    final.forEach((wi, i) => expect(wi).toBeCloseTo(exact[i], 4))
    expect(final.filter(v => v === 0).length).toBe(exact.filter(v => v === 0).length)
  })

  it('leaves no tensor behind after dispose, for every rule', () => {
    for (const name of ['sgd', 'momentum', 'sgdw', 'adam', 'adam-l2', 'adamw', 'ista', 'hyperball'] as OptimizerName[]) {
      const w = tf.variable(tf.ones([3, 2]))
      const start = tf.memory().numTensors
      const optimizer = createOptimizer({ name, momentum: 0.5 }, [{ eta: 0.1, lambda: 0.1, l1: 0.1 }, { eta: 0.2 }], { size: 3 }, w)
      const g = tf.ones([3, 2])
      optimizer.apply(w, g)
      g.dispose()
      optimizer.dispose()
      expect(tf.memory().numTensors, name).toBe(start)
      w.dispose()
    }
  })

  it('validates its configuration and names the field', () => {
    expect(() => createOptimizer({ name: 'nesterov' as OptimizerName }, [{ eta: 0.1 }], { size: 2 })).toThrow(/optimizer/)
    expect(() => createOptimizer({ name: 'sgd' }, [{ eta: 0.1, lambda: -1 }], { size: 2 })).toThrow(/runs\[0\]\.lambda/)
    expect(() => createOptimizer({ name: 'sgd' }, [{ eta: 0 }], { size: 2 })).toThrow(/runs\[0\]\.eta/)
    expect(() => createOptimizer({ name: 'adam', beta1: 1 }, [{ eta: 0.1 }], { size: 2 })).toThrow(/beta1/)
    expect(() => createOptimizer({ name: 'sgd' }, [], { size: 2 })).toThrow(/runs/)
  })
})

async function scaleInvariantRun(optimizer: OptimizerSettings, run: RunHyper, d: number, steps: number, tail: number, initialNorm: number) {
  const result = await runScaleInvariant({ optimizer, run, d, steps, tail, initialNorm, every: steps, seed: 11 })
  return { angle: result.finalAngle, norm: result.finalNorm }
}

describe('rotational equilibrium on a scale-invariant weight', () => {
  it('with SGD the angular update tends to arccos(1 - eta lambda) (science.md check 5)', async () => {
    const eta = 0.1
    const lambda = 5e-4
    // The equilibrium norm^4 = eta L / (lambda (2 - eta lambda)) with L = d - 1; start there to save steps.
    const d = 2000
    const norm = (eta * (d - 1) / (lambda * (2 - eta * lambda))) ** 0.25
    const { angle } = await scaleInvariantRun({ name: 'sgd' }, { eta, lambda }, d, 6000, 2000, norm)
    const expected = Math.acos(1 - eta * lambda)
    expect(Math.abs(angle - expected) / expected).toBeLessThan(0.02)
  })

  it('with AdamW the angle is sqrt(2 eta lambda (1-b1)/(1+b1)) = 0.00324 and norm sqrt(eta d / (2 lambda)) = 3.162 (check 6)', async () => {
    const eta = 1e-3
    const lambda = 0.1
    const d = 2000
    const { angle, norm } = await scaleInvariantRun({ name: 'adamw' }, { eta, lambda }, d, 40_000, 5000, 1)
    expect(Math.abs(angle - 0.00324) / 0.00324).toBeLessThan(0.02)
    expect(Math.abs(norm - 3.162) / 3.162).toBeLessThan(0.02)
  }, 240_000) // 40,000 steps of d = 2000 on the cpu backend: about 30 s alone, longer on a busy machine.

  it('hyperball keeps the norm to 1e-6 and turns by arctan(eta) for orthogonal updates (check 7)', async () => {
    const eta = 0.05
    // The projected gradient is orthogonal to w, so with the raw gradient as base update the angle is exact.
    const orthogonal = await scaleInvariantRun({ name: 'hyperball', hyperballBase: 'sgd' }, { eta }, 500, 300, 100, 2.5)
    expect(Math.abs(orthogonal.norm - 2.5) / 2.5).toBeLessThan(1e-6)
    expect(Math.abs(orthogonal.angle - Math.atan(eta)) / Math.atan(eta)).toBeLessThan(0.01)
    // AdamH: Adam's direction is not orthogonal to w, but the norm stays fixed all the same.
    const adamH = await scaleInvariantRun({ name: 'hyperball' }, { eta }, 500, 300, 100, 2.5)
    expect(Math.abs(adamH.norm - 2.5) / 2.5).toBeLessThan(1e-6)
    expect(adamH.angle).toBeLessThan(Math.atan(eta) * 1.0001)
  })
})
