// @vitest-environment happy-dom
// One run seen in every window: the sync protocol on an in-memory bus between hubs (one hub per window), then real
// demos (ridge-gd on the tfjs cpu backend) in two and three "windows" whose controls and buttons reach each other.
import type { Ref } from 'vue'
import type { SyncHub, SyncMessage, SyncTransport } from '../../src/core/demo-sync'
import * as tf from '@tensorflow/tfjs-core'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { defineComponent, h } from 'vue'
import DemoShell from '../../components/demo/DemoShell.vue'
import { useExperimentRun, useParamControl } from '../../composables/useExperimentRun'
import { createSyncHub } from '../../src/core/demo-sync'
import { ridgeGdExperiment } from '../../src/experiments/ridge-gd'

beforeAll(() => {
  tf.env().set('PROD', true)
  window.history.replaceState(null, '', '/?backend=cpu')
})

/** Windows of one browser: each post reaches every other listener on a later task, as BroadcastChannel does. */
function createBus() {
  const listeners = new Set<(message: SyncMessage) => void>()
  let posted = 0
  return {
    transport(): SyncTransport {
      let own: ((message: SyncMessage) => void) | undefined
      return {
        post(message) {
          posted++
          const copy = structuredClone(message)
          for (const listener of listeners) {
            if (listener !== own)
              setTimeout(listener, 0, copy)
          }
        },
        listen(receive) {
          own = receive
          listeners.add(receive)
          return () => listeners.delete(receive)
        },
      }
    },
    get posted() {
      return posted
    },
  }
}

let describeWindows = () => ''
async function until(check: () => boolean, what: string, ms = 20_000) {
  await vi.waitFor(() => {
    if (!check())
      throw new Error(`still waiting for ${what}: ${describeWindows()}`)
  }, { timeout: ms, interval: 10 })
}

describe('the sync protocol', () => {
  it('orders writes by version, lets a late window catch up, and counts only the leader\'s positions', async () => {
    const bus = createBus()
    const a = createSyncHub({ transport: bus.transport(), id: 'a' })
    const b = createSyncHub({ transport: bus.transport(), id: 'b' })
    const ca = a.channel('demo@3')
    const cb = b.channel('demo@3')
    ca.claim(() => ({ controls: { lambda: 3 } }))
    await until(() => cb.state.leader === ca.peer, 'the claim to arrive')
    expect(cb.state.controls).toEqual({ lambda: 3 })
    // b follows: before the leader has said anything about run 0 it may pass no checkpoint.
    expect(ca.ceiling('r0')).toBeUndefined()
    expect(cb.ceiling('r0')).toBe(0)
    ca.publish('r0', 12, false)
    await until(() => cb.ceiling('r0') === 12, 'the position')
    expect(cb.ceiling('r1'), 'a position of another run says nothing about this one').toBe(0)
    // A follower cannot publish; a second claim does not take over from a leader.
    cb.publish('r0', 99, false)
    cb.claim()
    await new Promise(resolve => setTimeout(resolve, 20))
    expect(ca.ceiling('r0')).toBeUndefined()
    expect(cb.ceiling('r0')).toBe(12)

    cb.update({ controls: { lambda: 10 }, paused: true })
    await until(() => ca.state.paused, 'the pause')
    expect(ca.state.controls).toEqual({ lambda: 10 })
    expect(ca.state.version).toBe(cb.state.version)

    // A window opened now asks the others and takes their state and the leader's position.
    const c = createSyncHub({ transport: bus.transport(), id: 'c' })
    const cc = c.channel('demo@3')
    await until(() => cc.state.version === ca.state.version && cc.ceiling('r0') === 12, 'the late window to catch up')
    expect(cc.state.controls).toEqual({ lambda: 10 })

    // The leader finishing lets every follower run to the end; leaving releases the lead.
    ca.publish('r0', 40, true)
    await until(() => cc.ceiling('r0') === Number.POSITIVE_INFINITY, 'the end')
    ca.close()
    await until(() => cb.state.leader === '' && cc.state.leader === '', 'the release')
    for (const hub of [a, b, c])
      hub.close()
  })

  it('settles two writes of the same version on the same state in every window', async () => {
    const bus = createBus()
    const a = createSyncHub({ transport: bus.transport(), id: 'a' }).channel('k')
    const b = createSyncHub({ transport: bus.transport(), id: 'b' }).channel('k')
    a.update({ seed: 1 })
    b.update({ seed: 2 })
    await until(() => a.state.seed === b.state.seed, 'agreement')
    expect(a.state.seed, 'the higher window id wins a tie').toBe(2)
  })

  it('keeps a window to itself without a transport', () => {
    const hub = createSyncHub()
    const channel = hub.channel('k')
    channel.claim()
    expect(channel.leading()).toBe(true)
    expect(channel.ceiling('r0')).toBeUndefined()
  })
})

