import type { ClassificationSet } from '../../src/core/datasets'
import { describe, expect, it } from 'vitest'
import {
  circles,
  classification2d,
  d2lRegression,
  ridge1dEstimates,
  ridge1dReplicates,
  SEPARABLE_LINE,
  spiral,
  standardize,
} from '../../src/core/datasets'

const mean = (values: ArrayLike<number>) => Array.from(values).reduce((s, v) => s + v, 0) / values.length
function std(values: ArrayLike<number>) {
  const m = mean(values)
  return Math.sqrt(Array.from(values).reduce((s, v) => s + (v - m) ** 2, 0) / values.length)
}
const column = (x: Float64Array, d: number, j: number) => x.filter((_, i) => i % d === j)
function classCounts(set: ClassificationSet) {
  const counts = new Int32Array(set.classes)
  for (const label of set.labels)
    counts[label]++
  return Array.from(counts)
}
/** Every array of a data set, flattened, so one toEqual compares everything. */
const flat = (value: object) => JSON.stringify(value, (_, v) => ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : v)

const generators: Record<string, (seed: number) => object> = {
  'd2lRegression': seed => d2lRegression({ seed }),
  'ridge1dReplicates': seed => ridge1dReplicates({ seed, replicates: 10 }),
  'classification2d separable': seed => classification2d('separable', { seed }),
  'classification2d overlapping': seed => classification2d('overlapping', { seed }),
  'classification2d imbalanced': seed => classification2d('imbalanced', { seed }),
  'classification2d unscaled': seed => classification2d('unscaled', { seed }),
  'spiral': seed => spiral({ seed }),
  'circles': seed => circles({ seed }),
}

describe('determinism', () => {
  for (const [name, generate] of Object.entries(generators)) {
    it(`${name}: same seed gives the same data, another seed other data`, () => {
      expect(flat(generate(11))).toEqual(flat(generate(11)))
      expect(flat(generate(11))).not.toEqual(flat(generate(12)))
    })
  }
})

describe('d2lRegression', () => {
  it('has the d2l shapes and true parameters by default', () => {
    const data = d2lRegression({ seed: 0 })
    expect(data.train).toMatchObject({ n: 20, d: 200 })
    expect(data.test).toMatchObject({ n: 100, d: 200 })
    expect(data.train.x.length).toBe(20 * 200)
    expect(data.train.y.length).toBe(20)
    expect(data.test.x.length).toBe(100 * 200)
    expect(data.test.y.length).toBe(100)
    expect(data.bTrue).toBe(0.05)
    expect(data.wTrue.length).toBe(200)
    expect(Array.from(data.wTrue).every(w => w === 0.01)).toBe(true)
  })

  it('labels follow y = 0.05 + sum 0.01 x + eps with std(eps) = noise', () => {
    for (const noise of [0.01, 0.5]) {
      const data = d2lRegression({ seed: 3, nTrain: 4000, nTest: 1000, noise })
      for (const set of [data.train, data.test]) {
        const residuals = new Float64Array(set.n)
        for (let r = 0; r < set.n; r++) {
          let prediction = 0.05
          for (let j = 0; j < set.d; j++)
            prediction += 0.01 * set.x[r * set.d + j]
          residuals[r] = set.y[r] - prediction
        }
        expect(Math.abs(mean(residuals))).toBeLessThan(5 * noise / Math.sqrt(set.n))
        expect(Math.abs(std(residuals) / noise - 1)).toBeLessThan(0.06)
      }
    }
  })

  it('draws x ~ N(0, 1) and keeps the training set when the test set grows', () => {
    const small = d2lRegression({ seed: 5 })
    const large = d2lRegression({ seed: 5, nTest: 500 })
    expect(Array.from(large.train.x)).toEqual(Array.from(small.train.x))
    expect(Math.abs(mean(large.test.x))).toBeLessThan(0.01)
    expect(Math.abs(std(large.test.x) - 1)).toBeLessThan(0.01)
  })

  it('names the bad field', () => {
    expect(() => d2lRegression({ seed: 0, nTrain: 0 })).toThrow(/^nTrain: must be a positive integer/)
    expect(() => d2lRegression({ seed: 0, nTest: 2.5 })).toThrow(/^nTest: must be a positive integer/)
    expect(() => d2lRegression({ seed: 0, d: -1 })).toThrow(/^d: must be a positive integer/)
    expect(() => d2lRegression({ seed: 0, noise: -0.1 })).toThrow(/^noise: /)
    expect(() => d2lRegression({ seed: 0.5 })).toThrow(/^seed: must be an integer/)
    expect(() => d2lRegression({ seed: Number.NaN })).toThrow(/^seed: /)
  })
})

