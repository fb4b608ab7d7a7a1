// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import BarChart from '../../components/plot/BarChart.vue'

describe('the bar chart', () => {
  it('draws one bar per group and category, reference marks, labels and the caption line', () => {
    const wrapper = mount(BarChart, {
      props: {
        categories: ['w1', 'w2', 'w3'],
        sublabels: ['scale 0.1', 'scale 1', 'scale 10'],
        groups: [
          { label: 'SGD', color: 'green', values: [1, 0.5, 0.25] },
          { label: 'Adam', color: 'blue', values: [0.1, 0.01, 0.001] },
        ],
        marks: [{ label: 'ridge', color: 'black', values: [0.8, 0.4, 0.2] }],
        xLabel: 'weight',
        yLabel: 'decay per step',
        caption: 'Adam decays w3 least',
        logY: true,
      },
    })
    const text = wrapper.text()
    for (const word of ['weight', 'decay per step', 'Adam decays w3 least', 'scale 10', 'SGD', 'ridge'])
      expect(text).toContain(word)
    const bars = wrapper.findAll('rect.bar')
    expect(bars).toHaveLength(6)
    // Log scale: the bars of 1, 0.1, 0.01, 0.001 differ in height by equal steps.
    const heights = bars.map(b => Number(b.attributes('height')))
    const [one, tenth] = [heights[0], heights[3]]
    const [hundredth, thousandth] = [heights[4], heights[5]]
    expect(Math.abs((one - tenth) - (hundredth - thousandth))).toBeLessThan(0.5)
    expect(wrapper.findAll('.plot-area line[stroke="black"]')).toHaveLength(3)
  })

  it('draws negative values below zero on a linear axis and skips missing ones', () => {
    const wrapper = mount(BarChart, {
      props: {
        categories: ['a', 'b'],
        groups: [{ label: 'run', color: 'red', values: [-1, Number.NaN] }],
        xLabel: 'x',
        yLabel: 'y',
      },
    })
    const bars = wrapper.findAll('rect.bar')
    expect(bars).toHaveLength(1)
    expect(Number(bars[0].attributes('height'))).toBeGreaterThan(10)
  })
})
