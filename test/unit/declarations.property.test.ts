// Property-based checks of what every declaration accepts and refuses: values inside the bounds pass, values
// outside them, of the wrong type or unknown are refused with a message that starts with the field, and no
// address string, however malformed, is ever used in part or throws.
import type { ParamSpec } from '../../src/experiments/declare'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { checkParam, ConfigError, encodePoints, parseAddress, parseParam, pointAlphabet, pointsValues } from '../../src/experiments/declare'
import { experiments } from '../../src/experiments/registry'

const params = experiments.flatMap(e => Object.entries(e.params).map(([name, spec]) => ({ experiment: e, name, spec })))

/** A value the declaration accepts. */
function inside(spec: ParamSpec): fc.Arbitrary<number | string | boolean> {
  switch (spec.kind) {
    case 'number': return fc.double({ min: spec.min, max: spec.max, noNaN: true })
    case 'integer': return fc.integer({ min: spec.min, max: spec.max })
    case 'choice': return fc.constantFrom(...spec.options)
    case 'boolean': return fc.boolean()
    case 'list': {
      const element = spec.integer ? fc.integer({ min: spec.min, max: spec.max }) : fc.double({ min: spec.min, max: spec.max, noNaN: true })
      return fc.array(element, { minLength: 1, maxLength: spec.maxLength }).map(values => values.join(','))
    }
    case 'points': {
      const point = fc.tuple(fc.integer({ min: 0, max: spec.classes - 1 }), fc.constantFrom(...pointAlphabet), fc.constantFrom(...pointAlphabet))
      return fc.array(point, { maxLength: spec.maxLength }).map(points => points.map(p => p.join('')).join(''))
    }
  }
}

/** A value it must refuse. */
function outside(spec: ParamSpec): fc.Arbitrary<unknown> {
  const wrongType = fc.oneof(fc.constant(null), fc.constant(undefined), fc.object(), fc.constant(Number.NaN))
  switch (spec.kind) {
    case 'number':
    case 'integer': {
      const span = Math.max(1, spec.max - spec.min)
      const beyond = fc.oneof(
        fc.double({ min: spec.max + span * 1e-6, max: spec.max + span * 1e6, noNaN: true }).filter(v => v > spec.max),
        fc.double({ min: spec.min - span * 1e6, max: spec.min - span * 1e-6, noNaN: true }).filter(v => v < spec.min),
        fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
      )
      const fractional = spec.kind === 'integer' && spec.max - spec.min >= 1 ? [fc.constant(spec.min + 0.5)] : []
      return fc.oneof(beyond, wrongType, fc.string(), ...fractional)
    }
    case 'choice': return fc.oneof(wrongType, fc.string().filter(s => !spec.options.includes(s)))
    case 'boolean': return fc.oneof(wrongType, fc.string(), fc.integer())
    case 'list': return fc.oneof(
      wrongType,
      fc.constant(''),
      fc.constant(Array.from({ length: spec.maxLength + 1 }).fill(spec.min).join(',')),
      fc.constant(`${spec.min},${spec.max + Math.max(1, spec.max - spec.min)}`),
      fc.constant(`${spec.min},,${spec.max}`),
    )
    case 'points': return fc.oneof(
      wrongType,
      fc.constant('0A'),
      fc.constant(`${spec.classes}AA`),
      fc.constant('0A='),
      fc.constant('0A A'),
      fc.constant('0AA'.repeat(spec.maxLength + 1)),
      fc.string().filter(s => s.length % 3 !== 0),
    )
  }
}

