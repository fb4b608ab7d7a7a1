// The address writer (src/experiments/address.ts) is the inverse of parseAddress: whatever a demo writes reads back
// to the same configuration, for every experiment, and other keys of the address stay as they were.
import type { ParamSpec } from '../../src/experiments/declare'
import type { ParamValue } from '../../src/experiments/types'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addressEntries, formatParam, replaceAddress } from '../../src/experiments/address'
import { checkConfig, parseAddress, pointAlphabet } from '../../src/experiments/declare'
import { experiments } from '../../src/experiments/registry'
import { ridgeGdExperiment } from '../../src/experiments/ridge-gd'

/** A value the declaration accepts (-0 written as 0: the address cannot tell them apart, nor can a slider). */
function inside(spec: ParamSpec): fc.Arbitrary<ParamValue> {
  const double = (min: number, max: number) => fc.double({ min, max, noNaN: true }).map(v => v === 0 ? 0 : v)
  switch (spec.kind) {
    case 'number': return double(spec.min, spec.max)
    case 'integer': return fc.integer({ min: spec.min, max: spec.max })
    case 'choice': return fc.constantFrom(...spec.options)
    case 'boolean': return fc.boolean()
    case 'list': {
      const element = spec.integer ? fc.integer({ min: spec.min, max: spec.max }) : double(spec.min, spec.max)
      return fc.array(element, { minLength: 1, maxLength: spec.maxLength }).map(values => values.join(','))
    }
    case 'points': {
      const point = fc.tuple(fc.integer({ min: 0, max: spec.classes - 1 }), fc.constantFrom(...pointAlphabet), fc.constantFrom(...pointAlphabet))
      return fc.array(point, { maxLength: spec.maxLength }).map(points => points.map(p => p.join('')).join(''))
    }
  }
}

const others = '?backend=cpu&other-demo.lambda=9&x=%3Cb%3E'

describe('the address writer', () => {
  it('writes nothing for a demo at its defaults, and keeps every other key', () => {
    for (const experiment of experiments) {
      expect(addressEntries(experiment, experiment.defaults, experiment.defaults), experiment.id).toEqual([])
      const search = replaceAddress(`${others}&${experiment.id}.seed=5`, experiment.id, [])
      expect(search, experiment.id).toBe(others)
      expect(parseAddress(experiment, search), experiment.id).toEqual({ values: {}, errors: [] })
    }
  })

  it('writes numbers in their shortest exact form', () => {
    const lambda = ridgeGdExperiment.params.lambda
    expect(formatParam(lambda, 0.1)).toBe('0.1')
    expect(formatParam(lambda, 1e-7)).toBe('1e-7')
    expect(formatParam(lambda, 1.5)).toBe('1.5')
    expect(formatParam(lambda, 0.1 + 0.2)).toBe('0.30000000000000004')
    expect(replaceAddress('?ridge-gd.lambda=2&a=1', 'ridge-gd', addressEntries(ridgeGdExperiment, { lambda: 0.25, seed: 7 }, ridgeGdExperiment.defaults)))
      .toBe('?a=1&ridge-gd.lambda=0.25&ridge-gd.seed=7')
  })

  it('round-trips every experiment\'s random valid configurations through parseAddress exactly', () => {
    for (const experiment of experiments) {
      // A student moves a few controls: some fields away from their defaults, the rest where they were.
      const moved = fc.record(Object.fromEntries(Object.entries(experiment.params).map(([name, spec]) => [name, inside(spec)])), { requiredKeys: [] })
      const config = moved.map(values => ({ ...experiment.defaults, ...values }) as Record<string, ParamValue>)
      fc.assert(fc.property(config, (values) => {
        // The cross-field checks (every <= steps, a stable step) refuse some combinations; the address reads only
        // configurations a demo could run.
        let valid = true
        try {
          checkConfig(experiment, values)
        }
        catch {
          valid = false
        }
        fc.pre(valid)
        const entries = addressEntries(experiment, values, experiment.defaults)
        // A repeated or stale key of this demo is replaced, not added to.
        const search = replaceAddress(`${others}&${experiment.id}.seed=1&${experiment.id}.seed=2`, experiment.id, entries)
        const read = parseAddress(experiment, search)
        expect(read.errors).toEqual([])
        const changed = Object.fromEntries(Object.entries(values).filter(([name, v]) => v !== experiment.defaults[name]))
        expect(read.values).toEqual(changed)
        expect(new URLSearchParams(search).getAll('other-demo.lambda')).toEqual(['9'])
        expect(new URLSearchParams(search).get('x')).toBe('<b>')
      }), { numRuns: 60 })
    }
  })
})
