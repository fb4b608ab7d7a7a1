import type { Ref } from 'vue'
// @vitest-environment happy-dom
// The behaviour every demo shares, on a real experiment (ridge-gd) and the tfjs cpu backend:
// it trains only when live, pauses, steps, resets, finishes, prints, and reports bad input and divergence.
import type { DemoMode } from '../../src/core/demo-mode'
import type { ParamValue } from '../../src/experiments/types'
import * as tf from '@tensorflow/tfjs-core'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import DemoShell from '../../components/demo/DemoShell.vue'
import { addressFor, useExperimentRun, useParamControl, useViewControl } from '../../composables/useExperimentRun'
import { ridgeGdExperiment } from '../../src/experiments/ridge-gd'

beforeAll(() => {
  tf.env().set('PROD', true)
})

function mountDemo(options: { mode?: DemoMode, params?: Record<string, ParamValue>, search?: string } = {}) {
  window.history.replaceState(null, '', `/${options.search ?? '?backend=cpu'}`)
  const mode = ref<DemoMode>(options.mode ?? 'still')
  const params = ref<Record<string, ParamValue>>(options.params ?? { every: 2 })
  const Demo = defineComponent({
    setup() {
      const run = useExperimentRun({ experiment: ridgeGdExperiment, mode, params })
      return () => h(DemoShell, { run })
    },
  })
  const wrapper = mount(Demo, { attachTo: document.body })
  const root = () => wrapper.find('[data-demo="ridge-gd"]')
  return {
    wrapper,
    mode,
    params,
    state: () => root().attributes('data-state'),
    step: () => Number(root().attributes('data-step')),
    click: (selector: string) => wrapper.find(selector).trigger('click'),
  }
}

async function until(check: () => boolean, what: string, ms = 20_000) {
  await vi.waitFor(() => {
    if (!check())
      throw new Error(`still waiting for ${what}`)
  }, { timeout: ms, interval: 20 })
}

let current: ReturnType<typeof mountDemo> | undefined
afterEach(async () => {
  current?.wrapper.unmount()
  current = undefined
  await flushPromises()
  // An unmounted demo's run stops at its next checkpoint, after the next frame: the next test counts tensors after it.
  await new Promise(resolve => setTimeout(resolve, 100))
})

