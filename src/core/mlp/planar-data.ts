/**
 * The 2-D classification sets of the network demo (TensorFlow Playground's four): circle, XOR, two moons, spiral,
 * all inside about [-1.2, 1.2]^2, with labels 0/1 as numbers, from one seed. Circle and spiral come from datasets.ts.
 */
import type { LabelledPoints } from './batch'
import { circles, spiral } from '../datasets'
import { createRng, deriveSeed } from '../random'

export const planarDataSets = ['circle', 'xor', 'moons', 'spiral'] as const
export type PlanarDataSet = typeof planarDataSets[number]

/** Uniform in [-1, 1]^2, class 1 where x1 x2 > 0; points within 0.05 of an axis are moved off it (Playground's padding). */
function xor(n: number, seed: number): LabelledPoints {
  const rng = createRng(seed)
  const x = new Float64Array(2 * n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < 2; k++) {
      const v = 2 * rng.uniform() - 1
      x[2 * i + k] = v + (v >= 0 ? 0.05 : -0.05)
    }
    y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0
  }
  return { n, x, y }
}

/** scikit-learn's make_moons, centred and scaled by 0.8, with Gaussian noise of std 0.08 per coordinate. */
function moons(n: number, seed: number): LabelledPoints {
  const rng = createRng(seed)
  const x = new Float64Array(2 * n)
  const y = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const label = i % 2
    const t = Math.PI * rng.uniform()
    const [px, py] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)]
    x[2 * i] = 0.8 * (px - 0.5) + 0.08 * rng.normal()
    x[2 * i + 1] = 0.8 * (py - 0.25) + 0.08 * rng.normal()
    y[i] = label
  }
  return { n, x, y }
}

/** n points of a data set; every set draws from its own stream of the seed. */
export function planarPoints(kind: PlanarDataSet, n: number, seed: number): LabelledPoints {
  const stream = deriveSeed(seed, kind)
  switch (kind) {
    case 'xor': return xor(n, stream)
    case 'moons': return moons(n, stream)
    case 'circle':
    case 'spiral': {
      const set = kind === 'circle' ? circles({ seed: stream, n, noise: 0.1 }) : spiral({ seed: stream, n, noise: 0.06 })
      // Spiral arms reach radius 1; the circle's outer ring too: the same scale as the others.
      return { n, x: set.x.map(v => 1.1 * v), y: Float64Array.from(set.labels) }
    }
  }
}

/** The same points with each label flipped with probability p (its own seeded stream). */
export function flipLabels(set: LabelledPoints, p: number, seed: number): LabelledPoints {
  const rng = createRng(deriveSeed(seed, 'label noise'))
  return { ...set, y: set.y.map(v => (rng.uniform() < p ? 1 - v : v)) }
}
