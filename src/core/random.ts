/**
 * Seeded pseudo-random numbers, so that every experiment gives the same data and
 * initial weights on every backend, in the slide, the PDF and the tests.
 */
export interface Rng {
  /** Uniform on [0, 1). */
  uniform: () => number
  /** Standard normal. */
  normal: () => number
}

/** mulberry32: tiny, fast and good enough for data sets and initialisations. */
export function createRng(seed: number): Rng {
  let state = (Math.trunc(seed) ^ 0x9E3779B9) >>> 0
  const uniform = () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  let spare: number | undefined
  // Box-Muller, keeping the second variate for the next call.
  const normal = () => {
    if (spare !== undefined) {
      const value = spare
      spare = undefined
      return value
    }
    let u = 0
    while (u === 0)
      u = uniform()
    const radius = Math.sqrt(-2 * Math.log(u))
    const angle = 2 * Math.PI * uniform()
    spare = radius * Math.sin(angle)
    return radius * Math.cos(angle)
  }
  return { uniform, normal }
}

/** A rows x cols matrix of N(0, scale^2) entries, row-major. */
export function normalMatrix(rng: Rng, rows: number, cols: number, scale = 1): Float64Array {
  const out = new Float64Array(rows * cols)
  for (let i = 0; i < out.length; i++)
    out[i] = scale * rng.normal()
  return out
}

/** A seed for an independent stream named `stream`, derived from `seed` (FNV-1a over the name). */
export function deriveSeed(seed: number, stream: string): number {
  let hash = 0x811C9DC5 ^ Math.trunc(seed)
  for (let i = 0; i < stream.length; i++)
    hash = Math.imul(hash ^ stream.charCodeAt(i), 0x01000193)
  return hash >>> 0
}