describe('a demo on a slide', () => {
  it('carries the attributes the tests and the PDF export read', () => {
    current = mountDemo()
    const root = current.wrapper.find('[data-demo]')
    expect(root.attributes('data-demo')).toBe('ridge-gd')
    expect(root.attributes('data-waitfor')).toBe('.demo-finished')
    expect(current.state()).toBe('idle')
  })

  it('trains only while its slide is live, and pauses when the slide is left', async () => {
    current = mountDemo()
    await new Promise(resolve => setTimeout(resolve, 200))
    expect(current.step()).toBe(0)
    current.mode.value = 'live'
    await until(() => current!.step() > 10, 'training to start')
    expect(current.state()).toBe('running')
    current.mode.value = 'still'
    await flushPromises()
    expect(current.state()).toBe('paused')
    await new Promise(resolve => setTimeout(resolve, 100))
    const left = current.step()
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(current.step()).toBe(left)
    current.mode.value = 'live'
    await until(() => current!.step() > left, 'training to resume')
  })

  it('pauses, steps one frame and resets from the buttons', async () => {
    current = mountDemo({ mode: 'live' })
    await until(() => current!.step() > 4, 'training to start')
    await current.click('.demo-play')
    expect(current.state()).toBe('paused')
    await new Promise(resolve => setTimeout(resolve, 100))
    const paused = current.step()
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(current.step()).toBe(paused)
    await current.click('.demo-step')
    await until(() => current!.step() > paused, 'one step')
    await new Promise(resolve => setTimeout(resolve, 300))
    const stepped = current.step()
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(current.step()).toBe(stepped)
    expect(current.state()).toBe('paused')
    await current.click('.demo-reset')
    await until(() => current!.state() === 'running' && current!.step() < stepped, 'a fresh run')
  })

  it('finishes with the marker the PDF export waits for', async () => {
    current = mountDemo({ mode: 'print' })
    await until(() => current!.state() === 'done', 'the finished run')
    expect(current.step()).toBe(300)
    expect(current.wrapper.find('.demo-finished').exists()).toBe(true)
    // On paper: no control, no backend label; one line with what ran, from the declaration's labels.
    expect(current.wrapper.findAll('button, input, select').length).toBe(0)
    expect(current.wrapper.text()).not.toMatch(/wasm|cpu|webgl/i)
    const { every } = ridgeGdExperiment.params
    expect(current.wrapper.find('.demo-config').text(), 'a parameter the slide fixes away from its default, and the seed').toBe(`Ran with ${every.label} = 2 ${every.unit}, seed = 1 (finished).`)
  })

  it('prints the values its controls set and the parameters the slide fixes', async () => {
    window.history.replaceState(null, '', '/?backend=cpu')
    const Demo = defineComponent({
      setup() {
        const lambda = useParamControl(ridgeGdExperiment, 'lambda', 2)
        const run = useExperimentRun({ experiment: ridgeGdExperiment, mode: 'print', params: () => ({ lambda: lambda.value, every: 2, steps: 120 }) })
        return () => h(DemoShell, { run })
      },
    })
    const wrapper = mount(Demo, { attachTo: document.body })
    try {
      await until(() => wrapper.find('.demo-finished').exists(), 'the finished run')
      const { lambda, steps, every } = ridgeGdExperiment.params
      expect(wrapper.find('.demo-config').text()).toBe(`Ran with ${lambda.label} = 2, ${steps.label} = 120, ${every.label} = 2 ${every.unit}, seed = 1 (finished).`)
    }
    finally {
      wrapper.unmount()
    }
  })

  it('restarts when a parameter changes', async () => {
    current = mountDemo({ mode: 'live' })
    const metric = () => current!.wrapper.find('[data-demo]').attributes('data-metric')
    await until(() => current!.state() === 'done', 'the finished run')
    const first = metric()
    current.params.value = { every: 2, lambda: 1 }
    // A larger lambda ends at a larger objective: the run restarted with the new value.
    await until(() => current!.state() === 'done' && Number(metric()) > Number(first), 'the second run')
    expect(current.step()).toBe(300)
  })

  it('names the bad field of an out-of-range address parameter and runs with the defaults', async () => {
    current = mountDemo({ mode: 'live', search: '?backend=cpu&ridge-gd.eta=-1' })
    // The declaration's range, not only the field; the bad value never runs: the defaults do.
    await until(() => current!.wrapper.find('.demo-link-notice').exists(), 'the notice')
    expect(current.wrapper.find('.demo-link-notice').text()).toMatch(/eta: expected a number in \[0\.001, 5\], got '-1'/)
    await until(() => ['running', 'done'].includes(current!.state()!) && current!.step() > 0, 'a run with the defaults')
    expect(current.wrapper.find('[role="alert"]').exists()).toBe(false)
    await current.wrapper.find('.demo-link-dismiss').trigger('click')
    expect(current.wrapper.find('.demo-link-notice').exists()).toBe(false)
  })

  it('starts its controls from a shared address, and a control moved by hand takes over from it', async () => {
    window.history.replaceState(null, '', '/?ridge-gd.lambda=1.5&ridge-gd.steps=200')
    expect(addressFor(ridgeGdExperiment)).toEqual({ values: { lambda: 1.5, steps: 200 }, errors: [] })
    window.history.replaceState(null, '', '/?ridge-gd.lambda=1.5&ridge-gd.eta=fast&ridge-gd.optimizer=adamw')
    // A bad field sets the whole address aside: the controls keep their defaults, and each bad field is named.
    const { values, errors } = addressFor(ridgeGdExperiment)
    expect(values).toEqual({})
    expect(errors).toEqual([expect.stringMatching(/^eta: expected a number/), expect.stringMatching(/^optimizer: not a parameter/)])

    current = mountDemo({ mode: 'live', search: '?backend=cpu&ridge-gd.lambda=1' })
    const metric = () => Number(current!.wrapper.find('[data-demo]').attributes('data-metric'))
    await until(() => current!.state() === 'done', 'the run of the shared configuration')
    const shared = metric()
    current.params.value = { every: 2, lambda: 0.01 }
    // The smaller lambda from the slider ends at a smaller objective: the address no longer holds the run.
    await until(() => current!.state() === 'done' && metric() < shared, 'the run of the moved control')
  })

  it('keeps a control at its default when the address value is bad, and runs it', async () => {
    window.history.replaceState(null, '', '/?backend=cpu&ridge-gd.lambda=-1')
    let lambda: Ref<number> | undefined
    const Demo = defineComponent({
      setup() {
        lambda = useParamControl(ridgeGdExperiment, 'lambda', 0.5)
        const run = useExperimentRun({ experiment: ridgeGdExperiment, mode: 'live', params: () => ({ lambda: lambda!.value, every: 2 }) })
        return () => h(DemoShell, { run })
      },
    })
    const wrapper = mount(Demo, { attachTo: document.body })
    const state = () => wrapper.find('[data-demo]').attributes('data-state')
    try {
      expect(lambda!.value, 'the control keeps its default: the address value is out of range').toBe(0.5)
      await until(() => wrapper.find('.demo-link-notice').exists(), 'the notice')
      expect(wrapper.find('.demo-link-notice').text()).toMatch(/lambda/)
      await until(() => state() === 'done', 'a run with the default lambda')
      expect(lambda!.value).toBe(0.5)
    }
    finally {
      wrapper.unmount()
    }
  })

  it('says so when a run diverges, keeps the page alive, and can run again', async () => {
    current = mountDemo({ mode: 'print', params: { every: 2, eta: 5 } })
    await until(() => current!.state() === 'diverged', 'divergence')
    expect(current.wrapper.find('[role="alert"]').text()).toMatch(/Diverged: .*lower the learning rate or reset/)
    current.params.value = { every: 2 }
    await until(() => current!.state() === 'done', 'a run with a stable learning rate')
    expect(current.wrapper.find('[role="alert"]').exists()).toBe(false)
  })

  it('says which backend it fell back to when the address asks for an unknown one', async () => {
    const { resetBackendChoice } = await import('../../src/core/backend')
    resetBackendChoice()
    current = mountDemo({ mode: 'live', search: '?backend=quantum' })
    await until(() => current!.wrapper.find('.demo-notice').exists(), 'the notice')
    expect(current.wrapper.find('.demo-notice').text()).toMatch(/Unknown backend 'quantum'/)
    resetBackendChoice()
  })

  it('leaves no tensor behind when unmounted mid-run', async () => {
    await tf.setBackend('cpu')
    const before = tf.memory().numTensors
    current = mountDemo({ mode: 'live' })
    await until(() => current!.step() > 4, 'training to start')
    expect(tf.memory().numTensors, `state ${current.state()} step ${current.step()}`).toBeGreaterThan(before)
    current.wrapper.unmount()
    current = undefined
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(tf.memory().numTensors).toBe(before)
  })
})

