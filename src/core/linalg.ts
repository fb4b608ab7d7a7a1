/** Small dense float64 linear algebra for closed forms (row-major matrices). */

/** Adds row r of A (`cols` columns) to the upper triangle of A^T A: one step of `gram`, for callers that pace it. */
export function gramAddRow(out: Float64Array, a: Float64Array, r: number, cols: number): void {
  for (let i = 0; i < cols; i++) {
    const ai = a[r * cols + i]
    for (let j = i; j < cols; j++)
      out[i * cols + j] += ai * a[r * cols + j]
  }
}

/** Copies the upper triangle of a `cols` x `cols` matrix to the lower one. */
export function mirrorUpper(out: Float64Array, cols: number): Float64Array {
  for (let i = 0; i < cols; i++) {
    for (let j = 0; j < i; j++)
      out[i * cols + j] = out[j * cols + i]
  }
  return out
}

/** A^T A for A with `rows` rows and `cols` columns. */
export function gram(a: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(cols * cols)
  for (let r = 0; r < rows; r++)
    gramAddRow(out, a, r, cols)
  return mirrorUpper(out, cols)
}

/** A^T y. */
export function transposeTimes(a: Float64Array, rows: number, cols: number, y: Float64Array): Float64Array {
  const out = new Float64Array(cols)
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < cols; i++)
      out[i] += a[r * cols + i] * y[r]
  }
  return out
}

/**
 * Row i of the Cholesky factor L (S = L L^T, n x n, row-major) from S and rows 0 .. i-1 of L: one step of `solveSpd`,
 * for callers that pace it. Throws if S is not positive definite.
 */
export function choleskyRow(s: Float64Array, l: Float64Array, i: number, n: number): void {
  for (let j = 0; j <= i; j++) {
    let sum = s[i * n + j]
    for (let k = 0; k < j; k++)
      sum -= l[i * n + k] * l[j * n + k]
    if (i === j) {
      if (!(sum > 0))
        throw new Error('solveSpd: matrix is not positive definite')
      l[i * n + i] = Math.sqrt(sum)
    }
    else {
      l[i * n + j] = sum / l[j * n + j]
    }
  }
}

/** Solves L L^T x = b for a Cholesky factor L (forward, then back substitution). */
export function solveCholesky(l: Float64Array, b: Float64Array): Float64Array {
  const n = b.length
  const z = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    let sum = b[i]
    for (let k = 0; k < i; k++)
      sum -= l[i * n + k] * z[k]
    z[i] = sum / l[i * n + i]
  }
  const x = new Float64Array(n)
  for (let i = n - 1; i >= 0; i--) {
    let sum = z[i]
    for (let k = i + 1; k < n; k++)
      sum -= l[k * n + i] * x[k]
    x[i] = sum / l[i * n + i]
  }
  return x
}

/** Solves S x = b for a symmetric positive definite S (Cholesky). Throws if S is not positive definite. */
export function solveSpd(s: Float64Array, b: Float64Array): Float64Array {
  const n = b.length
  const l = new Float64Array(n * n)
  for (let i = 0; i < n; i++)
    choleskyRow(s, l, i, n)
  return solveCholesky(l, b)
}
