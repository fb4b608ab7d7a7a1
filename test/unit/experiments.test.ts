import { execFileSync, spawnSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { checkConfig, ConfigError, defineExperiment, describeExperiment, parseAddress, resolveConfig, worstCorner } from '../../src/experiments/declare'
import { experiments, findExperiment } from '../../src/experiments/registry'
import { ridgeGdExperiment } from '../../src/experiments/ridge-gd'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

async function run(id: string, params: Record<string, string | number> = {}) {
  const experiment = findExperiment(id)
  return experiment.run(resolveConfig(experiment, params))
}

const cli = (...args: string[]) => execFileSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8' })

describe('the experiment registry', () => {
  it('has unique ids, one file each, and one-line descriptions', () => {
    const ids = experiments.map(e => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const e of experiments)
      expect(e.description).toMatch(/^\S[^\n]{10,}$/)
  })

  it('says to students what each demo shows and what to try, in a line of its own', () => {
    for (const e of experiments) {
      expect(e.purpose, e.id).toMatch(/^[A-Z][^\n]{40,240}$/)
      expect(e.purpose, e.id).toMatch(/Try|try/)
      expect(e.purpose, e.id).not.toBe(e.description)
    }
  })

  it('declares every parameter with a kind, a label, a meaning, and every number with finite bounds around its default', () => {
    for (const e of experiments) {
      for (const [name, spec] of Object.entries(e.params)) {
        const where = `${e.id}.${name}`
        expect(spec.label, where).toMatch(/\S/)
        expect(spec.meaning, where).toMatch(/^\S[^\n]{5,}$/)
        if (spec.kind === 'number' || spec.kind === 'integer' || spec.kind === 'list') {
          expect(Number.isFinite(spec.min) && Number.isFinite(spec.max), `${where} has finite bounds`).toBe(true)
          expect(spec.min, where).toBeLessThanOrEqual(spec.max)
        }
        if (spec.kind === 'number' || spec.kind === 'integer')
          expect(spec.default >= spec.min && spec.default <= spec.max, `${where} default inside its bounds`).toBe(true)
        if (spec.kind === 'choice')
          expect(spec.options, where).toContain(spec.default)
      }
      expect(() => checkConfig(e, e.defaults), `${e.id} accepts its defaults`).not.toThrow()
      expect(() => checkConfig(e, worstCorner(e)), `${e.id} accepts its worst corner`).not.toThrow()
      for (const kind of ['metrics', 'theory'] as const) {
        for (const [id, spec] of Object.entries(e.outputs[kind])) {
          expect(id, `${e.id} ${kind} ids are identifiers, not sentences`).toMatch(/^[a-z][A-Za-z0-9]*$/)
          expect(spec.label, `${e.id}.${id}`).toMatch(/\S/)
        }
      }
    }
  })

  it('refuses a declaration whose number has no upper bound or whose default is outside it', () => {
    const base = { id: 'x', description: 'a test declaration', outputs: { metrics: {}, theory: {} }, run: async () => ({ id: 'x', config: {}, backend: 'cpu', runs: [], theory: {} }) }
    expect(() => defineExperiment({ ...base, params: { eta: { kind: 'number', default: 1, min: 0, max: Infinity, label: 'η', meaning: 'learning rate' } } })).toThrow(/x\.eta/)
    expect(() => defineExperiment({ ...base, params: { eta: { kind: 'number', default: 5, min: 0, max: 1, label: 'η', meaning: 'learning rate' } } })).toThrow(/x\.eta/)
  })

  it('rejects unknown experiments, unknown, malformed and out-of-range parameters, naming the field and its range', async () => {
    expect(() => findExperiment('nope')).toThrow(/nope/)
    expect(() => resolveConfig(ridgeGdExperiment, { etta: '1' })).toThrow(/^etta: unknown parameter/)
    expect(() => resolveConfig(ridgeGdExperiment, { eta: 'fast' })).toThrow(/^eta: expected a number in \[0\.001, 5\], got 'fast'/)
    for (const bad of ['', 'NaN', '1e999', '0x10', 'Infinity', '-1'])
      expect(() => resolveConfig(ridgeGdExperiment, { eta: bad }), `eta=${bad}`).toThrow(ConfigError)
    expect(() => resolveConfig(ridgeGdExperiment, { steps: '2.5' })).toThrow(/^steps: expected an integer in \[1, 20000\]/)
    expect(() => resolveConfig(ridgeGdExperiment, { steps: '1000000' })).toThrow(/^steps: /)
    // The run itself checks too, whoever calls it.
    await expect(ridgeGdExperiment.run({ ...ridgeGdExperiment.defaults, lambda: 3000 })).rejects.toThrow(/^lambda: expected a number in \[0, 2\], got 3000/)
  })

  it('reads an address: good values parse, and any bad field (unknown, repeated, malformed, out of range) sets the whole address aside', () => {
    const parse = (search: string) => parseAddress(ridgeGdExperiment, search)
    expect(parse('?ridge-gd.lambda=1.5&ridge-gd.seed=7&other.lambda=9&backend=cpu')).toEqual({ values: { lambda: 1.5, seed: 7 }, errors: [] })
    const cases: Array<[string, RegExp]> = [
      ['?ridge-gd.lambda=abc', /^lambda: expected a number in \[0, 2\], got 'abc'$/],
      ['?ridge-gd.lambda=NaN', /^lambda: /],
      ['?ridge-gd.lambda=1e999', /^lambda: /],
      ['?ridge-gd.lambda=', /^lambda: expected a number in \[0, 2\], got ''$/],
      ['?ridge-gd.lambda=2000', /^lambda: expected a number in \[0, 2\], got '2000'$/],
      ['?ridge-gd.steps=1000000', /^steps: expected an integer in \[1, 20000\]/],
      ['?ridge-gd.lambda=1&ridge-gd.lambda=1', /^lambda: given more than once/],
      ['?ridge-gd.optimizer=adamw', /^optimizer: not a parameter of this demo/],
      ['?ridge-gd.lambda=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E', /^lambda: expected a number/],
    ]
    for (const [search, message] of cases) {
      const { values, errors } = parse(`${search}&ridge-gd.seed=3`)
      expect(values, search).toEqual({})
      expect(errors, search).toHaveLength(1)
      expect(errors[0], search).toMatch(message)
    }
  })

  it('ridge-gd ends at the closed-form minimum', async () => {
    const result = await run('ridge-gd', { steps: 2000, every: 100 })
    const minima = [result.theory.minimumNoDecay, result.theory.minimum]
    result.runs.forEach((r, i) => {
      const minimum = minima[i]
      expect(Math.abs(r.final.objective! - minimum) / minimum).toBeLessThan(1e-4)
    })
  })

  it('runs from the command line: list, a summary and JSON', () => {
    const list = cli('list').trim().split('\n')
    expect(list).toHaveLength(experiments.length)
    experiments.forEach((e, i) => expect(list[i]).toMatch(new RegExp(`^${e.id}\\s+\\S`)))
    expect(cli('ridge-gd', '--steps', '50')).toContain('theory:')
    const json = JSON.parse(cli('ridge-gd', '--steps', '50', '--lambda', '1', '--json').split('\n').find(l => l.startsWith('{'))!)
    expect(json.config.lambda).toBe(1)
    expect(json.backend).toBe('cpu')
    expect(json.runs[0].series.objective.length).toBeGreaterThan(2)
  })

  it('describes an experiment from its declaration, and exits non-zero on a value out of range, naming the field and its range', () => {
    const described = JSON.parse(cli('describe', 'ridge-gd', '--json'))
    expect(described).toEqual(JSON.parse(JSON.stringify(describeExperiment(ridgeGdExperiment))))
    expect(described.params.lambda).toMatchObject({ kind: 'number', default: 0.5, min: 0, max: 2 })
    expect(cli('describe', 'ridge-gd')).toMatch(/lambda = 0\.5 {2}a number in \[0, 2\]/)
    const out = spawnSync('npx', ['tsx', 'src/cli/experiment.ts', 'ridge-gd', '--lambda', '2000'], { encoding: 'utf8' })
    expect(out.status).toBe(2)
    expect(out.stderr).toMatch(/lambda: expected a number in \[0, 2\], got '2000'/)
  })

  it('describes every experiment as JSON, with the fields a reader needs', () => {
    for (const e of experiments) {
      const d = JSON.parse(JSON.stringify(describeExperiment(e)))
      expect(d.id).toBe(e.id)
      expect(Object.keys(d.params)).toEqual(Object.keys(e.params))
      expect(d.outputs.metrics).toBeTypeOf('object')
    }
  })
})
