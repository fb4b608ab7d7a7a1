/**
 * One run seen in every window of a deck (presenter, projector, a window opened late). Framework-free: a hub per
 * window, a channel per demo, a transport between windows (BroadcastChannel here; tests use an in-memory bus).
 *
 * What travels is the demo's state, never tensors: its controls, the seed, play/pause, Step presses, the run's nonce
 * (bumped by Reset) and which demo instance paces the run (the leader). Runs are seeded and deterministic and call
 * their checkpoints at the same places in every window, so the leader publishes how many checkpoints it has passed
 * and the others compute the same run up to that count and no further: same step, same curves, each window
 * computing its own copy.
 *
 * Why not Slidev's `createSyncState`: in a static build it posts the whole state on every change with no ordering and
 * no catch-up, so a window opened late would overwrite the others with its defaults. Here every field carries its
 * own version (a Lamport clock, ties broken by window id), so that a window taking the lead never undoes a Pause
 * pressed in the same instant elsewhere; a window that opens asks the others for theirs; and positions are separate,
 * unversioned messages that count only from the current leader.
 */
import type { ParamValue } from '../experiments/types'

export interface DemoSyncState {
  /** Values of the demo's controls, by parameter name. */
  controls: Record<string, ParamValue>
  /** Parameters the address set (a shared link), by name. */
  address: Record<string, ParamValue>
  seed: number | null
  /** Bumped by Reset and Run again: the same configuration, run again from its first step. */
  run: number
  paused: boolean
  /** Step presses so far; the leader takes one step per press. */
  steps: number
  /** The demo instance that paces the run ('' while none does). */
  leader: string
  /** The latest version of any field. */
  version: number
  /** The window that wrote it. */
  writer: string
}

type Field = Exclude<keyof DemoSyncState, 'version' | 'writer'>
const fields: readonly Field[] = ['controls', 'address', 'seed', 'run', 'paused', 'steps', 'leader']
/** A field's version and the window that wrote it. */
interface Stamp { v: number, w: string }
type Stamps = Partial<Record<Field, Stamp>>

export interface Position {
  /** The leader that sent it. */
  from: string
  /** The run it is in, as the windows name it (the shared run nonce, the experiment and its configuration). */
  run: string
  /** Checkpoints the leader has passed in that run. */
  at: number
  /** The leader's run has finished: go to the end. */
  end: boolean
}

export type SyncMessage
  = | { kind: 'hello', from: string }
    | { kind: 'state', key: string, state: DemoSyncState, stamps: Stamps }
    | { kind: 'position', key: string, position: Position }

export interface SyncTransport {
  post: (message: SyncMessage) => void
  /** Calls `receive` for every message another window posts; returns how to stop. */
  listen: (receive: (message: SyncMessage) => void) => () => void
}

/** The state's fields a demo writes. */
export type SyncChange = Partial<Omit<DemoSyncState, 'version' | 'writer'>>

export interface SyncChannel {
  /** This demo instance's id. */
  readonly peer: string
  readonly state: Readonly<DemoSyncState>
  /** Changes the state here and in every other window. */
  update: (change: SyncChange) => void
  /** Called after every change, local or remote, with the new state. */
  onChange: (listener: (state: Readonly<DemoSyncState>) => void) => () => void
  /** Called when the leader's position changes. */
  onPosition: (listener: (position: Position) => void) => () => void
  leading: () => boolean
  /**
   * Becomes the leader when nobody is, or when `force`; when nothing is shared yet, what `shown` returns (what this
   * window shows) becomes the shared state. A window that has just opened claims once the others could answer it.
   */
  claim: (shown?: () => SyncChange, force?: boolean) => void
  /** Stops leading (the slide is no longer shown here). */
  release: () => void
  /** Says how far this instance's run is: the leader's count paces the others; theirs tell the leader they have caught up. */
  publish: (run: string, at: number, end: boolean) => void
  /**
   * Whether every other window that follows the same run, and was heard from in the last second, has reached `at`:
   * the leader starts its next slice only then, so that every window shows the same step within a frame or two and
   * a slower window sets the pace instead of falling behind.
   */
  followersReached: (run: string, at: number) => boolean
  /**
   * Checkpoints this instance's run (named `run`) may pass: undefined while it leads (no limit), the leader's count
   * otherwise (0 before the leader has said anything about this run, Infinity once it has finished).
   */
  ceiling: (run: string) => number | undefined
  /** Milliseconds since the leader was last heard from (a position or a state it wrote). */
  leaderSilence: () => number
  close: () => void
}

