import type { MaybeRefOrGetter, Ref } from 'vue'
import type { DemoMode } from '../src/core/demo-mode'
import type { ConfigOf, Experiment, ParamSpecs } from '../src/experiments/declare'
import type { ExperimentResult, ParamValue, Progress, Series } from '../src/experiments/types'
import { tryOnScopeDispose } from '@vueuse/core'
import { computed, ref, shallowRef, toValue, watch } from 'vue'
import { backendNotice, describeBackend, fallBackFrom, initBackend, onContextLost } from '../src/core/backend'
import { createRunControl } from '../src/core/run-control'
import { parseAddress, resolveConfig } from '../src/experiments/declare'
import { RunStopped } from '../src/experiments/types'

/** What the tests and the styles read from a demo's root: `data-state`. */
export type DemoState = 'idle' | 'running' | 'paused' | 'done' | 'diverged' | 'error'

export interface ExperimentRunOptions<P extends ParamSpecs, M extends string, T extends string> {
  /** The declared experiment; a change starts the new one. */
  experiment: MaybeRefOrGetter<Experiment<P, M, T>>
  /** Parameters over the experiment's defaults; a change restarts the run. */
  params?: MaybeRefOrGetter<Partial<ConfigOf<P>> | Record<string, ParamValue>>
  /** Whether the demo may train now (from `useDemoMode`). */
  mode: MaybeRefOrGetter<DemoMode>
  /** Milliseconds of training per frame while live. @default 8 */
  budgetMs?: number
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/**
 * What the address (`?<id>.<param>=<value>`) sets for an experiment: every value checked against its declaration.
 * With any bad field, nothing from the address is used (`values` is empty) and `errors` names each bad field.
 */
export function addressFor(experiment: Experiment): { values: Record<string, ParamValue>, errors: string[] } {
  return parseAddress(experiment, typeof window === 'undefined' ? '' : window.location.search)
}

/** Per experiment id, how to put its controls back to their defaults ("Reset to defaults"). */
const controlResets = new Map<string, Set<() => void>>()

/**
 * A demo's control (slider, choice) for parameter `name` of `experiment`: it starts from a valid address value, else
 * from `initial` (the declared default unless the slide chooses another), and goes back to `initial` on the demo's
 * "Reset to defaults".
 */
export function useParamControl<P extends ParamSpecs, K extends keyof P & string>(experiment: Experiment<P, string, string>, name: K, initial?: ConfigOf<P>[K]): Ref<ConfigOf<P>[K]> {
  const fallback = (initial ?? experiment.defaults[name]) as ConfigOf<P>[K]
  const { values } = addressFor(experiment)
  const value = ref(name in values ? values[name] : fallback) as Ref<ConfigOf<P>[K]>
  const resets = controlResets.get(experiment.id) ?? new Set()
  controlResets.set(experiment.id, resets)
  const reset = () => {
    value.value = fallback
  }
  resets.add(reset)
  tryOnScopeDispose(() => resets.delete(reset))
  return value
}

/**
 * Printing mounts every slide at once: the demos then compute their finished runs one after another, not all
 * together, so each one's wait in the export is its own run's time.
 */
let printQueue: Promise<unknown> = Promise.resolve()

/** Turns a finished result into the same shape a view draws while the run goes. */
export function resultProgress<M extends string, T extends string>(result: ExperimentResult<M, T>): Progress<M, T> {
  const total = Math.max(0, ...result.runs.flatMap(r => Object.values<Series | undefined>(r.series).map(s => s?.at(-1)?.[0] ?? 0)))
  return { done: total, total, runs: result.runs, theory: result.theory, extra: result.extra }
}

/**
 * Runs one registered experiment on a slide: starts when the slide is first shown (or printed), pauses while it is
 * not, and offers play, pause, step, reset and a seed. Every demo uses this; none paces its own loop.
 */
export function useExperimentRun<P extends ParamSpecs, M extends string, T extends string>(options: ExperimentRunOptions<P, M, T>) {
  const experiment = computed(() => toValue(options.experiment))
  const state = ref<DemoState>('idle')
  const userPaused = ref(false)
  const error = ref('')
  const notice = ref('')
  const backend = ref('')
  const seed = ref(Number(experiment.value.defaults.seed ?? 1))
  const progress = shallowRef<Progress<M, T> | undefined>()
  const result = shallowRef<ExperimentResult<M, T> | undefined>()
  let started = false
  let stopListening = () => {}

  const mode = computed(() => toValue(options.mode))
  const control = createRunControl<M, T>({
    // Printing waits for the finished run, so it may hold the page longer per frame than a live slide.
    budgetMs: () => mode.value === 'print' ? 100 : options.budgetMs ?? 8,
    onSnapshot: (p) => {
      // A fresh object each time: views are computed from it, and the series arrays grow in place.
      progress.value = { ...p, runs: p.runs.map(r => ({ ...r, series: { ...r.series } })) }
    },
  })

  // `?<id>.<param>=value` in the address sets a parameter, so a student can share a configuration. A bad field
  // (unknown, repeated, malformed, out of range) runs nothing: the demo keeps its defaults and names the field.
  const address = addressFor(experiment.value)
  const fromAddress = ref<Record<string, ParamValue>>(address.values)
  const addressErrors = ref(address.errors)
  if (typeof fromAddress.value.seed === 'number')
    seed.value = fromAddress.value.seed
  const config = computed(() => {
    const given: Record<string, ParamValue> = { ...toValue(options.params ?? {}), ...fromAddress.value }
    if ('seed' in experiment.value.defaults)
      given.seed = seed.value
    return given
  })

  async function start() {
    started = true
    const hooks = control.begin()
    const mine = control.generation
    result.value = undefined
    progress.value = undefined
    error.value = ''
    state.value = userPaused.value ? 'paused' : 'running'
    if (addressErrors.value.length > 0) {
      state.value = 'error'
      error.value = `Not run: the address asks for what this demo cannot take (${addressErrors.value.join('; ')}). It keeps its defaults.`
      return
    }
    try {
      await initBackend(new URLSearchParams(window.location.search).get('backend'))
      backend.value = describeBackend()
      notice.value = backendNotice()
      stopListening()
      stopListening = onContextLost(() => void recover())
      const chosen = experiment.value
      const resolved = resolveConfig(chosen, config.value)
      let done: ExperimentResult<M, T>
      if (mode.value === 'print') {
        const turn = printQueue.then(() => chosen.run(resolved, hooks))
        printQueue = turn.catch(() => {})
        done = await turn
      }
      else {
        done = await chosen.run(resolved, hooks)
      }
      if (mine !== control.generation)
        return
      result.value = done
      // The run's own unit (steps, epochs) from its last snapshot; the series' x may be lambda instead.
      const lastTotal = (progress.value as Progress<M, T> | undefined)?.total
      progress.value = lastTotal === undefined ? resultProgress(done) : { ...resultProgress(done), done: lastTotal, total: lastTotal }
      const failed = done.runs.filter(r => r.diverged).map(r => r.label)
      if (failed.length) {
        state.value = 'diverged'
        error.value = `Diverged: ${failed.join(', ')}. The loss grew without bound, so ${failed.length > 1 ? 'these runs were' : 'this run was'} stopped; lower the learning rate or reset.`
      }
      else {
        state.value = 'done'
      }
    }
    catch (caught) {
      if (caught instanceof RunStopped || mine !== control.generation)
        return
      state.value = 'error'
      error.value = message(caught)
    }
  }

  /** A lost WebGL context takes every tensor with it: move to the next backend and start again. */
  async function recover() {
    const failed = backend.value
    control.stop()
    state.value = 'error'
    error.value = 'The graphics context was lost (the GPU was reset or reclaimed). Switching to another backend…'
    try {
      await fallBackFrom('webgl')
      backend.value = describeBackend()
      error.value = `The graphics context was lost; now on ${backend.value} instead of ${failed}. Press Reset to run again.`
    }
    catch (caught) {
      error.value = `The graphics context was lost and no other backend could start: ${message(caught)}`
    }
  }

  /** After an error: forget the address's parameters, put the controls and the seed back, and start again. */
  function useDefaults() {
    const before = JSON.stringify(config.value)
    userPaused.value = false
    for (const resetControl of controlResets.get(experiment.value.id) ?? [])
      resetControl()
    fromAddress.value = {}
    addressErrors.value = []
    seed.value = Number(experiment.value.defaults.seed ?? 1)
    // A changed configuration restarts through the watcher below; start here only when nothing changed.
    if (JSON.stringify(config.value) === before)
      reset()
  }

  function reset() {
    userPaused.value = false
    void start()
  }
  function togglePause() {
    if (state.value === 'done' || state.value === 'diverged' || state.value === 'error' || !started) {
      reset()
      return
    }
    userPaused.value = !userPaused.value
  }
  function step() {
    if (!started) {
      userPaused.value = true
      void start()
    }
    userPaused.value = true
    control.step()
  }

  watch(userPaused, (paused) => {
    control.setPaused(paused)
    if (state.value === 'running' || state.value === 'paused')
      state.value = paused ? 'paused' : 'running'
  }, { immediate: true })

  watch(mode, (now) => {
    const live = now === 'live' || now === 'print'
    control.setAllowed(live)
    if (live && !started)
      void start()
    if (state.value === 'running' || state.value === 'paused')
      state.value = live && !userPaused.value ? 'running' : 'paused'
  }, { immediate: true })

  // A control moved by hand takes over from the address's value for its parameter.
  // A bad address is set aside as soon as a control is moved: the student has taken over.
  watch(() => toValue(options.params ?? {}) as Record<string, ParamValue>, (next, previous) => {
    if (addressErrors.value.length > 0 && JSON.stringify(next) !== JSON.stringify(previous))
      addressErrors.value = []
    const moved = Object.keys(next).filter(key => key in fromAddress.value && next[key] !== previous?.[key])
    if (moved.length > 0)
      fromAddress.value = Object.fromEntries(Object.entries(fromAddress.value).filter(([key]) => !moved.includes(key)))
  }, { flush: 'sync' })

  // New parameters (a slider, the seed) restart the run from its first step with the same seed stream.
  watch([config, experiment], ([next, nextExperiment], [previous, previousExperiment]) => {
    if (started && (nextExperiment !== previousExperiment || JSON.stringify(next) !== JSON.stringify(previous)))
      void start()
  })

  tryOnScopeDispose(() => {
    control.stop()
    stopListening()
  })

  const finished = computed(() => state.value === 'done')
  return { experiment, state, progress, result, error, notice, backend, seed, userPaused, finished, togglePause, step, reset, useDefaults }
}

/** Any demo's run, whatever its experiment: what `DemoShell` and other shared parts take. */
export type ExperimentRun = ReturnType<typeof useExperimentRun<any, any, any>>
