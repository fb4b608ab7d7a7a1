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
