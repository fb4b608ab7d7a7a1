// @vitest-environment happy-dom
// What a screen reader hears: each plot's text alternative (one sentence from its own props, worded again only when
// a demo's run settles), the demo's live region (one line per change of state), and, with reduced motion, a demo
// that waits for Play yet follows a run that another window of the deck shows.
import type { Ref } from 'vue'
import type { SyncMessage, SyncTransport } from '../../src/core/demo-sync'
import * as tf from '@tensorflow/tfjs-core'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, provide, ref } from 'vue'
import DemoShell from '../../components/demo/DemoShell.vue'
import BarChart from '../../components/plot/BarChart.vue'
import DecisionFieldRow from '../../components/plot/DecisionFieldRow.vue'
import { describeBars, describeDecisionField, describeHistogram, describeLines, describePlane, figure } from '../../components/plot/describe'
import HistogramPlot from '../../components/plot/HistogramPlot.vue'
import LinePlot from '../../components/plot/LinePlot.vue'
import ModernReferencePlot from '../../components/plot/ModernReferencePlot.vue'
import { settledKey } from '../../components/plot/settled'
import VectorPlane from '../../components/plot/VectorPlane.vue'
import { useExperimentRun } from '../../composables/useExperimentRun'
import { createSyncHub } from '../../src/core/demo-sync'
import { ridgeGdExperiment } from '../../src/experiments/ridge-gd'

beforeAll(() => {
  tf.env().set('PROD', true)
})

describe('the sentences', () => {
  it('words numbers with two or three significant digits', () => {
    expect(figure(0.0031)).toBe('0.0031')
    expect(figure(98.7432)).toBe('98.7')
    expect(figure(2)).toBe('2')
    expect(figure(-0.5)).toBe('-0.5')
    expect(figure(123_456)).toBe('1.2e5')
    expect(figure(0.0000123)).toBe('1.2e-5')
    expect(figure(Number.NaN)).toBe('not a number')
    expect(figure(-4.2e-16), 'rounding noise').toBe('0')
  })

  it('says each curve\'s last value at the shared x, and the lowest point where it is clearly lower', () => {
    expect(describeLines({
      xLabel: 'epoch',
      yLabel: 'test loss',
      series: [
        { label: 'λ = 3', points: [[0, 5], [50, 0.01], [100, 0.0031]] },
        { label: 'without', points: [[0, 5], [50, 40], [100, 98.7]] },
      ],
    })).toBe('test loss at epoch = 100: λ = 3: 0.0031; without: 98.7.')
    // A sweep: the curves end at different x; a level and a vertical mark (ModernReferencePlot) by their values.
    expect(describeLines({
      xLabel: 'λ',
      yLabel: 'test error',
      series: [
        { label: 'ridge', points: [[0.01, 0.5], [0.1, 0.2], [1, 0.4]] },
        { label: 'growing', points: [[0.01, -1e-17], [1, 2]] },
        { label: 'lasso', points: [[0.01, 0.6], [0.1, 0.5]] },
        { label: 'noise floor', dashed: true, points: [[0.01, 0.1], [1, 0.1]] },
        { label: 'λ*', dashed: true, points: [[0.3, -1e300], [0.3, 1e300]] },
        { label: 'beyond', dashed: true, points: [] },
      ],
    })).toBe('test error against λ: ridge: 0.4 at λ = 1, lowest 0.2 at λ = 0.1; growing: 2 at λ = 1; lasso: 0.5 at λ = 0.1; noise floor: 0.1; λ* at λ = 0.3.')
    expect(describeLines({ xLabel: 'step', yLabel: 'loss', series: [{ label: 'GD', points: [] }] })).toBe('loss against step: no data yet.')
    const many = Array.from({ length: 20 }, (_, j) => ({ label: `w${j}`, points: [[0, 1], [1, j]] as Array<[number, number]> }))
    expect(describeLines({ xLabel: 'λ', yLabel: 'coefficient', series: many }), 'twenty curves: seven read, the rest counted').toBe('coefficient at λ = 1: w0: 0; w1: 1; w2: 2; w3: 3; w4: 4; w5: 5; w6: 6; and 13 more.')
  })

  it('words bars, histograms, planes and decision fields', () => {
    expect(describeBars({
      categories: ['w₁', 'w₂'],
      groups: [{ label: 'GD', values: [0.51234, -2] }],
      marks: [{ label: 'closed form', values: [0.5, Number.NaN] }],
      xLabel: 'weight',
      yLabel: 'value',
    })).toBe('value by weight: GD: w₁ 0.512, w₂ -2; closed form: w₁ 0.5.')
    expect(describeHistogram({
      lo: 0,
      binWidth: 0.5,
      histogram: { label: '200 runs', counts: [0, 10, 30, 10] },
      markers: [{ label: 'true value', x: 1.2 }],
      xLabel: 'the estimate',
    })).toBe('histogram of the estimate, 200 runs: mean 1.25, most between 1 and 1.5; true value at 1.2.')
    expect(describePlane({
      title: 'loss over w₁ and w₂',
      xLabel: 'w₁',
      yLabel: 'w₂',
      field: { values: [0.9, 0.2, 0.6, Number.NaN], above: 0.5 },
      curves: [{ label: 'GD', trajectory: true, points: [[1, 1], [0.5, 0.25]] }, { label: 'ℓ₂ ball', points: [[1, 0], [0, 1]] }],
      points: [{ label: 'minimum', points: [[2, 3]] }],
      arrows: [{ label: 'gradient', from: [0, 0], to: [1, -1] }],
    })).toBe('loss over w₁ and w₂: 66.7 % of the box above 0.5; GD now at w₁ = 0.5, w₂ = 0.25; ℓ₂ ball; minimum at w₁ = 2, w₂ = 3; gradient from w₁ = 0, w₂ = 0 to w₁ = 1, w₂ = -1.')
    expect(describeDecisionField({ title: 'λ = 0.01', field: [0.9, 0.1, 0.7, 0.2], trainPoints: 40 })).toBe('decision field, λ = 0.01: class 1 on 50 % of the box, 40 training points.')
  })
})

