import { execFileSync } from 'node:child_process'
import { beforeAll, describe, expect, it } from 'vitest'
import { experiments, findExperiment } from '../../src/experiments/registry'
import { resolveConfig } from '../../src/experiments/types'
import { useCpuBackend } from './setup-tf'

beforeAll(async () => {
  await useCpuBackend()
})

async function run(id: string, params: Record<string, string | number> = {}) {
  const experiment = findExperiment(id)
  return experiment.run(resolveConfig(experiment.defaults, params))
}

describe('the experiment registry', () => {
  it('has unique ids and one-line descriptions', () => {
    const ids = experiments.map(e => e.id)
    expect(new Set(ids).size).toBe(ids.length)
    for (const e of experiments)
      expect(e.description).toMatch(/^\S[^\n]{10,}$/)
  })

  it('rejects unknown experiments and parameters, naming them', async () => {
    expect(() => findExperiment('nope')).toThrow(/nope/)
    expect(() => resolveConfig({ eta: 0.1 }, { etta: '1' })).toThrow(/etta/)
    expect(() => resolveConfig({ eta: 0.1 }, { eta: 'fast' })).toThrow(/eta/)
  })

  it('ridge-gd ends at the closed-form minimum', async () => {
    const result = await run('ridge-gd', { steps: 2000, every: 100 })
    result.runs.forEach((r, i) => {
      const minimum = Object.values(result.theory)[i]
      expect(Math.abs(r.final.objective - minimum) / minimum).toBeLessThan(1e-4)
    })
  })

  it('decay-step: identical under SGD, different under Adam, and Adam+L2 reaches the ridge minimum', async () => {
    const sgd = await run('decay-step', { optimizer: 'sgd' })
    expect(sgd.runs[1].final['relative distance between the two final weight vectors']).toBeLessThan(1e-5)
    const adam = await run('decay-step', { optimizer: 'adam-l2', steps: 2000, every: 100 })
    expect(adam.runs[1].final['relative distance between the two final weight vectors']).toBeGreaterThan(1e-2)
    const minimum = adam.theory['ridge minimum objective']
    expect(Math.abs(adam.runs[0].final.objective - minimum) / minimum).toBeLessThan(1e-3)
    expect(adam.runs[1].final.objective).toBeGreaterThan(minimum * 1.01)
    await expect(run('decay-step', { optimizer: 'lion' })).rejects.toThrow(/optimizer/)
  })

  it('equilibrium-sgd measures the angle its theory predicts', async () => {
    const result = await run('equilibrium-sgd')
    const measured = result.runs[0].final['angular update (rad)']
    const predicted = result.theory['angular update (rad)']
    expect(Math.abs(measured - predicted) / predicted).toBeLessThan(0.02)
  })

  it('hyperball holds its norm at R while AdamW, started there, stays near its equilibrium', async () => {
    const result = await run('hyperball', { steps: 3000, tail: 1000, every: 1000 })
    const [adamw, adamh] = result.runs
    expect(Math.abs(adamh.final.norm - result.theory['Hyperball norm R']) / result.theory['Hyperball norm R']).toBeLessThan(1e-6)
    expect(Math.abs(adamw.final.norm - result.theory['AdamW norm']) / result.theory['AdamW norm']).toBeLessThan(0.05)
  })

  it('runs from the command line: list, a summary and JSON', () => {
    const cli = (...args: string[]) => execFileSync('npx', ['tsx', 'src/cli/experiment.ts', ...args], { encoding: 'utf8' })
    const list = cli('list').trim().split('\n')
    expect(list).toHaveLength(experiments.length)
    experiments.forEach((e, i) => expect(list[i]).toMatch(new RegExp(`^${e.id}\\s+\\S`)))
    expect(cli('ridge-gd', '--steps', '50')).toContain('theory:')
    const json = JSON.parse(cli('ridge-gd', '--steps', '50', '--lambda', '1', '--json').split('\n').find(l => l.startsWith('{'))!)
    expect(json.config.lambda).toBe(1)
    expect(json.backend).toBe('cpu')
    expect(json.runs[0].series.objective.length).toBeGreaterThan(2)
  })
})
