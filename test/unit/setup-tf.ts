import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'
// Autodiff is only used by the tests, to check the hand-written gradients.
import '@tensorflow/tfjs-core/dist/register_all_gradients'

/** Unit tests run on the deterministic cpu backend. */
export async function useCpuBackend(): Promise<typeof tf> {
  // Silences tfjs's advice to install tfjs-node in every test's output.
  tf.env().set('IS_TEST', true)
  await tf.setBackend('cpu')
  await tf.ready()
  return tf
}
