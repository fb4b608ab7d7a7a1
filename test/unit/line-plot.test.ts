// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import LinePlot from '../../components/plot/LinePlot.vue'

describe('the line plot', () => {
  it('draws labelled axes, ticks and one path per series', () => {
    const wrapper = mount(LinePlot, {
      props: {
        series: [
          { label: 'train', color: 'red', points: [[0, 10], [50, 1], [100, 0.1]] },
          { label: 'minimum', color: 'red', dashed: true, points: [[0, 0.1], [100, 0.1]] },
        ],
        xDomain: [0, 100],
        xLabel: 'step',
        yLabel: 'loss',
        logY: true,
      },
    })
    const text = wrapper.text()
    expect(text).toContain('step')
    expect(text).toContain('loss')
    const paths = wrapper.findAll('path')
    expect(paths).toHaveLength(2)
    // Three points, the first at x = 0 (the left edge of the axis, 68 px in).
    expect(paths[0].attributes('d')).toMatch(/^M68,[\d.]+L[\d.]+,[\d.]+L[\d.]+,[\d.]+$/)
    expect(paths[1].attributes('stroke-dasharray')).toBeTruthy()
    expect(wrapper.findAll('g.plot-axis text').length).toBeGreaterThan(6)
  })

  it('draws a long noisy series with at most four points per unit of width, its envelope kept', async () => {
    // 20 000 steps of a noisy curve on a 370-wide plot: a spike to 5 and a dip to -5 must survive the thinning.
    const points: Array<[number, number]> = Array.from({ length: 20_000 }, (_, t) => [t, Math.sin(t / 500) + 0.3 * Math.sin(t * 12.9898)])
    points[7_777][1] = 5
    points[12_345][1] = -5
    const wrapper = mount(LinePlot, { props: { series: [{ label: 'lost', color: 'red', points }], xLabel: 'step', yLabel: 'lost', width: 370, height: 210, yDomain: [-5, 5] } })
    const drawn = wrapper.find('path').attributes('d')!.slice(1).split('L').map(pair => pair.split(',').map(Number))
    expect(drawn.length).toBeLessThanOrEqual(4 * 370)
    expect(drawn.length).toBeGreaterThan(370)
    // y = 5 is the top of the axis (12 units down), y = -5 its bottom (210 - 48).
    const ys = drawn.map(([, y]) => y)
    expect(Math.min(...ys)).toBe(12)
    expect(Math.max(...ys)).toBe(162)
    // First and last points stay where they are.
    expect(drawn[0][0]).toBe(68)
    expect(drawn.at(-1)![0]).toBe(370 - 16)
  })

  it('draws a series that grows in place anew (a path is reused only for the same points and length)', async () => {
    const growing: Array<[number, number]> = [[0, 0], [1, 1]]
    const plot = mount(LinePlot, { props: { series: [{ label: 'g', color: 'red', points: growing }], xLabel: 'x', yLabel: 'y', xDomain: [0, 2], yDomain: [0, 2] } })
    const before = plot.find('path').attributes('d')
    growing.push([2, 2])
    await plot.setProps({ series: [{ label: 'g', color: 'red', points: growing }] })
    expect(plot.find('path').attributes('d')).not.toBe(before)
    expect(plot.find('path').attributes('d')!.split('L')).toHaveLength(3)
  })

  it('skips points it cannot draw instead of breaking the path', () => {
    const wrapper = mount(LinePlot, {
      props: {
        series: [{ label: 'diverged', color: 'blue', points: [[0, 1], [1, Number.NaN], [2, Infinity], [3, 0.5]] }],
        xDomain: [0, 3],
        xLabel: 'step',
        yLabel: 'loss',
        logY: true,
      },
    })
    expect(wrapper.find('path').attributes('d')).not.toContain('NaN')
  })
})