describe('1-D ridge Monte Carlo (science.md section 2)', () => {
  const replicates = 20_000
  const data = ridge1dReplicates({ seed: 2024, replicates })
  // s averaged over replicates; each replicate's own s = sum x^2 / n is close to 1 for n = 20.
  const sPerReplicate = new Float64Array(replicates)
  for (let r = 0; r < replicates; r++) {
    for (let i = 0; i < data.n; i++)
      sPerReplicate[r] += data.x[r * data.n + i] ** 2 / data.n
  }
  const s = mean(sPerReplicate)

  it('has replicates x n arrays with the defaults n = 20, w* = 5, sigma = 10', () => {
    expect(data).toMatchObject({ n: 20, replicates })
    expect(data.x.length).toBe(replicates * 20)
    expect(data.y.length).toBe(replicates * 20)
    expect(Math.abs(s - 1)).toBeLessThan(0.01)
    // Noise std: residual of the true model.
    const residuals = data.y.map((y, i) => y - 5 * data.x[i])
    expect(Math.abs(std(residuals) / 10 - 1)).toBeLessThan(0.01)
  })

  it('lambda = 0 is unbiased: the mean estimate is within 2% of w* = 5', () => {
    const estimates = ridge1dEstimates(data, 0)
    expect(estimates.length).toBe(replicates)
    expect(Math.abs(mean(estimates) / 5 - 1)).toBeLessThan(0.02)
  })

  it('lambda = 0.2 shrinks the mean estimate to w* s/(s + lambda)', () => {
    const estimates = ridge1dEstimates(data, 0.2)
    expect(Math.abs(mean(estimates) / (5 * s / (s + 0.2)) - 1)).toBeLessThan(0.03)
    // Tighter, without Jensen's gap: average the conditional expectation replicate by replicate.
    const conditional = mean(sPerReplicate.map(sr => 5 * sr / (sr + 0.2)))
    expect(Math.abs(mean(estimates) / conditional - 1)).toBeLessThan(0.01)
  })

  it('matches the closed form of each replicate', () => {
    const small = ridge1dReplicates({ seed: 1, replicates: 3, n: 4 })
    const lambda = 0.7
    const estimates = ridge1dEstimates(small, lambda)
    for (let r = 0; r < 3; r++) {
      const xs = Array.from(small.x.subarray(r * 4, r * 4 + 4))
      const ys = Array.from(small.y.subarray(r * 4, r * 4 + 4))
      // Zero derivative of the objective at the estimate.
      const w = estimates[r]
      const gradient = xs.reduce((g, x, i) => g - 2 * x * (ys[i] - w * x) / 4, 0) + 2 * lambda * w
      expect(Math.abs(gradient)).toBeLessThan(1e-10)
    }
  })

  it('names the bad field', () => {
    expect(() => ridge1dReplicates({ seed: 0, replicates: 0 })).toThrow(/^replicates: must be a positive integer/)
    expect(() => ridge1dReplicates({ seed: 0, replicates: 5, n: 0 })).toThrow(/^n: must be a positive integer/)
    expect(() => ridge1dReplicates({ seed: 0, replicates: 5, wStar: Number.POSITIVE_INFINITY })).toThrow(/^wStar: /)
    expect(() => ridge1dReplicates({ seed: 0, replicates: 5, sigma: -1 })).toThrow(/^sigma: /)
    expect(() => ridge1dEstimates(data, -0.1)).toThrow(/^lambda: /)
  })
})

