// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import ContourPlot from '../../components/plot/ContourPlot.vue'

/** A circular bowl centred at (1, 0.5): its level sets are circles of radius sqrt(2 level). */
const bowl = (x: number, y: number) => 0.5 * ((x - 1) ** 2 + (y - 0.5) ** 2)
const base = { field: bowl, xDomain: [-2, 3] as [number, number], yDomain: [-2, 3] as [number, number], xLabel: 'w₁', yLabel: 'w₂' }

/** The points of an SVG path made of M/L commands. */
function points(d: string): Array<[number, number]> {
  return d.split(/[MLZ]/).filter(Boolean).map(p => p.split(',').map(Number) as [number, number])
}

describe('the contour plot', () => {
  it('draws one closed ring per level, where the level set is, with labelled axes', () => {
    const wrapper = mount(ContourPlot, { props: { ...base, levels: [0.125, 0.5] } })
    const text = wrapper.text()
    expect(text).toContain('w₁')
    expect(text).toContain('w₂')
    const rings = wrapper.findAll('path.contour')
    expect(rings).toHaveLength(2)
    // Default size 424 x 400, margins 68/16 and 12/48: 68 px per unit on both axes. Level 0.5 is the unit circle
    // around (1, 0.5); the ring inside the plot is within a tenth of a grid cell of it (the outer ring runs along the
    // grid border, outside the clipped plot area).
    const inside = points(rings[1].attributes('d')!).filter(([px, py]) => px > 68 && px < 408 && py > 12 && py < 352)
    expect(inside.length).toBeGreaterThan(20)
    for (const [px, py] of inside) {
      const u = -2 + (px - 68) * 5 / 340
      const v = -2 + (352 - py) * 5 / 340
      expect(Math.abs(Math.hypot(u - 1, v - 0.5) - 1)).toBeLessThan(0.01)
    }
    expect(wrapper.findAll('g.plot-axis text').length).toBeGreaterThan(8)
  })

  it('draws curves, highlighted levels and markers with notes, and lists them in the legend', () => {
    const wrapper = mount(ContourPlot, {
      props: {
        ...base,
        levels: [],
        highlights: [{ value: 0.5, color: 'orange', label: 'touching level' }],
        curves: [
          { label: 'ℓ₁ ball', color: 'orange', points: [[1, 0], [0, 1], [-1, 0], [0, -1]], closed: true },
          { label: 'iterates', color: 'blue', points: [[2, 1], [1.5, 0.5], [1, 0]], dots: true, legend: false },
        ],
        markers: [{ label: 'ℓ₁ solution', color: 'orange', at: [1, 0], note: 'w₂ = 0 exactly' }],
      },
    })
    expect(wrapper.findAll('path.contour.highlight')).toHaveLength(1)
    const curves = wrapper.findAll('path.curve')
    expect(curves).toHaveLength(2)
    expect(curves[0].attributes('d')).toMatch(/Z$/)
    expect(wrapper.findAll('circle[r="2.5"]')).toHaveLength(3)
    expect(wrapper.find('text.contour-note').text()).toBe('w₂ = 0 exactly')
    const legend = wrapper.find('figcaption').text()
    expect(legend).toContain('touching level')
    expect(legend).toContain('ℓ₁ ball')
    expect(legend).toContain('ℓ₁ solution')
    expect(legend).not.toContain('iterates')
  })

  it('moves the handle to where the pointer presses and drags, in data coordinates, clamped to the plot', async () => {
    const wrapper = mount(ContourPlot, { props: { ...base, levels: [0.5], handle: [1, 0.5] } })
    const svg = wrapper.find('svg.plot-area')
    // Shown at half size, as a scaled slide would: 212 x 200 screen pixels from (10, 20).
    ;(svg.element as SVGSVGElement).getBoundingClientRect = () => ({ left: 10, top: 20, width: 212, height: 200, right: 222, bottom: 220, x: 10, y: 20, toJSON: () => ({}) }) as DOMRect
    const at = (u: number, v: number) => ({ clientX: 10 + (68 + (u + 2) * 68) / 2, clientY: 20 + (352 - (v + 2) * 68) / 2 })
    await svg.trigger('pointerdown', { ...at(0, 0), pointerId: 1 })
    await svg.trigger('pointermove', { ...at(2, -1), pointerId: 1 })
    await svg.trigger('pointerup', { pointerId: 1 })
    // After release, moving does nothing.
    await svg.trigger('pointermove', { ...at(-1, -1), pointerId: 1 })
    const moves = wrapper.emitted('update:handle') as Array<[[number, number]]>
    expect(moves).toHaveLength(2)
    expect(moves[0][0][0]).toBeCloseTo(0, 6)
    expect(moves[0][0][1]).toBeCloseTo(0, 6)
    expect(moves[1][0][0]).toBeCloseTo(2, 6)
    expect(moves[1][0][1]).toBeCloseTo(-1, 6)
    // Outside the plot: clamped to its edge.
    await svg.trigger('pointerdown', { clientX: 500, clientY: 500, pointerId: 1 })
    const last = (wrapper.emitted('update:handle') as Array<[[number, number]]>).at(-1)![0]
    expect(last).toEqual([3, -2])
  })

  it('ignores the pointer and the keyboard when there is no handle, and takes no focus then', async () => {
    const wrapper = mount(ContourPlot, { props: { ...base, levels: [0.5] } })
    const svg = wrapper.find('svg.plot-area')
    await svg.trigger('pointerdown', { clientX: 50, clientY: 50, pointerId: 1 })
    await svg.trigger('keydown', { key: 'ArrowRight' })
    expect(wrapper.emitted('update:handle')).toBeUndefined()
    expect(svg.attributes('tabindex')).toBeUndefined()
    expect(svg.attributes('role')).toBe('img')
  })

  it('moves the handle from the keyboard: a sixtieth of the axis per arrow key (or the step given), five with Shift, inside the plot', async () => {
    const wrapper = mount(ContourPlot, { props: { ...base, levels: [0.5], handle: [1, 0.5], handleLabel: 'c' } })
    const svg = wrapper.find('svg.plot-area')
    expect(svg.attributes('tabindex')).toBe('0')
    expect(svg.attributes('aria-label')).toMatch(/use the arrow keys \(Shift: larger steps\), to move c\.$/)
    const press = async (key: string, shiftKey = false) => {
      await svg.trigger('keydown', { key, shiftKey })
      return (wrapper.emitted('update:handle') as Array<[[number, number]]>).at(-1)![0]
    }
    // The axes span 5: steps of 1/12 and 5/12.
    const right = await press('ArrowRight')
    expect(right[0]).toBeCloseTo(1 + 5 / 60, 9)
    expect(right[1]).toBeCloseTo(0.5, 9)
    const down = await press('ArrowDown', true)
    expect(down[0]).toBeCloseTo(1, 9)
    expect(down[1]).toBeCloseTo(0.5 - 5 / 12, 9)
    // The handle is the parent's to move: from a handle at the edge, a step out stays at the edge.
    await wrapper.setProps({ handle: [3, -2] })
    expect(await press('ArrowRight', true)).toEqual([3, -2])
    expect(await press('ArrowDown')).toEqual([3, -2])
    await wrapper.setProps({ handle: [0, 0], handleStep: 0.1 })
    expect(await press('ArrowUp')).toEqual([0, 0.1])
    expect((await press('ArrowLeft', true))[0]).toBeCloseTo(-0.5, 12)
    const before = (wrapper.emitted('update:handle') as unknown[]).length
    await svg.trigger('keydown', { key: 'a' })
    expect((wrapper.emitted('update:handle') as unknown[]).length, 'other keys do nothing').toBe(before)
  })
})
