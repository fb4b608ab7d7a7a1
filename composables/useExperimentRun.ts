import type { ComponentInternalInstance, MaybeRefOrGetter, Ref } from 'vue'
import type { DemoMode } from '../src/core/demo-mode'
import type { DemoSyncState, SyncChange, SyncChannel, SyncHub } from '../src/core/demo-sync'
import type { RunControl } from '../src/core/run-control'
import type { ConfigOf, Experiment, ParamSpec, ParamSpecs } from '../src/experiments/declare'
import type { ExperimentResult, ParamValue, Progress, Series } from '../src/experiments/types'
import { tryOnScopeDispose, usePreferredReducedMotion } from '@vueuse/core'
import { computed, getCurrentInstance, inject, onMounted, ref, shallowReactive, shallowRef, toValue, watch } from 'vue'
import { backendNotice, describeBackend, fallBackFrom, initBackend, onContextLost } from '../src/core/backend'
import { broadcastTransport, createSyncHub } from '../src/core/demo-sync'
import { createRunControl } from '../src/core/run-control'
import { addressEntries, formatParam, replaceAddress, replaceKeys } from '../src/experiments/address'
import { configLine } from '../src/experiments/config-line'
import { parseAddress, parseParam, resolveConfig } from '../src/experiments/declare'
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
  /**
   * Which run this demo shares with the deck's other windows: by default the demo's slide and experiment, through
   * the window's hub (none when printing, or outside a slide). Tests pass their own hub.
   */
  sync?: { hub: SyncHub, key: string }
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

interface Control {
  value: Ref<ParamValue>
  fallback: ParamValue
  /** The experiment and parameter it sets; none for a control of the view (which curve, which step is shown). */
  experiment?: string
  param?: string
  /** A view control the address keeps: its key there (`view.<name>`), how its text reads, what was wrong with it. */
  address?: { key: string, spec: ParamSpec, error?: string }
}
/**
 * The controls each component made, by key (`<experiment>.<param>`, or `view.<name>`): its run shares them with the
 * deck's other windows and puts them back on "Reset to defaults".
 */
const controlsOf = new WeakMap<ComponentInternalInstance, Map<string, Control>>()

/**
 * The component's controls, made on first use. Reactive: a control made after the run (a view control further down
 * the component's set-up) still reaches what the run shares and writes into the address.
 */
function controlsFor(instance: ComponentInternalInstance): Map<string, Control> {
  let controls = controlsOf.get(instance)
  if (!controls) {
    controls = shallowReactive(new Map<string, Control>())
    controlsOf.set(instance, controls)
  }
  return controls
}

function register(key: string, control: Control) {
  const instance = getCurrentInstance()
  if (instance)
    controlsFor(instance).set(key, control)
}

/**
 * A demo's control (slider, choice) for parameter `name` of `experiment`: it starts from a valid address value, else
 * from `initial` (the declared default unless the slide chooses another), and goes back to `initial` on the demo's
 * "Reset to defaults".
 */
export function useParamControl<P extends ParamSpecs, K extends keyof P & string>(experiment: Experiment<P, string, string>, name: K, initial?: ConfigOf<P>[K]): Ref<ConfigOf<P>[K]> {
  const fallback = (initial ?? experiment.defaults[name]) as ConfigOf<P>[K]
  const { values } = addressFor(experiment)
  const value = ref(name in values ? values[name] : fallback) as Ref<ConfigOf<P>[K]>
  register(`${experiment.id}.${name}`, { value: value as Ref<ParamValue>, fallback, experiment: experiment.id, param: name })
  return value
}

/**
 * A control of what the demo shows rather than of what it runs (which optimizer's run, which step is inspected): the
 * deck's windows show the same, and "Reset to defaults" puts it back to `initial`. With `spec` (its values, as a
 * parameter declares them) the address keeps it too, as `?view.<name>=<value>`, so that a shared link shows the same
 * view: the name should be unique in the deck. A bad value there leaves the view at `initial` and the demo says so.
 */
export function useViewControl<T extends ParamValue>(name: string, initial: T, spec?: ParamSpec): Ref<T> {
  const key = `view.${name}`
  let start: ParamValue = initial
  let error: string | undefined
  if (spec && typeof window !== 'undefined') {
    const given = new URLSearchParams(window.location.search).getAll(key)
    if (given.length > 1) {
      error = `${key}: given more than once in the address`
    }
    else if (given.length === 1) {
      try {
        start = parseParam(key, spec, given[0])
      }
      catch (caught) {
        error = message(caught)
      }
    }
  }
  const value = ref(start) as Ref<T>
  register(key, { value: value as Ref<ParamValue>, fallback: initial, address: spec && { key, spec, error } })
  return value
}

