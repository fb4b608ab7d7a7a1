/**
 * Registers tfjs's gradient functions, which autodiff (the MLP) needs and tfjs-core leaves out.
 * Browsers and Vite load the ESM registration file; plain Node cannot (its imports lack extensions),
 * so there the full `@tensorflow/tfjs` bundle, which registers them too, is loaded instead.
 */
import * as tf from '@tensorflow/tfjs-core'

let loading: Promise<void> | undefined

export function ensureGradients(): Promise<void> {
  loading ??= (async () => {
    if (tf.getGradient('Sum'))
      return
    try {
      await import('@tensorflow/tfjs-core/dist/register_all_gradients')
    }
    catch {
      // Hidden from Vite's import analysis: found there, it would pre-bundle all of tfjs mid-export and reload the page.
      const nodeOnly = '@tensorflow/tfjs'
      await import(/* @vite-ignore */ nodeOnly)
    }
  })()
  return loading
}
