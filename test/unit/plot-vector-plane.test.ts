// @vitest-environment happy-dom
import { mount } from '@vue/test-utils'
import { describe, expect, it } from 'vitest'
import VectorPlane from '../../components/plot/VectorPlane.vue'

describe('the vector plane', () => {
  it('draws labelled axes, curves, arrows with heads and marked points, with the same units on both axes', () => {
    const wrapper = mount(VectorPlane, {
      props: {
        xDomain: [0, 4],
        yDomain: [0, 1],
        xLabel: 'weight w1',
        yLabel: 'weight w2',
        width: 400,
        height: 380,
        curves: [{ points: [[0, 0], [1, 1], [2, 0]], color: 'red', label: 'trajectory', dots: true }],
        arrows: [
          { from: [1, 0], to: [2, 0], color: 'green', label: 'shrink', text: '−ηλw' },
          { from: [2, 0], to: [2, 1], color: 'blue', dashed: true },
        ],
        markers: [{ at: [0, 0], color: 'black', shape: 'ring', label: 'origin' }],
      },
    })
    const text = wrapper.text()
    for (const word of ['weight w1', 'weight w2', 'trajectory', 'shrink', 'origin', '−ηλw'])
      expect(text).toContain(word)
    // One path per curve, one shaft per arrow, one head (polygon) per arrow.
    expect(wrapper.findAll('.plot-area path[fill="none"]')).toHaveLength(3)
    expect(wrapper.findAll('.plot-area polygon')).toHaveLength(2)
    expect(wrapper.findAll('.plot-area path[stroke-dasharray]')).toHaveLength(1)
    // Equal aspect: the arrow of length 1 along x is as long in px as the one of length 1 along y (head included).
    const [first, second] = wrapper.findAll('.plot-area polygon').map(p => p.attributes('points')!.split(' ')[0].split(',').map(Number))
    const shafts = wrapper.findAll('path').filter(p => /^M[\d.]+,[\d.]+L[\d.]+,[\d.]+$/.test(p.attributes('d') ?? ''))
    const start = (i: number) => shafts[i].attributes('d')!.slice(1).split('L')[0].split(',').map(Number)
    const along = Math.abs(first[0] - start(0)[0])
    const up = Math.abs(second[1] - start(1)[1])
    expect(along).toBeGreaterThan(40)
    expect(Math.abs(along - up)).toBeLessThan(0.5)
  })

  it('skips points it cannot draw and draws a zero-length arrow as a dot', () => {
    const wrapper = mount(VectorPlane, {
      props: {
        xDomain: [-1, 1],
        yDomain: [-1, 1],
        xLabel: 'x',
        yLabel: 'y',
        curves: [{ points: [[0, 0], [Number.NaN, 1], [0.5, 0.5]], color: 'red' }],
        arrows: [{ from: [0.2, 0.2], to: [0.2, 0.2], color: 'green' }],
      },
    })
    expect(wrapper.find('path[fill="none"]').attributes('d')).not.toContain('NaN')
    expect(wrapper.findAll('.plot-area polygon')).toHaveLength(0)
    expect(wrapper.findAll('circle[fill="green"]')).toHaveLength(1)
  })
})
