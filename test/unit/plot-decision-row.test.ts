// @vitest-environment happy-dom
// The decision fields from the keyboard: the first field takes focus and moves a cursor; Enter adds a point there,
// Delete removes the nearest added one; keys it does not use are left to the page.
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import DecisionFieldRow from '../../components/plot/DecisionFieldRow.vue'

const box = { xMin: -4, xMax: 4, yMin: -2, yMax: 2 }
function row() {
  return mount(DecisionFieldRow, {
    props: { box, resolution: 2, titles: ['λ = 0', 'λ = 0.1'], fields: [0, 0, 1, 1, 0, 0, 1, 1], train: { x: [0, 0], y: [1] } },
    attachTo: document.body,
  })
}

describe('the decision fields from the keyboard', () => {
  it('lets only the first field take focus, and shows the cursor while it has it', async () => {
    const wrapper = row()
    const stages = wrapper.findAll('.field-row-stage')
    expect(stages.map(s => s.attributes('tabindex'))).toEqual(['0', undefined])
    expect(stages[0].attributes('role')).toBe('application')
    expect(wrapper.find('.field-row-cursor').exists()).toBe(false)
    await stages[0].trigger('focus')
    expect(wrapper.find('.field-row-cursor').exists()).toBe(true)
    await stages[0].trigger('blur')
    expect(wrapper.find('.field-row-cursor').exists()).toBe(false)
    wrapper.unmount()
  })

  it('moves the cursor by a twentieth of the box (a fifth with Shift), inside the box, and adds and removes there', async () => {
    const wrapper = row()
    const first = wrapper.findAll('.field-row-stage')[0]
    await first.trigger('focus')
    await first.trigger('keydown', { key: 'ArrowRight' })
    await first.trigger('keydown', { key: 'ArrowRight' })
    await first.trigger('keydown', { key: 'ArrowUp', shiftKey: true })
    await first.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('add')).toEqual([[0.8, 0.8]])
    expect(first.attributes('aria-label')).toMatch(/cursor at x₁ = 0\.80, x₂ = 0\.80\.$/)
    for (let k = 0; k < 30; k++)
      await first.trigger('keydown', { key: 'ArrowLeft', shiftKey: true })
    await first.trigger('keydown', { key: ' ' })
    expect(wrapper.emitted('add')?.[1]).toEqual([-4, 0.8])
    // Each frame of a run brings a copy of the same box: the cursor stays; a new box puts it in the middle.
    await wrapper.setProps({ box: { ...box } })
    expect(first.attributes('aria-label')).toMatch(/cursor at x₁ = -4\.00, x₂ = 0\.80\.$/)
    await first.trigger('keydown', { key: 'Delete' })
    await first.trigger('keydown', { key: 'Backspace' })
    expect(wrapper.emitted('remove')).toEqual([[-4, 0.8], [-4, 0.8]])
    await wrapper.setProps({ box: { xMin: 0, xMax: 2, yMin: 0, yMax: 4 } })
    expect(first.attributes('aria-label')).toMatch(/cursor at x₁ = 1\.00, x₂ = 2\.00\.$/)
    wrapper.unmount()
  })

  it('keeps the page from scrolling or changing slide on the keys it uses, and leaves the others alone', () => {
    const wrapper = row()
    const first = wrapper.findAll('.field-row-stage')[0].element
    const press = (key: string) => {
      const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true })
      first.dispatchEvent(event)
      return event.defaultPrevented
    }
    expect(['ArrowLeft', 'ArrowDown', ' ', 'Enter', 'Delete'].map(press)).toEqual([true, true, true, true, true])
    expect(['Tab', 'Escape', 'a'].map(press)).toEqual([false, false, false])
    wrapper.unmount()
  })
})