/** A ridge-gd demo in one window (its own hub), with a lambda control, as a slide mounts it. */
function demoWindow(hub: SyncHub, mode: 'live' | 'still' = 'live') {
  let lambda!: Ref<number>
  const Demo = defineComponent({
    setup() {
      lambda = useParamControl(ridgeGdExperiment, 'lambda')
      const run = useExperimentRun({
        experiment: ridgeGdExperiment,
        mode,
        // Small steps per checkpoint and a small budget, so a run lasts many frames.
        budgetMs: 1,
        params: () => ({ lambda: lambda.value, every: 1, steps: 600 }),
        sync: { hub, key: 'ridge-gd@5' },
      })
      return () => h(DemoShell, { run })
    },
  })
  const wrapper = mount(Demo, { attachTo: document.body })
  const root = () => wrapper.find('[data-demo]')
  return {
    wrapper,
    lambda: () => lambda,
    state: () => root().attributes('data-state'),
    step: () => Number(root().attributes('data-step')),
    sync: () => root().attributes('data-sync'),
    metric: () => root().attributes('data-metric'),
    seed: () => (wrapper.find('.demo-seed input').element as HTMLInputElement).value,
    click: async (selector: string) => {
      await wrapper.find(selector).trigger('click')
      await flushPromises()
    },
  }
}

describe('two windows of one deck', () => {
  const mounted: ReturnType<typeof demoWindow>[] = []
  const hubs: SyncHub[] = []
  afterEach(async () => {
    for (const w of mounted.splice(0))
      w.wrapper.unmount()
    for (const hub of hubs.splice(0))
      hub.close()
    await flushPromises()
  })
  function open(bus: ReturnType<typeof createBus>, id: string) {
    const hub = createSyncHub({ transport: bus.transport(), id })
    hubs.push(hub)
    const w = demoWindow(hub)
    mounted.push(w)
    describeWindows = () => mounted.map(m => `${m.sync()}: ${m.state()} at ${m.step()}`).join(', ')
    return w
  }

  it('shows one run: controls, pause, step, reset and seed from either window reach the other', async () => {
    const bus = createBus()
    const presenter = open(bus, 'p')
    const audience = open(bus, 'q')
    await until(() => presenter.step() > 20 && audience.step() > 20, 'both to train')

    // Pause in the presenter: both stop at the same step.
    await presenter.click('.demo-play')
    await until(() => audience.state() === 'paused', 'the audience to pause')
    await until(() => presenter.step() === audience.step(), 'equal steps')
    const paused = presenter.step()
    await new Promise(resolve => setTimeout(resolve, 150))
    expect([presenter.step(), audience.step()]).toEqual([paused, paused])
    expect(presenter.metric()).toBe(audience.metric())

    // Step in the audience window: both advance, to the same step.
    await audience.click('.demo-step')
    await until(() => presenter.step() > paused && presenter.step() === audience.step(), 'one step in both')
    expect(presenter.metric()).toBe(audience.metric())

    // A lambda moved in the audience window reaches the presenter's control; both run it from the start.
    audience.lambda().value = 2
    await until(() => presenter.lambda().value === 2, 'the lambda')
    await presenter.click('.demo-play')
    await until(() => presenter.state() === 'done' && audience.state() === 'done', 'both to finish')
    expect(presenter.metric()).toBe(audience.metric())
    expect(presenter.step()).toBe(600)

    // Reset in one window runs again in both; a new seed from the other reaches the first.
    await presenter.click('.demo-reset')
    await until(() => audience.state() === 'running' && audience.step() < 600, 'the audience to run again')
    const input = audience.wrapper.find('.demo-seed input')
    await input.setValue('7')
    await input.trigger('change')
    await until(() => presenter.seed() === '7', 'the seed')
    await until(() => presenter.state() === 'done' && audience.state() === 'done', 'the seeded runs to finish')
    expect(presenter.metric()).toBe(audience.metric())
  })

  it('lets a window opened late take the state the others show', async () => {
    const bus = createBus()
    const first = open(bus, 'p')
    first.lambda().value = 0.05
    await until(() => first.step() > 10, 'the first window to train')
    await first.click('.demo-play')
    await new Promise(resolve => setTimeout(resolve, 100))
    const late = open(bus, 'r')
    await until(() => late.lambda().value === 0.05 && late.state() === 'paused', 'the late window to catch up')
    await until(() => late.step() === first.step(), 'the late window to reach the same step')
    expect(late.metric()).toBe(first.metric())
  })

  it('follows a window that leads, and takes the lead when that window leaves', async () => {
    const bus = createBus()
    const leader = open(bus, 'p')
    await until(() => leader.step() > 5, 'the leader to train')
    const follower = open(bus, 'q')
    await until(() => follower.step() > 5, 'the follower to train')
    // The window that follows never runs ahead of the window that paces the run. Roles are read, not assumed from the
    // opening order: a window that got ahead before it heard the other (the run furthest on leads), or whose leader
    // stalled for a second on a busy machine, takes the lead by design. An instant in the middle of a hand-over (both
    // or neither say they lead, for one message's delay) says nothing.
    let seen = 0
    for (let i = 0; i < 40 && seen < 20; i++) {
      const windows = [leader, follower].map(w => ({ sync: w.sync(), step: w.step() }))
      const pacing = windows.filter(w => w.sync === 'lead')
      const following = windows.filter(w => w.sync === 'follow')
      if (pacing.length === 1 && following.length === 1) {
        expect(following[0].step, describeWindows()).toBeLessThanOrEqual(pacing[0].step)
        seen++
      }
      await new Promise(resolve => setTimeout(resolve, 5))
    }
    expect(seen, 'instants with one window leading and one following').toBeGreaterThanOrEqual(10)
    const posted = bus.posted
    leader.wrapper.unmount()
    mounted.splice(mounted.indexOf(leader), 1)
    const left = follower.step()
    await until(() => follower.step() > left + 50 || follower.state() === 'done', 'the follower to go on alone')
    expect(bus.posted).toBeGreaterThan(posted)
  })
})
