// @vitest-environment happy-dom
// The six demos of the modern part on the tfjs cpu backend: each shows its experiment, draws the closed forms as
// dashed lines from the first frame, restarts when a control changes, and leaves no tensor behind.
import type { Component } from 'vue'
import type { DemoMode } from '../../src/core/demo-mode'
import * as tf from '@tensorflow/tfjs-core'
import { flushPromises, mount } from '@vue/test-utils'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import BatchNoiseDemo from '../../components/BatchNoiseDemo.vue'
import EffectiveLrDemo from '../../components/EffectiveLrDemo.vue'
import EquilibriumDemo from '../../components/EquilibriumDemo.vue'
import HyperballDemo from '../../components/HyperballDemo.vue'
import LowPrecisionDemo from '../../components/LowPrecisionDemo.vue'
import ReluRescalingDemo from '../../components/ReluRescalingDemo.vue'

const mode = vi.hoisted(() => ({ current: undefined as unknown as { value: DemoMode } }))
vi.mock('../../composables/useDemoMode', async () => {
  const { ref } = await import('vue')
  mode.current = ref<DemoMode>('still')
  return { useDemoMode: () => mode.current }
})

beforeAll(() => {
  tf.env().set('PROD', true)
})

async function until(check: () => boolean, what: string, ms = 30_000) {
  await vi.waitFor(() => {
    if (!check())
      throw new Error(`still waiting for ${what}`)
  }, { timeout: ms, interval: 20 })
}

function mountDemo(component: Component) {
  window.history.replaceState(null, '', '/?backend=cpu')
  mode.current.value = 'still'
  const wrapper = mount(component, { attachTo: document.body })
  const root = () => wrapper.find('[data-demo]')
  return {
    wrapper,
    id: () => root().attributes('data-demo'),
    state: () => root().attributes('data-state'),
    step: () => Number(root().attributes('data-step')),
    dashed: () => wrapper.findAll('path[stroke-dasharray]').length,
  }
}

let current: ReturnType<typeof mountDemo> | undefined
afterEach(async () => {
  current?.wrapper.unmount()
  current = undefined
  mode.current.value = 'still'
  await flushPromises()
})

const demos: Array<[string, Component]> = [
  ['effective-lr', EffectiveLrDemo],
  ['equilibrium-sgd', EquilibriumDemo],
  ['hyperball', HyperballDemo],
  ['batch-size-noise', BatchNoiseDemo],
  ['low-precision', LowPrecisionDemo],
  ['relu-rescaling', ReluRescalingDemo],
]

describe('the modern demos', () => {
  it.each(demos)('%s: waits while its slide is not shown, then trains with its theory lines drawn', async (id, component) => {
    await tf.setBackend('cpu')
    const before = tf.memory().numTensors
    current = mountDemo(component)
    expect(current.id()).toBe(id)
    expect(current.state()).toBe('idle')
    mode.current.value = 'live'
    await until(() => current!.step() > 0, 'training to start')
    expect(current.state()).toBe('running')
    expect(current.dashed()).toBeGreaterThan(0)
    expect(current.wrapper.findAll('svg.plot-area').length).toBeGreaterThan(0)
    current.wrapper.unmount()
    current = undefined
    await new Promise(resolve => setTimeout(resolve, 300))
    expect(tf.memory().numTensors).toBe(before)
  })

  it('the equilibrium demo switches between SGD, momentum and AdamW, and a slider restarts the run', async () => {
    current = mountDemo(EquilibriumDemo)
    expect(current.id()).toBe('equilibrium-sgd')
    mode.current.value = 'live'
    await until(() => current!.step() > 50, 'SGD to train')
    await current.wrapper.find('input[value="equilibrium-adamw"]').setValue(true)
    await until(() => current!.id() === 'equilibrium-adamw' && current!.step() > 0, 'AdamW to train')
    expect(current.wrapper.text()).toContain('√(2ηλ(1−β₁)/(1+β₁))')
    await current.wrapper.find('input[value="equilibrium-momentum"]').setValue(true)
    await until(() => current!.id() === 'equilibrium-momentum' && current!.step() > 50, 'momentum to train')
    const before = current.step()
    const eta = current.wrapper.find('input[type="range"][aria-label="η"]')
    await eta.setValue(String(Number((eta.element as HTMLInputElement).value) + 10))
    await until(() => current!.step() < before, 'the restart')
  })

  it('the hyperball demo sets its step to match the AdamW equilibrium angle from a button', async () => {
    current = mountDemo(HyperballDemo)
    const slider = current.wrapper.find('input[type="range"][aria-label="Hyperball η_H"]')
    // The slider moves eta_H / matched over [0.1, 10]: its low end is a tenth of the matched step.
    await slider.setValue('0')
    expect(current.wrapper.text()).toContain('η_H = 0.00032')
    await current.wrapper.find('button.hyperball-match').trigger('click')
    // sqrt(2 eta lambda (1 - beta1)/(1 + beta1)) at eta = 1e-3, lambda = 0.1, beta1 = 0.9.
    expect(current.wrapper.text()).toContain('η_H = 0.0032')
  })
})
