import type { Progress, RunHooks } from '../../src/experiments/types'
import { describe, expect, it } from 'vitest'
import { createRunControl } from '../../src/core/run-control'
import { RunStopped } from '../../src/experiments/types'

/** A clock the test moves by hand, and frames the test releases one at a time. */
function harness(budgetMs = 8) {
  let time = 0
  let frames: Array<() => void> = []
  const snapshots: Progress[] = []
  const control = createRunControl({
    budgetMs,
    now: () => time,
    nextFrame: () => new Promise<void>(resolve => frames.push(resolve)),
    onSnapshot: p => snapshots.push(p),
  })
  const flush = () => new Promise(resolve => setTimeout(resolve, 0))
  return {
    control,
    snapshots,
    advance: (ms: number) => {
      time += ms
    },
    /** Releases the pending frame and lets the run go on until it waits again. */
    async frame() {
      const pending = frames
      frames = []
      pending.forEach(resolve => resolve())
      await flush()
    },
    flush,
  }
}

/** A run of `steps` checkpoints, each costing `cost` ms of the fake clock. */
function fakeRun(hooks: RunHooks, steps: number, cost: number, advance: (ms: number) => void) {
  const state = { done: 0, finished: false, stopped: false }
  const promise = (async () => {
    try {
      for (let i = 1; i <= steps; i++) {
        advance(cost)
        state.done = i
        await hooks.checkpoint?.(() => ({ done: state.done, total: steps, runs: [] }))
      }
      state.finished = true
    }
    catch (error) {
      if (error instanceof RunStopped)
        state.stopped = true
      else
        throw error
    }
  })()
  return { state, promise }
}

describe('the run control', () => {
  it('works in slices of the frame budget and draws between them', async () => {
    const h = harness(8)
    h.control.setAllowed(true)
    const run = fakeRun(h.control.begin(), 100, 1, h.advance)
    await h.flush()
    // The first checkpoint draws the starting state and waits for a frame.
    expect(run.state.done).toBe(1)
    expect(h.snapshots).toHaveLength(1)
    await h.frame()
    // Then 1 ms per step: 8 more steps fit in the budget before the next draw.
    expect(run.state.done).toBe(9)
    expect(h.snapshots.at(-1)!.done).toBe(9)
    while (!run.state.finished)
      await h.frame()
    expect(run.state.done).toBe(100)
  })

  it('ends the slice at a checkpoint that asks to draw, whatever budget is left', async () => {
    const h = harness(8)
    h.control.setAllowed(true)
    const hooks = h.control.begin()
    let done = 0
    const run = (async () => {
      for (let i = 1; i <= 6; i++) {
        h.advance(1)
        done = i
        await hooks.checkpoint?.(() => ({ done: i, total: 6, runs: [] }), { draw: i === 3 })
      }
    })()
    await h.flush()
    await h.frame()
    // 1 ms per step leaves budget after step 3, but step 3's snapshot is drawn before step 4 starts.
    expect(done).toBe(3)
    expect(h.snapshots.at(-1)!.done).toBe(3)
    await h.frame()
    expect(done).toBe(6)
    await run
  })

  it('trains nothing until allowed, and nothing while paused', async () => {
    const h = harness()
    const run = fakeRun(h.control.begin(), 50, 1, h.advance)
    await h.frame()
    await h.frame()
    expect(run.state.done).toBe(1)
    h.control.setAllowed(true)
    await h.frame()
    const reached = run.state.done
    expect(reached).toBeGreaterThan(1)
    h.control.setPaused(true)
    await h.frame()
    await h.frame()
    await h.frame()
    const paused = run.state.done
    expect(paused).toBeLessThanOrEqual(reached + 8)
    await h.frame()
    expect(run.state.done).toBe(paused)
    h.control.setPaused(false)
    await h.frame()
    expect(run.state.done).toBeGreaterThan(paused)
  })

  it('steps one slice at a time while paused', async () => {
    const h = harness(4)
    h.control.setAllowed(true)
    h.control.setPaused(true)
    const run = fakeRun(h.control.begin(), 50, 1, h.advance)
    await h.frame()
    await h.frame()
    expect(run.state.done).toBe(1)
    h.control.step()
    await h.frame()
    await h.frame()
    await h.frame()
    // One budget of 4 ms of work, then paused again.
    expect(run.state.done).toBe(5)
    h.control.step()
    await h.frame()
    await h.frame()
    expect(run.state.done).toBe(9)
  })

  it('stops the old run at its next checkpoint when a new one begins', async () => {
    const h = harness()
    h.control.setAllowed(true)
    const first = fakeRun(h.control.begin(), 1000, 1, h.advance)
    await h.frame()
    const second = fakeRun(h.control.begin(), 10, 1, h.advance)
    await h.frame()
    await h.frame()
    await first.promise
    expect(first.state.stopped).toBe(true)
    expect(first.state.finished).toBe(false)
    while (!second.state.finished)
      await h.frame()
    expect(second.state.done).toBe(10)
  })

  it('stops a paused run too', async () => {
    const h = harness()
    h.control.setAllowed(true)
    h.control.setPaused(true)
    const run = fakeRun(h.control.begin(), 100, 1, h.advance)
    await h.frame()
    h.control.stop()
    await h.frame()
    await run.promise
    expect(run.state.stopped).toBe(true)
  })
})