describe('the plots\' text alternatives', () => {
  it('states what each plot shows, with numbers', () => {
    const line = mount(ModernReferencePlot, {
      props: {
        series: [{ label: 'AdamW', color: 'red', points: [[0, 3], [200, 1.52]] }],
        levels: [{ y: 1.5, label: 'equilibrium', color: 'blue' }],
        marks: [{ x: 100, label: 'τ' }],
        xLabel: 'step t',
        yLabel: '‖w‖',
      },
    })
    expect(line.find('svg[role="img"]').attributes('aria-label')).toBe('‖w‖ at step t = 200: AdamW: 1.52; equilibrium: 1.5; τ at step t = 100.')
    const bars = mount(BarChart, { props: { categories: ['a'], groups: [{ label: 'g', color: 'red', values: [2] }], xLabel: 'x', yLabel: 'y' } })
    expect(bars.find('svg[role="img"]').attributes('aria-label')).toBe('y by x: g: a 2.')
    const histogram = mount(HistogramPlot, { props: { lo: 0, binWidth: 1, histogram: { label: 'draws', color: 'red', counts: [1, 3] }, xLabel: 'x', yLabel: 'count' } })
    expect(histogram.find('svg[role="img"]').attributes('aria-label')).toMatch(/^histogram of x, draws: mean 1\.25/)
    const plane = mount(VectorPlane, {
      props: { xDomain: [-1, 1], yDomain: [-1, 1], xLabel: 'w₁', yLabel: 'w₂', arrows: [{ from: [0, 0], to: [0.5, 0], color: 'red', text: '−ηλw' }] },
    })
    expect(plane.find('svg[role="img"]').attributes('aria-label')).toBe('plane: w₂ against w₁: −ηλw from w₁ = 0, w₂ = 0 to w₁ = 0.5, w₂ = 0.')
    const fields = mount(DecisionFieldRow, {
      props: { box: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, resolution: 2, titles: ['a', 'b'], fields: [1, 1, 1, 1, 0, 0, 0, 1], train: { x: [0.5, 0.5], y: [1] } },
    })
    expect(fields.findAll('.field-row-stage').map(f => f.attributes('aria-label'))).toEqual([
      'decision field, a: class 1 on 100 % of the box, 1 training points. Click adds a point, shift-click removes one; from the keyboard, arrow keys move a cursor, Enter adds a point there, Delete removes the nearest added one; cursor at x₁ = 0.50, x₂ = 0.50.',
      'decision field, b: class 1 on 25 % of the box, 1 training points. Click adds a point, shift-click removes one.',
    ])
  })

  it('inside a demo, changes only when the run settles, not with every frame', async () => {
    const points = ref<Array<[number, number]>>([[0, 1]])
    const settled = ref(0)
    const wrapper = mount(defineComponent({
      setup() {
        provide(settledKey, settled)
        return () => h(LinePlot, { series: [{ label: 'GD', color: 'red', points: points.value }], xLabel: 'step', yLabel: 'loss' })
      },
    }))
    const label = () => wrapper.find('svg').attributes('aria-label')
    expect(label()).toBe('loss at step = 0: GD: 1.')
    points.value = [[0, 1], [1, 0.5]]
    await flushPromises()
    expect(label(), 'a new frame while running').toBe('loss at step = 0: GD: 1.')
    settled.value++
    await flushPromises()
    expect(label()).toBe('loss at step = 1: GD: 0.5.')
  })
})

async function until(check: () => boolean, what: string, ms = 20_000) {
  await vi.waitFor(() => {
    if (!check())
      throw new Error(`still waiting for ${what}`)
  }, { timeout: ms, interval: 20 })
}

