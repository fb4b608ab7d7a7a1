/**
 * Learning-rate schedules: a factor f(s) on the base learning rate for the update with index s (0 for the first),
 * so that eta_s = eta * f(s). Every optimizer takes one (the batched tfjs ones in optimizers.ts and the small-MLP
 * engine in mlp/); decoupled decay uses the scheduled rate, w <- w - eta_s lambda w, as PyTorch does.
 */

export const scheduleNames = ['constant', 'warmup', 'cosine', 'warmup-cosine', 'steps'] as const
export type ScheduleName = typeof scheduleNames[number]

export interface ScheduleSpec {
  name: ScheduleName
  /** Updates of the whole run: the cosine reaches its floor here. */
  total: number
  /** Updates of linear warmup, f = (s + 1) / warmup (warmup, warmup-cosine). @default 0 */
  warmup?: number
  /** Factor the cosine ends at. @default 0 */
  floor?: number
  /** Updates between two drops (steps). @default total / 3 */
  every?: number
  /** Factor of each drop (steps). @default 0.1 */
  gamma?: number
}

/** The factor of update s, in (0, 1]. */
export type LearningRateSchedule = (s: number) => number

export function isScheduleName(value: unknown): value is ScheduleName {
  return typeof value === 'string' && (scheduleNames as readonly string[]).includes(value)
}

/** Throws an Error naming the first invalid field. */
export function validateSchedule(spec: ScheduleSpec): void {
  if (!isScheduleName(spec.name))
    throw new Error(`schedule: unknown schedule '${String(spec.name)}' (one of ${scheduleNames.join(', ')})`)
  if (!(Number.isInteger(spec.total) && spec.total >= 1))
    throw new Error(`schedule.total: must be an integer >= 1, got ${spec.total}`)
  if (spec.warmup !== undefined && !(Number.isInteger(spec.warmup) && spec.warmup >= 0 && spec.warmup <= spec.total))
    throw new Error(`schedule.warmup: must be an integer in [0, ${spec.total}], got ${spec.warmup}`)
  if (spec.floor !== undefined && !(spec.floor >= 0 && spec.floor <= 1))
    throw new Error(`schedule.floor: must be in [0, 1], got ${spec.floor}`)
  if (spec.every !== undefined && !(Number.isInteger(spec.every) && spec.every >= 1))
    throw new Error(`schedule.every: must be an integer >= 1, got ${spec.every}`)
  if (spec.gamma !== undefined && !(spec.gamma > 0 && spec.gamma <= 1))
    throw new Error(`schedule.gamma: must be in (0, 1], got ${spec.gamma}`)
}

/** Half a cosine from 1 at s = 0 down to `floor` at s = length (PyTorch's CosineAnnealingLR, as a factor). */
function cosineFactor(s: number, length: number, floor: number): number {
  const progress = Math.min(1, s / Math.max(1, length))
  return floor + (1 - floor) * (1 + Math.cos(Math.PI * progress)) / 2
}

/**
 * The schedule as a function of the update index. Linear warmup starts at 1/warmup (never at 0, which would waste
 * the first update); warmup-cosine runs the cosine over the updates after the warmup.
 */
export function createSchedule(spec: ScheduleSpec): LearningRateSchedule {
  validateSchedule(spec)
  const warmup = spec.warmup ?? 0
  const floor = spec.floor ?? 0
  const every = spec.every ?? Math.max(1, Math.round(spec.total / 3))
  const gamma = spec.gamma ?? 0.1
  switch (spec.name) {
    case 'constant':
      return () => 1
    case 'warmup':
      return s => s < warmup ? (s + 1) / warmup : 1
    case 'cosine':
      return s => cosineFactor(s, spec.total, floor)
    case 'warmup-cosine':
      return s => s < warmup ? (s + 1) / warmup : cosineFactor(s - warmup, spec.total - warmup, floor)
    case 'steps':
      return s => gamma ** Math.floor(s / every)
  }
}
