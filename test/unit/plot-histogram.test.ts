// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import HistogramPlot from '../../components/plot/HistogramPlot.vue'

describe('the histogram plot', () => {
  it('draws a bar per non-empty bin on the bins given, a reference outline, curves and markers', () => {
    const wrapper = mount(HistogramPlot, {
      props: {
        lo: 0,
        binWidth: 1,
        histogram: { label: 'λ = 0.2', color: 'blue', counts: [1, 4, 0, 2] },
        reference: { label: 'λ = 0', color: 'grey', counts: [2, 2, 2, 2] },
        curves: [{ label: 'density', color: 'black', dashed: true, points: [[0, 1], [2, 3], [4, 1]] }],
        markers: [{ x: 2.5, label: 'w* = 2.5', color: 'black', dashed: true }],
        xLabel: 'estimate',
        yLabel: 'count',
        width: 460,
        height: 320,
      },
    })
    const text = wrapper.text()
    for (const word of ['estimate', 'count', 'λ = 0.2', 'λ = 0', 'density', 'w* = 2.5'])
      expect(text).toContain(word)
    const bars = wrapper.findAll('.plot-area rect[fill="blue"]')
    expect(bars).toHaveLength(3)
    // Equal bins: equal widths; the bar of 4 is twice as tall as the bar of 2.
    const heights = bars.map(b => Number(b.attributes('height')))
    expect(heights[1]).toBeCloseTo(2 * heights[2], 6)
    expect(new Set(bars.map(b => b.attributes('width'))).size).toBe(1)
    // The outline steps over all four bins (a move, 4 x 2 corners, a close down to the axis).
    expect(wrapper.find('path[stroke="grey"]').attributes('d')!.split('L')).toHaveLength(10)
    expect(wrapper.findAll('.plot-area line[stroke="black"]')).toHaveLength(1)
  })
})