/** Windows of one browser: each post reaches every other listener on a later task, as BroadcastChannel does. */
function createBus() {
  const listeners = new Set<(message: SyncMessage) => void>()
  return (): SyncTransport => {
    let own: ((message: SyncMessage) => void) | undefined
    return {
      post(message) {
        for (const listener of listeners) {
          if (listener !== own)
            setTimeout(listener, 0, structuredClone(message))
        }
      },
      listen(receive) {
        own = receive
        listeners.add(receive)
        return () => listeners.delete(receive)
      },
    }
  }
}

/** A window's ridge-gd demo on a slide; `reduced` is the window's `prefers-reduced-motion`. */
function mountDemo(options: { reduced?: boolean, transport?: SyncTransport, id?: string, mode?: Ref<'live' | 'still'> } = {}) {
  const matchMedia = window.matchMedia.bind(window)
  const spy = vi.spyOn(window, 'matchMedia').mockImplementation(query => /reduced-motion: reduce/.test(query)
    ? { ...matchMedia(query), matches: !!options.reduced, addEventListener: () => {}, removeEventListener: () => {} } as unknown as MediaQueryList
    : matchMedia(query))
  const hub = createSyncHub({ transport: options.transport, id: options.id })
  const Demo = defineComponent({
    setup() {
      const run = useExperimentRun({ experiment: ridgeGdExperiment, mode: options.mode ?? 'live', budgetMs: 1, params: { every: 2 }, sync: { hub, key: 'ridge-gd@3' } })
      return () => h(DemoShell, { run })
    },
  })
  const wrapper = mount(Demo, { attachTo: document.body })
  spy.mockRestore()
  const root = () => wrapper.find('[data-demo]')
  return {
    wrapper,
    hub,
    state: () => root().attributes('data-state'),
    step: () => Number(root().attributes('data-step')),
    announced: () => wrapper.find('.demo-announce').text(),
    click: (selector: string) => wrapper.find(selector).trigger('click'),
  }
}

const mounted: Array<ReturnType<typeof mountDemo>> = []
afterEach(async () => {
  for (const demo of mounted.splice(0)) {
    demo.wrapper.unmount()
    demo.hub.close()
  }
  await flushPromises()
})

describe('the live region', () => {
  it('says each change of state once, never the step counter', async () => {
    window.history.replaceState(null, '', '/?backend=cpu')
    const demo = mountDemo()
    mounted.push(demo)
    const region = demo.wrapper.find('.demo-announce')
    expect(demo.wrapper.find('.demo-status').attributes('aria-live'), 'the counter is out of the live region').toBeUndefined()
    const said: string[] = []
    const observer = new MutationObserver(() => said.push(region.text()))
    observer.observe(region.element, { childList: true, characterData: true, subtree: true })
    await until(() => demo.step() > 20, 'training')
    await demo.click('.demo-play')
    await until(() => demo.announced().startsWith('Paused'), 'the pause')
    expect(demo.announced()).toMatch(/^Paused at step \d+ of 300\.$/)
    await demo.click('.demo-play')
    await until(() => demo.state() === 'done', 'the end')
    await flushPromises()
    observer.disconnect()
    expect(demo.announced()).toMatch(/^Finished: objective J\(w\) \d/)
    // Started, paused, started again, finished: one line each, however many frames the run drew.
    expect(new Set(said)).toEqual(new Set(['Training.', demo.announced(), expect.stringMatching(/^Paused/)]))
    expect(said.length).toBeLessThanOrEqual(4)
  })
})

describe('reduced motion', () => {
  it('waits for Play, then runs', async () => {
    window.history.replaceState(null, '', '/?backend=cpu')
    const demo = mountDemo({ reduced: true })
    mounted.push(demo)
    await new Promise(resolve => setTimeout(resolve, 400))
    expect(demo.state()).toBe('idle')
    expect(demo.step()).toBe(0)
    expect(demo.wrapper.find('.demo-play').text()).toBe('Play')
    expect(demo.wrapper.find('.demo-status').text()).toMatch(/press Play/)
    await demo.click('.demo-play')
    await until(() => demo.step() > 0, 'the run after Play')
    expect(['running', 'done']).toContain(demo.state())
  })

  it('follows the run another window of the deck shows, paused there or not', async () => {
    window.history.replaceState(null, '', '/?backend=cpu')
    const bus = createBus()
    const presenter = mountDemo({ transport: bus(), id: 'p' })
    mounted.push(presenter)
    await until(() => presenter.step() > 20, 'the presenter\'s run')
    await presenter.click('.demo-play')
    await until(() => presenter.state() === 'paused', 'the pause')
    await new Promise(resolve => setTimeout(resolve, 200))
    const at = presenter.step()
    const audience = mountDemo({ reduced: true, transport: bus(), id: 'a' })
    mounted.push(audience)
    await until(() => audience.step() === at, 'the audience to catch up')
    expect(audience.state()).toBe('paused')
    await presenter.click('.demo-play')
    await until(() => audience.state() === 'done' && presenter.state() === 'done', 'both to finish')
  })
})
