/**
 * `npm run experiment -- list`
 * `npm run experiment -- <id> [--<param> <value> ...] [--steps N] [--seed S] [--json]`
 * Runs an experiment in Node (tfjs cpu backend, or `--backend wasm`) and prints a summary, or everything as JSON.
 */
import type { ExperimentResult } from '../experiments/types'
import process from 'node:process'
import * as tf from '@tensorflow/tfjs-core'
import { describeBackend, initBackend, isBackendName } from '../core/backend'
import { experiments, findExperiment } from '../experiments/registry'
import { resolveConfig } from '../experiments/types'

function parseArgs(argv: string[]): { id?: string, params: Record<string, string | boolean>, json: boolean } {
  const params: Record<string, string | boolean> = {}
  let id: string | undefined
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--json') {
      json = true
    }
    else if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2)
      if (inline !== undefined) {
        params[key] = inline
      }
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) {
        params[key] = argv[++i]
      }
      else {
        params[key] = true
      }
    }
    else if (!id) {
      id = arg
    }
    else {
      throw new Error(`unexpected argument '${arg}'`)
    }
  }
  return { id, params, json }
}

const format = (v: number) => Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(4) : v.toPrecision(5)) : String(v)

function summary(result: ExperimentResult): string {
  const lines = [`${result.id} (backend: ${result.backend})`]
  lines.push(`  config: ${Object.entries(result.config).map(([k, v]) => `${k}=${v}`).join(' ')}`)
  for (const run of result.runs) {
    lines.push(`  ${run.label}${run.diverged ? '  [diverged]' : ''}`)
    for (const [name, value] of Object.entries(run.final))
      lines.push(`    ${name}: ${format(value)}`)
  }
  lines.push('  theory:')
  for (const [name, value] of Object.entries(result.theory))
    lines.push(`    ${name}: ${format(value)}`)
  return lines.join('\n')
}

async function main() {
  const { id, params, json } = parseArgs(process.argv.slice(2))
  if (!id || id === 'list' || id === 'help' || params.help) {
    const width = Math.max(...experiments.map(e => e.id.length))
    for (const e of experiments)
      console.log(`${e.id.padEnd(width)}  ${e.description}`)
    if (!id || id === 'help')
      console.log('\nRun one: npm run experiment -- <id> [--<param> <value> ...] [--json]')
    return
  }
  const experiment = findExperiment(id)
  const { backend = 'cpu', ...rest } = params
  if (!isBackendName(backend) || backend === 'webgl')
    throw new Error(`backend: expected cpu or wasm in Node, got '${String(backend)}'`)
  const config = resolveConfig(experiment.defaults, rest as Record<string, string>)
  // PROD silences tfjs's advice to install tfjs-node, which this project does not use.
  tf.env().set('PROD', true)
  if (await initBackend(backend) !== backend)
    throw new Error(`backend: '${backend}' could not start`)
  const result = await experiment.run(config)
  result.backend = describeBackend()
  const { extra: _extra, ...printable } = result
  console.log(json ? JSON.stringify(printable) : summary(result))
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  process.exit(1)
})