describe('every declared parameter', () => {
  it('accepts any value inside its bounds, and reads it back from its text as given', () => {
    for (const { experiment, name, spec } of params) {
      fc.assert(fc.property(inside(spec), (value) => {
        expect(checkParam(name, spec, value)).toBe(value)
        const text = String(value)
        // From text the number comes back equal (-0 reads as 0), a choice or a list as the same text.
        const parsed = parseParam(name, spec, text)
        expect(parsed === value || (typeof value === 'number' && parsed === Number(text)), `${experiment.id}.${name}=${text} read as ${String(parsed)}`).toBe(true)
      }), { numRuns: 40 })
    }
  })

  it('refuses any value outside its bounds or of the wrong type, naming the field and its range', () => {
    for (const { experiment, name, spec } of params) {
      fc.assert(fc.property(outside(spec), (value) => {
        let caught: unknown
        try {
          checkParam(name, spec, value)
        }
        catch (error) {
          caught = error
        }
        expect(caught, `${experiment.id}.${name} accepted ${fc.stringify(value)}`).toBeInstanceOf(ConfigError)
        expect((caught as ConfigError).message.startsWith(`${name}: expected `)).toBe(true)
        expect((caught as ConfigError).field).toBe(name)
      }), { numRuns: 40 })
    }
  })
})

describe('points parameters', () => {
  const points = params.filter(p => p.spec.kind === 'points')

  it('exist (the property tests above cover the kind)', () => {
    expect(points.length).toBeGreaterThan(0)
  })

  it('read back the points they were given, snapped to the lattice', () => {
    for (const { spec } of points) {
      if (spec.kind !== 'points')
        continue
      const step = (spec.max - spec.min) / (pointAlphabet.length - 1)
      const point = fc.record({ x: fc.double({ min: spec.min, max: spec.max, noNaN: true }), y: fc.double({ min: spec.min, max: spec.max, noNaN: true }), label: fc.integer({ min: 0, max: spec.classes - 1 }) })
      fc.assert(fc.property(fc.array(point, { maxLength: spec.maxLength }), (given) => {
        const text = encodePoints(spec, given)
        expect(text.length).toBe(3 * given.length)
        expect(checkParam('points', spec, text)).toBe(text)
        pointsValues(spec, text).forEach((p, k) => {
          expect(p.label).toBe(given[k].label)
          expect(Math.abs(p.x - given[k].x)).toBeLessThanOrEqual(step / 2 + 1e-12)
          expect(Math.abs(p.y - given[k].y)).toBeLessThanOrEqual(step / 2 + 1e-12)
        })
        expect(encodePoints(spec, pointsValues(spec, text))).toBe(text)
      }), { numRuns: 60 })
    }
  })
})

describe('any address', () => {
  // Keys that point at real parameters, at unknown ones, or at nothing; values of every sort.
  const key = fc.oneof(
    fc.constantFrom(...params.map(p => `${p.experiment.id}.${p.name}`)),
    fc.constantFrom(...experiments.map(e => e.id)).chain(id => fc.string({ maxLength: 60 }).map(s => `${id}.${s}`)),
    fc.string({ maxLength: 30 }),
  )
  const value = fc.oneof(
    fc.string({ maxLength: 80 }),
    fc.constantFrom('', 'NaN', 'Infinity', '-Infinity', '1e999', '-1e999', '0x10', 'abc', '<script>alert(1)</script>', '"><img src=x onerror=alert(1)>', 'true', 'false'),
    fc.double().map(String),
    fc.string({ minLength: 2000, maxLength: 5000 }),
  )
  const search = fc.array(fc.tuple(key, value), { maxLength: 8 }).map(pairs => `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`)

  it('never throws; a bad field sets the whole address aside and is named; good values are inside their bounds', () => {
    fc.assert(fc.property(search, (query) => {
      for (const experiment of experiments) {
        const { values, errors } = parseAddress(experiment, query)
        if (errors.length > 0) {
          expect(values).toEqual({})
          for (const error of errors) {
            expect(error).toMatch(/^.{1,41}: /s)
            // Quoted values are cut short: a 5000-character value never reaches the slide whole.
            expect(error.length).toBeLessThan(400)
          }
        }
        for (const [name, v] of Object.entries(values))
          expect(() => checkParam(name, experiment.params[name], v)).not.toThrow()
      }
    }), { numRuns: 300 })
  })
})
