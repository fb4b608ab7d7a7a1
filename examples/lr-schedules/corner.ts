// `npm run corner [-- wasm]`: each demo's run at its defaults and at the costliest corner of its declared bounds, in
// Node. A slide trains 8 ms per frame of about 17 ms, so the live run takes about twice the time printed here.
/* eslint-disable no-console */
import type { Experiment } from 'slidev-addon-weight-decay'
import process from 'node:process'
import { initBackend, resolveConfig, worstCorner } from 'slidev-addon-weight-decay'
import { scheduleRaceExperiment } from './src/schedule-race'
import { warmupRescueExperiment } from './src/warmup-rescue'

async function time(experiment: Experiment<any, any>, metric: string) {
  for (const [name, config] of [['defaults', resolveConfig(experiment, {})], ['worst corner', worstCorner(experiment)]] as const) {
    const start = performance.now()
    const result = await experiment.run(config)
    const finals = result.runs.map((r: any) => `${r.label} ${r.final[metric]?.toExponential(2)}`).join(', ')
    console.log(`${experiment.id} ${name} ${JSON.stringify(config)}: ${((performance.now() - start) / 1000).toFixed(1)} s; ${metric}: ${finals}`)
  }
}

async function main() {
  await initBackend(process.argv[2] ?? 'cpu')
  await time(scheduleRaceExperiment, 'excessLoss')
  await time(warmupRescueExperiment, 'trainLoss')
}

void main()