describe('classification2d', () => {
  const signedMargins = (set: ClassificationSet) => Array.from(set.labels, (label, r) =>
    (2 * label - 1) * (SEPARABLE_LINE.normal[0] * set.x[2 * r] + SEPARABLE_LINE.normal[1] * set.x[2 * r + 1] + SEPARABLE_LINE.bias))

  it('has 2-D inputs, labels 0/1 and n = 200 by default', () => {
    for (const kind of ['separable', 'overlapping', 'imbalanced', 'unscaled'] as const) {
      const set = classification2d(kind, { seed: 1 })
      expect(set).toMatchObject({ n: 200, d: 2, classes: 2 })
      expect(set.x.length).toBe(400)
      expect(set.labels.length).toBe(200)
      expect(Array.from(set.labels).every(label => label === 0 || label === 1)).toBe(true)
    }
  })

  it('separable data clear the guaranteed line through the origin by the margin', () => {
    expect(SEPARABLE_LINE.bias).toBe(0)
    expect(Math.hypot(...SEPARABLE_LINE.normal)).toBeCloseTo(1, 12)
    for (const seed of [0, 1, 2, 3]) {
      const set = classification2d('separable', { seed, n: 2000 })
      expect(Math.min(...signedMargins(set))).toBeGreaterThanOrEqual(SEPARABLE_LINE.margin)
      expect(classCounts(set)).toEqual([1000, 1000])
    }
  })

  it('overlapping data are not separable by that line', () => {
    const set = classification2d('overlapping', { seed: 0, n: 2000 })
    const wrongSide = signedMargins(set).filter(m => m < 0).length / set.n
    expect(classCounts(set)).toEqual([1000, 1000])
    // Bayes error of the two blobs is Phi(-0.75 sqrt 2) = 14.5%.
    expect(wrongSide).toBeGreaterThan(0.1)
    expect(wrongSide).toBeLessThan(0.2)
  })

  it('imbalanced data have about 9:1 classes', () => {
    expect(classCounts(classification2d('imbalanced', { seed: 0 }))).toEqual([180, 20])
    const [majority, minority] = classCounts(classification2d('imbalanced', { seed: 0, n: 1000 }))
    expect(majority / minority).toBeCloseTo(9, 6)
  })

  it('unscaled data are overlapping data with feature 2 about 100x larger', () => {
    const overlapping = classification2d('overlapping', { seed: 4 })
    const unscaled = classification2d('unscaled', { seed: 4 })
    expect(Array.from(unscaled.labels)).toEqual(Array.from(overlapping.labels))
    for (let r = 0; r < unscaled.n; r++) {
      expect(unscaled.x[2 * r]).toBe(overlapping.x[2 * r])
      expect(unscaled.x[2 * r + 1]).toBeCloseTo(100 * overlapping.x[2 * r + 1], 9)
    }
    const ratio = std(column(unscaled.x, 2, 1)) / std(column(unscaled.x, 2, 0))
    expect(ratio).toBeGreaterThan(80)
    expect(ratio).toBeLessThan(125)
  })

  it('mixes the classes along the rows', () => {
    const set = classification2d('separable', { seed: 0 })
    expect(mean(set.labels.subarray(0, 50))).toBeGreaterThan(0.2)
    expect(mean(set.labels.subarray(0, 50))).toBeLessThan(0.8)
  })

  it('names the bad field', () => {
    expect(() => classification2d('separable', { seed: 0, n: 0 })).toThrow(/^n: /)
    expect(() => classification2d('separable', { seed: 0, n: 1 })).toThrow(/^n: must be an integer >= 2/)
    expect(() => classification2d('overlapping', { seed: 0, n: 10.5 })).toThrow(/^n: /)
    expect(() => classification2d('unscaled', { seed: -0.5 })).toThrow(/^seed: /)
    expect(() => classification2d('nope' as 'separable', { seed: 0 })).toThrow(/^kind: /)
  })
})