describe('a view control in the address', () => {
  const spec = { kind: 'choice', default: 'a', options: ['a', 'b'], label: 'curve', meaning: 'which curve is shown' } as const
  function mountView(search: string) {
    window.history.replaceState(null, '', `/${search}`)
    let view!: Ref<string>
    let plain!: Ref<string>
    const Demo = defineComponent({
      setup() {
        const run = useExperimentRun({ experiment: ridgeGdExperiment, mode: 'live', params: { every: 2 } })
        // Made after the run, as a demo may: its address error still reaches the notice.
        view = useViewControl('test.curve', 'a', spec)
        plain = useViewControl('test.unkept', 'x')
        return () => h(DemoShell, { run })
      },
    })
    return { wrapper: mount(Demo, { attachTo: document.body }), view: () => view, plain: () => plain }
  }

  it('starts from the address, writes itself there when it moves away from its start, and leaves it at the start', async () => {
    const { wrapper, view, plain } = mountView('?backend=cpu&view.test.curve=b')
    try {
      expect(view().value).toBe('b')
      expect(wrapper.find('.demo-link-notice').exists()).toBe(false)
      view().value = 'a'
      await flushPromises()
      expect(new URLSearchParams(window.location.search).has('view.test.curve')).toBe(false)
      view().value = 'b'
      plain().value = 'y'
      await flushPromises()
      expect(new URLSearchParams(window.location.search).get('view.test.curve')).toBe('b')
      expect(window.location.search, 'a view control without a spec stays out of the address').not.toMatch(/unkept/)
      expect(new URLSearchParams(window.location.search).get('backend'), 'other keys are kept').toBe('cpu')
    }
    finally {
      wrapper.unmount()
    }
  })

  it('keeps its start for a bad or repeated value, says so, and runs the demo all the same', async () => {
    for (const search of ['?backend=cpu&view.test.curve=zzz', '?backend=cpu&view.test.curve=a&view.test.curve=b']) {
      const { wrapper, view } = mountView(search)
      try {
        expect(view().value).toBe('a')
        await until(() => wrapper.find('.demo-link-notice').exists(), 'the notice')
        expect(wrapper.find('.demo-link-notice').text()).toMatch(/view\.test\.curve: (expected one of a, b, got 'zzz'|given more than once)/)
        await until(() => ['running', 'done'].includes(wrapper.find('[data-demo]').attributes('data-state')!), 'the run')
      }
      finally {
        wrapper.unmount()
      }
    }
  })
})