let windowHub: SyncHub | undefined
/** This window's hub: one per page, talking to the deck's other windows of this browser. */
function deckHub(): SyncHub {
  if (!windowHub) {
    // Named after the page's path, so that two decks hosted on one site keep apart.
    windowHub = createSyncHub({ transport: broadcastTransport(`norms-wd-demos:${window.location.pathname}`) })
    const hub = windowHub
    window.addEventListener('pagehide', () => hub.releaseAll())
  }
  return windowHub
}

/**
 * Printing mounts every slide at once: the demos then compute their finished runs one after another, not all
 * together, so each one's wait in the export is its own run's time.
 */
let printQueue: Promise<unknown> = Promise.resolve()

/** Resolves in the browser's next idle period (or after 50 ms where it has none, as in Safari). */
function idle(): Promise<void> {
  return new Promise(resolve => typeof requestIdleCallback === 'function'
    ? requestIdleCallback(() => resolve(), { timeout: 2000 })
    : setTimeout(resolve, 50))
}

/**
 * A demo slide mounted before it is shown (Slidev's preloading) runs its experiment's `prepare` steps, one per idle
 * period, so that the run's first frame does not pay for them. A failure here is left to the run, which reports it.
 */
function prepareWhenIdle(experiment: Experiment): void {
  if (!experiment.prepare || typeof window === 'undefined')
    return
  void (async () => {
    await idle()
    await initBackend(new URLSearchParams(window.location.search).get('backend'))
    for (const step of experiment.prepare!()) {
      await idle()
      await step()
    }
  })().catch(() => {})
}

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
  const defaultSeed = Number(experiment.value.defaults.seed ?? 1)
  const seed = ref(defaultSeed)
  const progress = shallowRef<Progress<M, T> | undefined>()
  const result = shallowRef<ExperimentResult<M, T> | undefined>()
  let started = false
  /**
   * With reduced motion a live demo does not start on its own: it waits for Play, Step or Reset here, or for another
   * window of the deck that shows its run (it then follows that run). Printing still runs every demo to its end.
   */
  const reducedMotion = usePreferredReducedMotion()
  const waiting = ref(false)
  let stopListening = () => {}
  /** Said after the backend line once a lost graphics context moved the demo to another backend. */
  let recovered = ''

  /** Checkpoints the run shown has passed: equal in every window that shows the same frame (`data-checkpoint`). */
  const checkpoints = ref(0)

  const mode = computed(() => toValue(options.mode))
  const isLive = () => mode.value === 'live'

  // The run every window of the deck shows: the slide's demo shares its state with the same demo in the other
  // windows (presenter, projector). Printing and demos outside a slide keep theirs to themselves.
  const instance = getCurrentInstance()
  const none = new Map<string, Control>()
  const controls = () => instance ? controlsFor(instance) : none
  const page = instance ? inject<Ref<number> | null>('$$slidev-page', null) : null
  const sync = options.sync ?? (page && mode.value !== 'print' && typeof window !== 'undefined'
    ? { hub: deckHub(), key: `${experiment.value.id}@${toValue(page)}` }
    : { hub: createSyncHub(), key: experiment.value.id })
  const channel: SyncChannel = sync.hub.channel(sync.key)
  /**
   * The run in progress, as the windows name it: the shared nonce, the experiment and the configuration. A position
   * counts only for the run of the same name, so that a leader's count from before a slider moved never lets
   * another window run ahead.
   */
  let runName = ''
  /** The checkpoint count this window last drew and told the others. */
  let published = 0

  const control: RunControl<M, T> = createRunControl<M, T>({
    budgetMs: () => {
      // Printing waits for the finished run, so it may hold the page longer per frame than a live slide.
      if (mode.value === 'print')
        return 100
      const base = options.budgetMs ?? 8
      // Behind the window that leads: a longer slice per frame (still far under a long task) catches up.
      const limit = channel.ceiling(runName)
      return limit !== undefined && limit - control.position > 1 ? Math.max(base, 8) * 1.5 : base
    },
    ceiling: () => channel.ceiling(runName),
    // Leading: the next slice waits until the windows that follow have drawn the frame this one drew last.
    gate: () => !channel.leading() || channel.followersReached(runName, published),
    onSnapshot: (p, position) => {
      // A fresh object each time: views are computed from it, and the series arrays grow in place.
      progress.value = { ...p, runs: p.runs.map(r => ({ ...r, series: { ...r.series } })) }
      checkpoints.value = position
      published = position
      channel.publish(runName, position, false)
    },
  })

  // `?<id>.<param>=value` in the address sets a parameter, so a student can share a configuration. A bad field
  // (unknown, repeated, malformed, out of range) sets the whole link aside: the demo runs with its defaults and a
  // notice names each bad field (a partly applied link would show a setup nobody made).
  const address = addressFor(experiment.value)
  const fromAddress = ref<Record<string, ParamValue>>(address.values)
  const linkNotice = ref(address.errors.length > 0 ? `This link asks for what the demo cannot take (${address.errors.join('; ')}), so it runs with its defaults.` : '')
  // View controls may be made after the run: their address errors are known once the component is set up.
  onMounted(() => {
    const viewErrors = [...controls().values()].flatMap(c => c.address?.error ? [c.address.error] : [])
    if (viewErrors.length > 0)
      linkNotice.value = [linkNotice.value, `This link asks for a view the demo does not have (${viewErrors.join('; ')}), so it shows its default there.`].filter(Boolean).join(' ')
  })
  if (typeof fromAddress.value.seed === 'number')
    seed.value = fromAddress.value.seed
  const config = computed(() => {
    const given: Record<string, ParamValue> = { ...toValue(options.params ?? {}), ...fromAddress.value }
    if ('seed' in experiment.value.defaults)
      given.seed = seed.value
    return given
  })

  const controlValues = () => Object.fromEntries([...controls()].map(([key, c]) => [key, c.value.value]))
  /** What this window shows, in the shared state's terms. */
  const shown = () => ({ controls: controlValues(), address: fromAddress.value, seed: seed.value, paused: userPaused.value })
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b)

  /** The key of the run that should be going: a new one restarts it. */
  const runKey = () => `${channel.state.run}|${experiment.value.id}|${JSON.stringify(config.value)}`
  let running = ''

  async function start() {
    started = true
    if (waiting.value) {
      // Play pressed here, or another window runs it: this window may pace the run from now on.
      waiting.value = false
      channel.claim(shown)
    }
    running = runKey()
    runName = running
    published = 0
    const hooks = control.begin()
    const mine = control.generation
    result.value = undefined
    progress.value = undefined
    error.value = ''
    state.value = userPaused.value ? 'paused' : 'running'
    try {
      await initBackend(new URLSearchParams(window.location.search).get('backend'))
      backend.value = describeBackend()
      notice.value = [backendNotice(), recovered].filter(Boolean).join(' ')
      stopListening()
      stopListening = onContextLost(() => void recover())
      // The run's set-up (data, closed forms, its first read-back) in a task of its own, not in the click or key press
      // that started it: together they reached 40 ms at the costliest corners.
      await new Promise(resolve => setTimeout(resolve, 0))
      if (mine !== control.generation)
        return
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
      channel.publish(runName, control.position, true)
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
      channel.publish(runName, control.position, true)
      state.value = 'error'
      error.value = message(caught)
    }
  }

  /** Starts the run the shared state and the controls ask for, unless it is the one going. */
  function ensureRun() {
    if (started && runKey() !== running)
      void start()
  }

  /**
   * A lost WebGL context takes every tensor with it: move to the next backend and run again from the seed (the same
   * curves); the other windows go on meanwhile, and this one catches up with them.
   */
  async function recover() {
    const failed = backend.value
    control.stop()
    error.value = 'The graphics context was lost (the GPU was reset or reclaimed). Switching to another backend…'
    try {
      await fallBackFrom('webgl')
      backend.value = describeBackend()
      recovered = `The graphics context was lost: now on ${backend.value} instead of ${failed}, from the same seed.`
      channel.release()
      if (isLive())
        channel.claim(shown)
      void start()
    }
    catch (caught) {
      state.value = 'error'
      error.value = `The graphics context was lost and no other backend could start: ${message(caught)}`
    }
  }

  /** A change of the shared state, made here or in another window. */
  let stepsSeen = channel.state.steps
  let led = false
  /** Whether this window paces the run that every window shows (the tests read it as `data-sync`). */
  const leading = ref(false)
  function apply(shared: Readonly<DemoSyncState>) {
    // Taking the lead: say at once how far this window's run is, so that the others need not wait for a frame
    // (or forever, when the run here is paused or finished).
    if (channel.leading() && !led && started)
      channel.publish(runName, control.position, ['done', 'diverged', 'error'].includes(state.value))
    led = channel.leading()
    leading.value = led
    for (const [key, c] of controls()) {
      if (key in shared.controls && !same(c.value.value, shared.controls[key]))
        c.value.value = shared.controls[key]
    }
    if (!same(fromAddress.value, shared.address))
      fromAddress.value = shared.address
    if (shared.seed !== null && seed.value !== shared.seed)
      seed.value = shared.seed
    userPaused.value = shared.paused
    const pressed = shared.steps > stepsSeen
    stepsSeen = shared.steps
    if (pressed && channel.leading())
      control.step()
    ensureRun()
    if (shared.leader === '' && isLive() && !waiting.value)
      channel.claim(shown)
    control.wake()
  }

  function reset() {
    channel.update({ run: channel.state.run + 1, paused: false })
    if (!started)
      void start()
  }
  function togglePause() {
    if (state.value === 'done' || state.value === 'diverged' || state.value === 'error' || !started) {
      reset()
      return
    }
    channel.update({ paused: !userPaused.value })
  }
  function step() {
    channel.update({ steps: channel.state.steps + 1, paused: true })
    if (!started) {
      void start()
      control.step()
    }
  }

  /** After an error: forget the address's parameters, put the controls and the seed back, and start again. */
  function useDefaults() {
    for (const c of controls().values())
      c.value.value = c.fallback
    fromAddress.value = {}
    linkNotice.value = ''
    seed.value = defaultSeed
    channel.update({ ...shown(), paused: false, run: channel.state.run + 1 })
    if (!started)
      void start()
  }

  // Sync: the control is paused at once, so that a Step pressed in the same breath steps from the paused state.
  watch(userPaused, (paused) => {
    control.setPaused(paused)
    if (state.value === 'running' || state.value === 'paused')
      state.value = paused ? 'paused' : 'running'
  }, { immediate: true, flush: 'sync' })

  // A window that comes late (or a second copy of the demo in this one) takes what the others show.
  if (channel.state.version > 0)
    apply(channel.state)
  const stopSync = channel.onChange(apply)
  const stopPositions = channel.onPosition((position) => {
    control.wake()
    if (position.from !== channel.state.leader)
      return
    if (waiting.value && position.from !== channel.peer)
      void start()
    // Ahead of the leader (two windows that opened at once, or a leader that reloaded): the run furthest on leads,
    // and the other catches up with it, paused or not.
    // While running, one checkpoint ahead is a frame in flight that the leader is about to pass.
    const ahead = control.position - position.at
    if (!channel.leading() && started && position.run === runName && !position.end && (ahead > 1 || (ahead > 0 && channel.state.paused)))
      channel.claim(shown, true)
  })

  watch(mode, (now) => {
    const live = now === 'live' || now === 'print'
    control.setAllowed(live)
    waiting.value = now === 'live' && !started && reducedMotion.value === 'reduce'
    // A waiting window has no run to pace: the lead goes to a window that runs it (or to this one on Play).
    if (now === 'live' && !waiting.value)
      channel.claim(shown)
    else
      channel.release()
    if (live && !started && !waiting.value)
      void start()
    else if (now === 'still' && !started)
      prepareWhenIdle(experiment.value)
    if (state.value === 'running' || state.value === 'paused')
      state.value = live && !userPaused.value ? 'running' : 'paused'
  }, { immediate: true })

  // A control moved by hand takes over from the address's value for its parameter.
  watch(() => toValue(options.params ?? {}) as Record<string, ParamValue>, (next, previous) => {
    const moved = Object.keys(next).filter(key => key in fromAddress.value && next[key] !== previous?.[key])
    if (moved.length > 0)
      fromAddress.value = Object.fromEntries(Object.entries(fromAddress.value).filter(([key]) => !moved.includes(key)))
  }, { flush: 'sync' })

  // What the student set up goes into the address (replaced, not pushed: Back still leaves the slide), so that the
  // address bar and "Copy link" hold it: the parameters away from the slide's own values, and the seed. Only the
  // window a student looks at writes: the presenter's copy follows the audience window, whose address is the link.
  const writesAddress = () => mode.value === 'live' && typeof window !== 'undefined' && !window.location.hash.startsWith('#/presenter')
  const linkValues = () => {
    const id = experiment.value.id
    const values: Record<string, ParamValue> = { ...fromAddress.value }
    const starts: Record<string, ParamValue> = {}
    for (const c of controls().values()) {
      if (c.experiment === id && c.param) {
        values[c.param] = c.value.value
        starts[c.param] = c.fallback
      }
    }
    if ('seed' in experiment.value.defaults) {
      values.seed = seed.value
      starts.seed = defaultSeed
    }
    // View controls the address keeps: those away from their starting value.
    const views = [...controls().values()].flatMap(c => c.address ? [c as Control & { address: NonNullable<Control['address']> }] : [])
    const viewEntries = views.filter(c => c.value.value !== c.fallback).map(c => [c.address.key, formatParam(c.address.spec, c.value.value)] as [string, string])
    return { id, entries: addressEntries(experiment.value, values, starts), viewKeys: views.map(c => c.address.key), viewEntries }
  }
  let writtenId = experiment.value.id
  watch(linkValues, ({ id, entries, viewKeys, viewEntries }) => {
    if (!writesAddress())
      return
    const url = new URL(window.location.href)
    // A demo that switched experiment (EquilibriumDemo's optimizer) drops the old one's entries.
    url.search = replaceAddress(writtenId === id ? url.search : replaceAddress(url.search, writtenId, []), id, entries)
    url.search = replaceKeys(url.search, viewKeys, viewEntries)
    writtenId = id
    if (url.href !== window.location.href)
      window.history.replaceState(window.history.state, '', url)
  }, { deep: true })

  // A control or the seed moved here: every window takes the new configuration (and restarts through `apply`).
  watch(() => shown(), (now) => {
    // Only the fields that moved here: a stale copy of another field must not undo what another window just set.
    const shared = channel.state
    const change: SyncChange = {}
    if (!same(now.controls, shared.controls))
      change.controls = now.controls
    if (!same(now.address, shared.address))
      change.address = now.address
    if (now.seed !== shared.seed)
      change.seed = now.seed
    if (Object.keys(change).length > 0)
      channel.update(change)
  }, { deep: true })

  // New parameters restart the run from its first step with the same seed stream.
  watch([config, experiment], ensureRun)

  // A leader that went quiet mid-run (its window froze or closed without a word): the first live window takes over.
  // A leader that stalls mid-run (its window is throttled in the background, or froze): a live window whose run has
  // not moved for a second takes the lead, so the deck goes at the pace of a window that can draw.
  let lastPosition = -1
  let stalledMs = 0
  const watchdog = typeof window === 'undefined'
    ? undefined
    : window.setInterval(() => {
        const following = state.value === 'running' && isLive() && !channel.leading() && !channel.state.paused
        stalledMs = following && control.position === lastPosition ? stalledMs + 100 : 0
        lastPosition = control.position
        // A follower that went quiet no longer holds the leader back once its last word is a second old.
        control.wake()
        if (following && (stalledMs >= 1000 || channel.leaderSilence() > 1500))
          channel.claim(shown, true)
      }, 100)

  tryOnScopeDispose(() => {
    control.stop()
    stopListening()
    stopSync()
    stopPositions()
    channel.close()
    if (watchdog !== undefined)
      window.clearInterval(watchdog)
  })

  const finished = computed(() => state.value === 'done')
  /** Printing: the page shows the configuration line in place of the controls. */
  const printing = computed(() => mode.value === 'print')
  /** The configuration this run uses, in the declaration's labels ("λ = 3, epochs = 100, seed = 1"). */
  const configuration = computed(() => configLine(experiment.value, config.value, [...controls().values()].filter(c => c.experiment === experiment.value.id).map(c => c.param!)))
  return { experiment, state, progress, result, error, notice, linkNotice, backend, seed, userPaused, waiting, finished, printing, configuration, leading, checkpoints, togglePause, step, reset, useDefaults }
}

/** Any demo's run, whatever its experiment: what `DemoShell` and other shared parts take. */
export type ExperimentRun = ReturnType<typeof useExperimentRun<any, any, any>>
