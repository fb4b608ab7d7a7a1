/**
 * `npm run experiment -- list`
 * `npm run experiment -- describe <id> [--json]`: its parameters (kind, default, range) and outputs, from its declaration
 * `npm run experiment -- <id> [--<param> <value> ...] [--json]`
 * Runs an experiment in Node (tfjs cpu backend, or `--backend wasm`) and prints a summary, or everything as JSON.
 * A value outside its declared range exits with status 2 and names the field and its range.
 */
import type { Experiment } from '../experiments/declare'
import type { ExperimentResult } from '../experiments/types'
import process from 'node:process'
import * as tf from '@tensorflow/tfjs-core'
import { describeBackend, initBackend, isBackendName } from '../core/backend'
import { ConfigError, describeExperiment, describeRange, resolveConfig } from '../experiments/declare'
import { experiments, findExperiment } from '../experiments/registry'

function parseArgs(argv: string[]): { positional: string[], params: Record<string, string | boolean>, json: boolean } {
  const params: Record<string, string | boolean> = {}
  const positional: string[] = []
  let json = false
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--json') {
      json = true
    }
    else if (arg.startsWith('--')) {
      const [key, inline] = arg.slice(2).split('=', 2)
      if (key in params)
        throw new ConfigError(key, 'given more than once')
      if (inline !== undefined)
        params[key] = inline
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--'))
        params[key] = argv[++i]
      else
        params[key] = true
    }
    else {
      positional.push(arg)
    }
  }
  return { positional, params, json }
}

const format = (v: number) => Number.isFinite(v) ? (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(4) : v.toPrecision(5)) : String(v)

/** A measured or closed-form value with its declared label: `id (label): value unit`. */
function outputLine(experiment: Experiment, kind: 'metrics' | 'theory', id: string, value: number): string {
  const spec = experiment.outputs[kind][id]
  return spec ? `${id} (${spec.label}): ${format(value)}${spec.unit ? ` ${spec.unit}` : ''}` : `${id}: ${format(value)}`
}

function summary(experiment: Experiment, result: ExperimentResult): string {
  const lines = [`${result.id} (backend: ${result.backend})`]
  lines.push(`  config: ${Object.entries(result.config).map(([k, v]) => `${k}=${v}`).join(' ')}`)
  for (const run of result.runs) {
    lines.push(`  ${run.label}${run.diverged ? '  [diverged]' : ''}`)
    for (const [name, value] of Object.entries(run.final))
      lines.push(`    ${outputLine(experiment, 'metrics', name, value!)}`)
  }
  lines.push('  theory:')
  for (const [name, value] of Object.entries(result.theory))
    lines.push(`    ${outputLine(experiment, 'theory', name, value!)}`)
  return lines.join('\n')
}

function describeText(experiment: Experiment): string {
  const lines = [`${experiment.id}: ${experiment.description}`, '', 'parameters (--<name> <value>):']
  for (const [name, spec] of Object.entries(experiment.params)) {
    const extra = [spec.unit && `unit ${spec.unit}`, 'scale' in spec && spec.scale === 'log' && 'log scale'].filter(Boolean).join(', ')
    lines.push(`  ${name} = ${spec.default}  ${describeRange(spec)}${extra ? ` (${extra})` : ''}`)
    lines.push(`      ${spec.label}: ${spec.meaning}`)
  }
  for (const kind of ['metrics', 'theory'] as const) {
    lines.push('', kind === 'metrics' ? 'measured (each run\'s series and final values):' : 'closed forms (theory):')
    for (const [id, spec] of Object.entries(experiment.outputs[kind]))
      lines.push(`  ${id}: ${spec.label}${spec.unit ? ` [${spec.unit}]` : ''}`)
  }
  return lines.join('\n')
}

async function main() {
  const { positional: [id, ...more], params, json } = parseArgs(process.argv.slice(2))
  if (id === 'describe') {
    if (more.length !== 1)
      throw new Error('describe: name one experiment, e.g. `npm run experiment -- describe overfitting --json`')
    const experiment = findExperiment(more[0])
    console.log(json ? JSON.stringify(describeExperiment(experiment), null, 2) : describeText(experiment))
    return
  }
  if (more.length > 0)
    throw new Error(`unexpected argument '${more[0]}'`)
  if (!id || id === 'list' || id === 'help' || params.help) {
    const width = Math.max(...experiments.map(e => e.id.length))
    for (const e of experiments)
      console.log(`${e.id.padEnd(width)}  ${e.description}`)
    if (!id || id === 'help')
      console.log('\nDescribe one: npm run experiment -- describe <id> [--json]\nRun one: npm run experiment -- <id> [--<param> <value> ...] [--json]')
    return
  }
  const experiment = findExperiment(id)
  const { backend = 'cpu', ...rest } = params
  if (!isBackendName(backend) || backend === 'webgl')
    throw new Error(`backend: expected cpu or wasm in Node, got '${String(backend)}'`)
  const config = resolveConfig(experiment, rest as Record<string, string>)
  // PROD silences tfjs's advice to install tfjs-node, which this project does not use.
  tf.env().set('PROD', true)
  if (await initBackend(backend) !== backend)
    throw new Error(`backend: '${backend}' could not start`)
  const result = await experiment.run(config)
  result.backend = describeBackend()
  const { extra: _extra, ...printable } = result
  console.log(json ? JSON.stringify(printable) : summary(experiment, result))
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.message : String(error)}`)
  // 2: the command line asked for something the declaration does not accept; 1: anything else.
  process.exit(error instanceof ConfigError ? 2 : 1)
})
