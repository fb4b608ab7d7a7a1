/**
 * Picks the tfjs backend: WebGL where the browser offers a usable one, the plain cpu backend otherwise.
 * An explicit choice (`?backend=` on the site) wins when that backend can start.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'

export const backendNames = ['webgl', 'cpu'] as const
export type BackendName = typeof backendNames[number]

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (backendNames as readonly string[]).includes(value)
}

let ready: Promise<string> | undefined

/**
 * Initialises tfjs once per page. Resolves to the active backend's name.
 * An unknown or failing preference falls back to the automatic order.
 */
export function initBackend(preference?: string | null): Promise<string> {
  ready ??= start(isBackendName(preference) ? preference : undefined)
  return ready
}

async function start(preference: BackendName | undefined): Promise<string> {
  const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'
  if (inBrowser) {
    // Imported lazily: it only registers in a browser, and Node never needs it.
    await import('@tensorflow/tfjs-backend-webgl')
  }
  const order: BackendName[] = preference ? [preference, 'webgl', 'cpu'] : ['webgl', 'cpu']
  for (const name of order) {
    if (!tf.findBackendFactory(name))
      continue
    try {
      if (await tf.setBackend(name)) {
        await tf.ready()
        return tf.getBackend()
      }
    }
    catch {
      // Try the next one: a GPU-less browser refuses WebGL, which is expected.
    }
  }
  throw new Error('No TensorFlow.js backend could start')
}

/** For tests: forget the chosen backend. */
export function resetBackendChoice(): void {
  ready = undefined
}
