/** Parameter checks shared by the experiments: each throws an Error whose message starts with the field name. */

export function requireFinite(field: string, value: number): void {
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new Error(`${field}: must be a finite number, got ${value}`)
}

export function requirePositive(field: string, value: number): void {
  if (!(Number.isFinite(value) && value > 0))
    throw new Error(`${field}: must be a finite number > 0, got ${value}`)
}

export function requireNonNegative(field: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0))
    throw new Error(`${field}: must be a finite number >= 0, got ${value}`)
}

export function requireInteger(field: string, value: number, min = 1, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isSafeInteger(value) || value < min || value > max)
    throw new Error(`${field}: must be an integer in [${min}, ${max}], got ${value}`)
}

/** Strictly between lo and hi. */
export function requireOpenInterval(field: string, value: number, lo: number, hi: number): void {
  requireFinite(field, value)
  if (!(value > lo && value < hi))
    throw new Error(`${field}: must be in (${lo}, ${hi}), got ${value}`)
}

/** A momentum or beta coefficient, in [0, 1). */
export function requireUnitInterval(field: string, value: number): void {
  if (!(Number.isFinite(value) && value >= 0 && value < 1))
    throw new Error(`${field}: must be in [0, 1), got ${value}`)
}

/** `value` may not be below the field it is bounded by (a range's upper end). */
export function requireAtLeast(field: string, value: number, lowerField: string, lower: number): void {
  if (!(value >= lower))
    throw new Error(`${field}: must be >= ${lowerField} = ${lower}, got ${value}`)
}