export interface SyncHub {
  readonly id: string
  channel: (key: string) => SyncChannel
  /** Releases every channel this window leads (the window is closing). */
  releaseAll: () => void
  close: () => void
}

function randomId(): string {
  return Math.random().toString(36).slice(2, 10)
}

function emptyState(): DemoSyncState {
  return { controls: {}, address: {}, seed: null, run: 0, paused: false, steps: 0, leader: '', version: 0, writer: '' }
}

function newer(a: Stamp | undefined, b: Stamp | undefined): boolean {
  if (!a)
    return false
  return !b || a.v > b.v || (a.v === b.v && a.w > b.w)
}

interface Entry {
  state: DemoSyncState
  stamps: Stamps
  /** The latest position of every instance, and when it came: a position may arrive before the state naming its sender. */
  positions: Map<string, Position & { time: number }>
  /** When the leader was last heard from. */
  heard: number
  changeListeners: Set<(state: DemoSyncState) => void>
  positionListeners: Set<(position: Position) => void>
}

export interface SyncHubOptions {
  /** Another window's messages; without one, the hub is local to this window (printing, unit tests). */
  transport?: SyncTransport
  id?: string
  /** @default performance.now */
  now?: () => number
  /**
   * How long a new window listens before it may take the lead: the others answer its hello within it, so it follows
   * a run already going instead of taking it over from step 0. @default 150 with a transport, 0 without
   */
  settleMs?: number
}

