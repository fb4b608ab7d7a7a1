/**
 * The training core in a real browser, for test/e2e/core.test.ts: the same short runs on every backend the
 * page can start, so the test can compare them. Results land in `window.__core`.
 */
import type { BackendName } from '../../../src/core/backend'
import * as tf from '@tensorflow/tfjs-core'
import { describeBackend, initBackend, resetBackendChoice } from '../../../src/core/backend'
import { linearRegression } from '../../../src/core/models'
import { createRidgeTrainer, makeRidgeData, ridgeGdDefaults } from '../../../src/core/ridge'
import { createTrainer } from '../../../src/core/trainer'

export interface BackendRun {
  requested: BackendName
  active: string
  description: string
  ridgeWeights: number[]
  adamwWeights: number[]
  adamwLoss: number[]
  tensorsLeft: number
}

async function runOn(requested: BackendName): Promise<BackendRun> {
  resetBackendChoice()
  const active = await initBackend(requested)
  const start = tf.memory().numTensors

  const data = makeRidgeData({ ...ridgeGdDefaults, lambdas: [0, 0.1, 1] })
  const ridge = createRidgeTrainer(data, { lambdas: [0, 0.1, 1], eta: ridgeGdDefaults.eta })
  ridge.step(50)
  const ridgeWeights = Array.from(await ridge.weights())
  ridge.dispose()

  const train = { n: data.n, d: data.d, x: data.x, y: data.y }
  const adamw = createTrainer({ model: linearRegression(data.d), optimizer: { name: 'adamw' }, runs: [{ eta: 0.01, lambda: 0.1 }, { eta: 0.05, lambda: 0.01 }], train, batchSize: 10, seed: 3 })
  adamw.step(40)
  const adamwWeights = Array.from(await adamw.parameter('w'))
  const adamwLoss = Array.from((await adamw.metrics()).trainLoss)
  adamw.dispose()

  return { requested, active, description: describeBackend(), ridgeWeights, adamwWeights, adamwLoss, tensorsLeft: tf.memory().numTensors - start }
}

async function main(): Promise<BackendRun[]> {
  await import('@tensorflow/tfjs-backend-webgl')
  // Headless Chromium has only SwiftShader; tfjs refuses a software context unless told otherwise.
  tf.env().set('SOFTWARE_WEBGL_ENABLED', true)
  const results: BackendRun[] = []
  for (const name of ['cpu', 'webgl', 'wasm'] as BackendName[])
    results.push(await runOn(name))
  document.getElementById('status')!.textContent = 'done'
  return results
}

declare global {
  interface Window { __core?: Promise<BackendRun[]> }
}

window.__core = main()
