// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import FieldPlot from '../../components/plot/FieldPlot.vue'

/** The numbers of an SVG path, as [x, y] pairs. */
function coordinates(d: string): Array<[number, number]> {
  const values = (d.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number)
  return Array.from({ length: values.length / 2 }, (_, k) => [values[2 * k], values[2 * k + 1]])
}

const box = { xMin: 0, xMax: 10, yMin: 0, yMax: 5 }
// Plot area of the default 360 x 340 view: x from 58 to 346 px, y from 294 (bottom) to 10 px.
const px = (x: number) => 58 + x / 10 * 288

describe('the field plot', () => {
  it('draws labelled axes and iso-lines where the field takes their value', () => {
    const wrapper = mount(FieldPlot, {
      props: {
        box,
        xLabel: 'x₁',
        yLabel: 'x₂',
        field: (x: number) => x,
        levels: [{ value: 2.5, label: 'f = 2.5' }, { value: 7 }],
      },
    })
    expect(wrapper.text()).toContain('x₁')
    expect(wrapper.text()).toContain('x₂')
    expect(wrapper.findAll('g.plot-axis text').length).toBeGreaterThan(6)
    const iso = wrapper.findAll('path.iso')
    expect(iso).toHaveLength(2)
    // f(x, y) = x: every point of the visible part of the 2.5 line has x = 2.5 (the closing edges lie outside the box).
    const inside = coordinates(iso[0].attributes('d')!).filter(([x, y]) => x > 58 && x < 346 && y > 10 && y < 294)
    expect(inside.length).toBeGreaterThan(10)
    inside.forEach(([x]) => expect(x).toBeCloseTo(px(2.5), 0))
    expect(coordinates(iso[1].attributes('d')!).some(([x]) => Math.abs(x - px(7)) < 0.2)).toBe(true)
    // Only labelled levels enter the legend.
    expect(wrapper.find('.plot-legend').text()).toBe('f = 2.5')
  })

  it('places a grid heatmap under the plot area, half a cell beyond the box on each side', () => {
    const values = Float64Array.from({ length: 5 * 3 }, (_, k) => k / 14)
    const wrapper = mount(FieldPlot, {
      props: { box, xLabel: 'x', yLabel: 'y', grid: { values, nx: 5, ny: 3 }, heat: { low: '#0000ff', high: '#ff0000' } },
    })
    const canvas = wrapper.find('canvas')
    expect(canvas.exists()).toBe(true)
    const style = canvas.attributes('style')!
    // 5 nodes over 10 units: cells of 2.5, so the canvas spans -1.25 .. 11.25 = 125% of the width, from -12.5%.
    expect(style).toMatch(/left: -12\.5000%/)
    expect(style).toMatch(/width: 125\.0000%/)
    // 3 nodes over 5 units: cells of 2.5, so 150% of the height, from -25%.
    expect(style).toMatch(/top: -25\.0000%/)
    expect(style).toMatch(/height: 150\.0000%/)
  })

  it('draws paths with a head, point sets, arrows and a legend', () => {
    const wrapper = mount(FieldPlot, {
      props: {
        box,
        xLabel: 'x',
        yLabel: 'y',
        paths: [{ label: 'ball', color: 'red', points: [[1, 1], [2, 2], [3, 1.5]], head: true }],
        points: [
          { label: 'data', color: 'blue', points: [[1, 1], [5, 2], [Number.NaN, 1]], shape: 'square' },
          { label: 'w*', color: 'green', points: [[4, 4]], shape: 'ring' },
        ],
        arrows: [{ from: [4, 4], to: [6, 3], color: 'green', label: 'pull' }],
      },
    })
    const trajectory = wrapper.find('path.trajectory')
    expect(coordinates(trajectory.attributes('d')!)).toHaveLength(3)
    const head = wrapper.find('circle.head')
    expect(Number(head.attributes('cx'))).toBeCloseTo(px(3), 6)
    const sets = wrapper.findAll('path.points')
    // Two squares (the NaN point is skipped), each one M h v h Z.
    expect(sets[0].attributes('d')!.match(/M/g)).toHaveLength(2)
    expect(sets[1].attributes('fill')).toBe('none')
    expect(wrapper.find('path.arrow-head').exists()).toBe(true)
    expect(wrapper.find('.plot-legend').text().replace(/\s+/g, ' ')).toBe('ball data w* pull')
  })

  it('widens the box to one unit per pixel on both axes when asked', () => {
    const wrapper = mount(FieldPlot, {
      props: { box: { xMin: 0, xMax: 1, yMin: 0, yMax: 1 }, xLabel: 'x', yLabel: 'y', equalAspect: true, paths: [{ label: 'square', color: 'red', points: [[0, 0], [1, 0], [1, 1]] }] },
    })
    const [a, b, c] = coordinates(wrapper.find('path.trajectory').attributes('d')!)
    expect(b[0] - a[0]).toBeCloseTo(a[1] - c[1], 6)
  })
})
