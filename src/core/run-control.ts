/**
 * Paces an experiment's run for a slide: work in slices of a frame budget, draw between slices, pause, step one
 * slice, and stop. Framework-free so the same logic is unit-tested in Node and used by every demo.
 */
import type { Progress, RunHooks } from '../experiments/types'
import { RunStopped } from '../experiments/types'

export interface RunControlOptions<M extends string = string, T extends string = string> {
  /** Milliseconds of work before the run yields to the page (a getter may change it, e.g. when printing). @default 8 */
  budgetMs?: number | (() => number)
  /** @default performance.now */
  now?: () => number
  /** Resolves at the next chance to draw. @default requestAnimationFrame, or a 0 ms timer without one */
  nextFrame?: () => Promise<void>
  /** Receives the run's state each time it yields, and how many checkpoints the run has passed. */
  onSnapshot: (progress: Progress<M, T>, position: number) => void
  /**
   * Checkpoints the run may pass (another window's run leads this one), or undefined for no limit. A limited run
   * goes up to its limit whether paused or not, and yields there; it never passes it.
   */
  ceiling?: () => number | undefined
  /** Whether a new slice may start (the other windows have caught up with this one). @default always */
  gate?: () => boolean
}

export interface RunControl<M extends string = string, T extends string = string> {
  /** Hooks for a new run; the previous run stops at its next checkpoint. */
  begin: () => RunHooks<M, T>
  /** Stops the current run at its next checkpoint. */
  stop: () => void
  /** Whether the run may use frames (the slide is shown, or the page is printing) and the user has not paused it. */
  setAllowed: (allowed: boolean) => void
  setPaused: (paused: boolean) => void
  /** While paused: run one more slice, then pause again. */
  step: () => void
  /** The ceiling has moved: a run waiting at it may go on. */
  wake: () => void
  /** The generation of the current run; a finished run compares it to know whether it is still wanted. */
  readonly generation: number
  /** Checkpoints the current run has passed. */
  readonly position: number
}

/**
 * Resumes after the next frame is drawn, in a task of its own. Resumed inside the animation-frame callback, the
 * slice, the view's update and the browser's style, layout and paint of it were one task: 30-40 ms at the costliest
 * corners here, over the 50 ms of a long task as soon as the machine is a little busier. Split, each is about half.
 */
export function defaultNextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function')
      requestAnimationFrame(() => setTimeout(resolve, 0))
    else
      setTimeout(resolve, 0)
  })
}

export function createRunControl<M extends string = string, T extends string = string>(options: RunControlOptions<M, T>): RunControl<M, T> {
  const budgetOption = options.budgetMs ?? 8
  const budget = () => typeof budgetOption === 'function' ? budgetOption() : budgetOption
  const now = options.now ?? (() => performance.now())
  const nextFrame = options.nextFrame ?? defaultNextFrame
  const ceiling = options.ceiling ?? (() => undefined)
  const gate = options.gate ?? (() => true)
  let generation = 0
  let position = 0
  let allowed = false
  let paused = false
  let stepping = false
  let sliceStart = Number.NEGATIVE_INFINITY
  let wake: (() => void) | undefined

  const mayRun = () => {
    const limit = ceiling()
    return allowed && (limit === undefined ? (!paused || stepping) && gate() : position < limit)
  }
  const notify = () => {
    const resume = wake
    wake = undefined
    resume?.()
  }
  const waitUntilRunnable = (mine: number) => new Promise<void>((resolve) => {
    const check = () => {
      if (mine !== generation || mayRun())
        resolve()
      else
        wake = check
    }
    check()
  })

  function hooksFor(mine: number): RunHooks {
    return {
      async checkpoint(snapshot, asked) {
        if (mine !== generation)
          throw new RunStopped()
        position++
        if (mayRun() && now() - sliceStart < budget() && !asked?.draw)
          return
        options.onSnapshot(snapshot(), position)
        if (stepping && now() - sliceStart >= budget()) {
          stepping = false
          paused = true
        }
        await nextFrame()
        await waitUntilRunnable(mine)
        if (mine !== generation)
          throw new RunStopped()
        sliceStart = now()
      },
    }
  }

  return {
    begin() {
      generation++
      position = 0
      stepping = false
      sliceStart = Number.NEGATIVE_INFINITY
      notify()
      return hooksFor(generation)
    },
    stop() {
      generation++
      notify()
    },
    setAllowed(value) {
      allowed = value
      notify()
    },
    setPaused(value) {
      paused = value
      stepping = false
      notify()
    },
    step() {
      if (!paused)
        return
      stepping = true
      sliceStart = now()
      notify()
    },
    wake: notify,
    get generation() {
      return generation
    },
    get position() {
      return position
    },
  }
}
