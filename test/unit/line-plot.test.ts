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