export function createSyncHub(options: SyncHubOptions = {}): SyncHub {
  const id = options.id ?? randomId()
  const now = options.now ?? (() => performance.now())
  const transport = options.transport
  const settleMs = options.settleMs ?? (transport ? 150 : 0)
  let settled = settleMs === 0
  /** Claims made before the window settled: made then, if nobody leads by that time. */
  const deferred: (() => void)[] = []
  if (!settled) {
    setTimeout(() => {
      settled = true
      for (const claim of deferred.splice(0))
        claim()
    }, settleMs)
  }
  const entries = new Map<string, Entry>()
  const peersOf = (peer: string) => peer.split('/')[0]
  let instances = 0

  function entry(key: string): Entry {
    let found = entries.get(key)
    if (!found) {
      found = { state: emptyState(), stamps: {}, positions: new Map(), heard: now(), changeListeners: new Set(), positionListeners: new Set() }
      entries.set(key, found)
    }
    return found
  }

  function accept(key: string, state: DemoSyncState, stamps: Stamps) {
    const e = entry(key)
    const next: DemoSyncState = { ...e.state }
    const mutable = next as unknown as Record<Field, unknown>
    let changed = false
    for (const field of fields) {
      if (newer(stamps[field], e.stamps[field])) {
        mutable[field] = state[field]
        e.stamps[field] = stamps[field]
        changed = true
      }
    }
    if (!changed)
      return
    if (state.version > next.version || (state.version === next.version && state.writer > next.writer)) {
      next.version = state.version
      next.writer = state.writer
    }
    if (next.leader !== e.state.leader || peersOf(next.leader) === state.writer)
      e.heard = now()
    e.state = next
    for (const listener of [...e.changeListeners])
      listener(next)
  }

  function acceptPosition(key: string, position: Position) {
    const e = entry(key)
    e.positions.set(position.from, { ...position, time: now() })
    if (position.from === e.state.leader)
      e.heard = now()
    for (const listener of [...e.positionListeners])
      listener(position)
  }

  const stopListening = transport?.listen((message) => {
    if (message.kind === 'hello') {
      // A window has opened: tell it everything this one knows.
      for (const [key, e] of entries) {
        if (e.state.version > 0)
          transport.post({ kind: 'state', key, state: e.state, stamps: e.stamps })
        const leader = e.positions.get(e.state.leader)
        if (leader && peersOf(leader.from) === id)
          transport.post({ kind: 'position', key, position: { from: leader.from, run: leader.run, at: leader.at, end: leader.end } })
      }
    }
    else if (message.kind === 'state') {
      accept(message.key, message.state, message.stamps)
    }
    else {
      acceptPosition(message.key, message.position)
    }
  }) ?? (() => {})
  transport?.post({ kind: 'hello', from: id })

  function write(key: string, change: SyncChange) {
    const e = entry(key)
    // A plain copy: the values may come from reactive proxies, which no window can receive.
    const plain = JSON.parse(JSON.stringify(change)) as SyncChange
    const stamp: Stamp = { v: e.state.version + 1, w: id }
    const state: DemoSyncState = { ...e.state, ...plain, version: stamp.v, writer: id }
    const stamps: Stamps = { ...e.stamps }
    for (const field of Object.keys(plain) as Field[])
      stamps[field] = stamp
    // Posted before the listeners here run: what they post in turn (a new leader's position) arrives after it.
    transport?.post({ kind: 'state', key, state, stamps })
    accept(key, state, stamps)
  }

  const channels = new Set<SyncChannel>()

  const hub: SyncHub = {
    id,
    channel(key) {
      const peer = `${id}/${++instances}`
      const e = entry(key)
      const channel: SyncChannel = {
        peer,
        get state() {
          return e.state
        },
        update: change => write(key, change),
        onChange(listener) {
          e.changeListeners.add(listener)
          return () => e.changeListeners.delete(listener)
        },
        onPosition(listener) {
          e.positionListeners.add(listener)
          return () => e.positionListeners.delete(listener)
        },
        leading: () => e.state.leader === peer,
        claim(shown = () => ({}), force = false) {
          if (!settled) {
            deferred.push(() => channels.has(channel) && channel.claim(shown, force))
            return
          }
          if (e.state.leader === peer || (e.state.leader !== '' && !force))
            return
          // What this window shows becomes the shared state only when there is none yet.
          write(key, e.state.version === 0 ? { ...shown(), leader: peer } : { leader: peer })
        },
        release() {
          if (e.state.leader === peer)
            write(key, { leader: '' })
        },
        publish(run, at, end) {
          const position: Position = { from: peer, run, at, end }
          acceptPosition(key, position)
          transport?.post({ kind: 'position', key, position })
        },
        ceiling(run) {
          if (e.state.leader === peer || e.state.leader === '')
            return undefined
          const p = e.positions.get(e.state.leader)
          if (!p || p.run !== run)
            return 0
          return p.end ? Number.POSITIVE_INFINITY : p.at
        },
        followersReached(run, at) {
          for (const p of e.positions.values()) {
            if (p.from !== peer && p.run === run && !p.end && now() - p.time < 1000 && p.at < at)
              return false
          }
          return true
        },
        leaderSilence: () => now() - e.heard,
        close() {
          channel.release()
          channels.delete(channel)
        },
      }
      channels.add(channel)
      return channel
    },
    releaseAll() {
      for (const channel of channels)
        channel.release()
    },
    close() {
      hub.releaseAll()
      stopListening()
    },
  }
  return hub
}

/** Windows of one browser and one deck: a BroadcastChannel named after the deck's address. */
export function broadcastTransport(name: string): SyncTransport | undefined {
  if (typeof BroadcastChannel === 'undefined')
    return undefined
  const channel = new BroadcastChannel(name)
  return {
    post: message => channel.postMessage(message),
    listen(receive) {
      const handler = (event: MessageEvent<SyncMessage>) => receive(event.data)
      channel.addEventListener('message', handler)
      return () => {
        channel.removeEventListener('message', handler)
        channel.close()
      }
    },
  }
}