describe('spiral and circles', () => {
  it('spiral has balanced classes and 2-D inputs', () => {
    const set = spiral({ seed: 0 })
    expect(set).toMatchObject({ n: 300, d: 2, classes: 2 })
    expect(set.x.length).toBe(600)
    expect(classCounts(set)).toEqual([150, 150])
    expect(classCounts(spiral({ seed: 0, n: 301, classes: 3 }))).toEqual([101, 100, 100])
    // Radii stay within the arms' range plus noise.
    const radii = Array.from({ length: set.n }, (_, r) => Math.hypot(set.x[2 * r], set.x[2 * r + 1]))
    expect(Math.max(...radii)).toBeLessThan(1.3)
  })

  it('spiral arms are far from linearly separable: class means sit near the origin', () => {
    const set = spiral({ seed: 0, n: 3000, noise: 0 })
    for (let k = 0; k < 2; k++) {
      const rows = Array.from(set.labels.keys()).filter(r => set.labels[r] === k)
      const meanX = mean(rows.map(r => set.x[2 * r]))
      const meanY = mean(rows.map(r => set.x[2 * r + 1]))
      expect(Math.hypot(meanX, meanY)).toBeLessThan(0.35)
    }
  })

  it('circles have balanced classes on radii 1 and 0.5', () => {
    const set = circles({ seed: 0, noise: 0 })
    expect(set).toMatchObject({ n: 200, d: 2, classes: 2 })
    expect(classCounts(set)).toEqual([100, 100])
    for (let r = 0; r < set.n; r++)
      expect(Math.hypot(set.x[2 * r], set.x[2 * r + 1])).toBeCloseTo(set.labels[r] === 0 ? 1 : 0.5, 12)
    expect(classCounts(circles({ seed: 0, n: 201 }))).toEqual([101, 100])
  })

  it('names the bad field', () => {
    expect(() => spiral({ seed: 0, classes: 1 })).toThrow(/^classes: /)
    expect(() => spiral({ seed: 0, n: 2, classes: 3 })).toThrow(/^n: /)
    expect(() => spiral({ seed: 0, noise: Number.NaN })).toThrow(/^noise: /)
    expect(() => circles({ seed: 0, n: -4 })).toThrow(/^n: /)
    expect(() => circles({ seed: 0, noise: -1 })).toThrow(/^noise: /)
  })
})

describe('standardize', () => {
  it('gives zero-mean, unit-std columns and undoes the unscaled feature', () => {
    const set = classification2d('unscaled', { seed: 9 })
    const { x, mean: means, std: stds } = standardize(set.x, set.n, set.d)
    expect(set.x[1]).not.toBe(x[1]) // a new array: the input is untouched
    for (let j = 0; j < 2; j++) {
      expect(Math.abs(mean(column(x, 2, j)))).toBeLessThan(1e-12)
      expect(std(column(x, 2, j))).toBeCloseTo(1, 12)
      expect(means[j]).toBeCloseTo(mean(column(set.x, 2, j)), 9)
      expect(stds[j]).toBeCloseTo(std(column(set.x, 2, j)), 9)
    }
    expect(stds[1] / stds[0]).toBeGreaterThan(80)
  })

  it('maps a constant column to zeros instead of NaN', () => {
    const { x, std: stds } = standardize(new Float64Array([1, 3, 1, 5, 1, 7]), 3, 2)
    expect(stds[0]).toBe(1)
    expect(Array.from(column(x, 2, 0))).toEqual([0, 0, 0])
  })

  it('names the bad field', () => {
    expect(() => standardize(new Float64Array(6), 0, 2)).toThrow(/^n: /)
    expect(() => standardize(new Float64Array(6), 3, 0)).toThrow(/^d: /)
    expect(() => standardize(new Float64Array(5), 3, 2)).toThrow(/^x: /)
  })
})
