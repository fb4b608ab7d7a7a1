/** One step of SGD is the same with an L2 penalty or with decoupled decay; one step of Adam is not. */
import type { OptimizerName } from '../core/optimizers'
import type { RunResult, Series } from './types'
import * as tf from '@tensorflow/tfjs-core'
import { createOptimizer, isOptimizerName } from '../core/optimizers'
import { makeRidgeData, ridgeGdDefaults, ridgeObjective, ridgeSolution } from './ridge-gd'
import { defineExperiment } from './types'

const backend = () => tf.getBackend()

export const decayStep = defineExperiment({
  id: 'decay-step',
  description: 'One optimizer with an L2 penalty against the same with decoupled decay, from one seed: identical for SGD, not for Adam',
  defaults: { optimizer: 'sgd', eta: 0.05, lambda: 0.5, steps: 200, every: 10, seed: 1 },
  async run(config) {
    const coupledName = config.optimizer
    if (!isOptimizerName(coupledName) || !['sgd', 'adam-l2'].includes(coupledName))
      throw new Error(`optimizer: expected sgd or adam-l2, got '${coupledName}'`)
    const decoupledName: OptimizerName = coupledName === 'sgd' ? 'sgdw' : 'adamw'
    const data = makeRidgeData({ ...ridgeGdDefaults, seed: config.seed })
    const { n, d } = data
    const x = tf.tensor2d(Float32Array.from(data.x), [n, d])
    const y = tf.tensor2d(Float32Array.from(data.y), [n, 1])
    const runs: RunResult[] = []
    const finals: number[][] = []
    for (const name of [coupledName, decoupledName] as OptimizerName[]) {
      const w = tf.tidy(() => tf.variable(tf.tensor2d(Float32Array.from(data.w0), [d, 1])))
      const optimizer = createOptimizer({ name }, [{ eta: config.eta, lambda: config.lambda }], { size: d }, w)
      const objective: Series = []
      for (let t = 0; t <= config.steps; t++) {
        if (t % config.every === 0) {
          const wNow = await w.data()
          objective.push([t, ridgeObjective(data, wNow, config.lambda)])
        }
        if (t < config.steps) {
          const g = tf.tidy(() => tf.div(tf.matMul(tf.transpose(x), tf.sub(tf.matMul(x, w), y)), n))
          optimizer.apply(w, g)
          g.dispose()
        }
      }
      finals.push(Array.from(await w.data()))
      optimizer.dispose()
      w.dispose()
      runs.push({ label: name, series: { objective }, final: { objective: objective.at(-1)![1] }, diverged: !Number.isFinite(objective.at(-1)![1]) })
    }
    tf.dispose([x, y])
    const gap = Math.hypot(...finals[0].map((v, i) => v - finals[1][i])) / Math.hypot(...finals[1])
    runs[1].final['relative distance between the two final weight vectors'] = gap
    return {
      id: 'decay-step',
      config,
      backend: backend(),
      runs,
      theory: { 'ridge minimum objective': ridgeObjective(data, ridgeSolution(data, config.lambda), config.lambda) },
    }
  },
})
