/**
 * Picks the tfjs backend. In a browser: WebGL where it offers a usable one, else WebAssembly, else the plain cpu
 * backend. In Node: cpu (deterministic, what the tests expect), or wasm when asked for.
 * An explicit choice (`?backend=` on the site) wins when that backend can start.
 *
 * The wasm binaries never come from a CDN: in a Vite/Slidev build they are imported with `?url`, so they are
 * emitted into the site; in Node they are read from node_modules.
 */
import * as tf from '@tensorflow/tfjs-core'
import '@tensorflow/tfjs-backend-cpu'

export const backendNames = ['webgl', 'wasm', 'cpu'] as const
export type BackendName = typeof backendNames[number]

export function isBackendName(value: unknown): value is BackendName {
  return typeof value === 'string' && (backendNames as readonly string[]).includes(value)
}

const inBrowser = typeof window !== 'undefined' && typeof document !== 'undefined'

type WasmModule = typeof import('@tensorflow/tfjs-backend-wasm')
type WasmPaths = Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>

let ready: Promise<string> | undefined
let wasmModule: Promise<WasmModule> | undefined
let wasmLoaded: WasmModule | undefined
let notice = ''

/**
 * Initialises tfjs once per page. Resolves to the active backend's name.
 * An unknown or failing preference falls back to the automatic order.
 */
export function initBackend(preference?: string | null): Promise<string> {
  ready ??= (async () => {
    const wanted = isBackendName(preference) ? preference : undefined
    if (preference && !wanted)
      notice = `Unknown backend '${preference}' in the address (known: ${backendNames.join(', ')}); chose one automatically.`
    const name = await start(wanted)
    if (wanted && name !== wanted)
      notice = `The ${wanted} backend could not start here; using ${name}.`
    return name
  })()
  return ready
}

/** A sentence for the user when the backend is not the one the address asked for, else ''. */
export function backendNotice(): string {
  return notice
}

/**
 * Moves off the active backend after it failed (a lost WebGL context) to the next one that starts.
 * Tensors of the old backend are gone: callers restart their runs.
 */
export function fallBackFrom(failed: string): Promise<string> {
  ready = start(undefined, [failed as BackendName]).then((name) => {
    notice = `The ${failed} backend failed; switched to ${name}.`
    return name
  })
  return ready
}

/** Calls `listener` once if the WebGL context of the active backend is lost; returns a function that stops listening. */
export function onContextLost(listener: () => void): () => void {
  if (!inBrowser || tf.getBackend() !== 'webgl')
    return () => {}
  const canvas = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl?.canvas
  if (!canvas || !('addEventListener' in canvas))
    return () => {}
  const handler = () => listener()
  canvas.addEventListener('webglcontextlost', handler, { once: true })
  return () => canvas.removeEventListener('webglcontextlost', handler)
}

async function start(preference: BackendName | undefined, exclude: BackendName[] = []): Promise<string> {
  const automatic: BackendName[] = inBrowser ? ['webgl', 'wasm', 'cpu'] : ['cpu']
  const order = (preference ? [preference, ...automatic.filter(name => name !== preference)] : automatic).filter(name => !exclude.includes(name))
  for (const name of order) {
    try {
      // Each backend is loaded only when it is tried, so a deck on WebGL never fetches the wasm binaries.
      if (!await register(name))
        continue
      if (await tf.setBackend(name)) {
        await tf.ready()
        // WebGL in software (SwiftShader, llvmpipe) is about 10x slower than wasm here (performance.md, npm run bench):
        // without an explicit choice, a GPU-less machine gets the fast CPU path instead.
        if (name === 'webgl' && !preference && describeWebgl().includes('software'))
          continue
        return tf.getBackend()
      }
    }
    catch {
      // Try the next one: a GPU-less browser refuses WebGL, which is expected.
    }
  }
  throw new Error('No TensorFlow.js backend could start')
}

/** Makes `name` known to tfjs; false where it cannot run here (WebGL in Node). */
async function register(name: BackendName): Promise<boolean> {
  if (name === 'webgl') {
    if (!inBrowser)
      return false
    await import('@tensorflow/tfjs-backend-webgl')
  }
  else if (name === 'wasm') {
    await loadWasm()
  }
  return tf.findBackendFactory(name) != null
}

/** Imports the wasm backend and points it at local binaries, once. */
function loadWasm(): Promise<WasmModule> {
  wasmModule ??= (async () => {
    const wasm = await import('@tensorflow/tfjs-backend-wasm')
    wasm.setWasmPaths(inBrowser ? await browserWasmPaths() : await nodeWasmPaths())
    wasmLoaded = wasm
    return wasm
  })()
  return wasmModule
}

async function browserWasmPaths(): Promise<WasmPaths> {
  // `?url` makes Vite emit each binary as an asset of the site and hand back its address.
  const [plain, simd, threadedSimd] = await Promise.all([
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url'),
    import('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url'),
  ])
  return {
    'tfjs-backend-wasm.wasm': plain.default,
    'tfjs-backend-wasm-simd.wasm': simd.default,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd.default,
  }
}

async function nodeWasmPaths(): Promise<WasmPaths> {
  // A computed specifier keeps Vite from trying to bundle a Node built-in into the site.
  const nodeModule = 'node:module'
  const { createRequire } = await import(/* @vite-ignore */ nodeModule) as typeof import('node:module')
  const resolve = (file: string) => createRequire(import.meta.url).resolve(`@tensorflow/tfjs-backend-wasm/dist/${file}`)
  return {
    'tfjs-backend-wasm.wasm': resolve('tfjs-backend-wasm.wasm'),
    'tfjs-backend-wasm-simd.wasm': resolve('tfjs-backend-wasm-simd.wasm'),
    'tfjs-backend-wasm-threaded-simd.wasm': resolve('tfjs-backend-wasm-threaded-simd.wasm'),
  }
}

/**
 * The active backend in a few words, for the label beside a demo and the benchmark tables:
 * 'webgl (SwiftShader, software)', 'wasm (SIMD)', 'cpu'.
 */
export function describeBackend(): string {
  const name = tf.getBackend()
  if (!name)
    return 'none'
  if (name === 'webgl')
    return describeWebgl()
  if (name === 'wasm')
    return describeWasm()
  return name
}

function describeWebgl(): string {
  try {
    const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl
    if (!gl)
      return 'webgl'
    const info = gl.getExtension('WEBGL_debug_renderer_info')
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? '')
    // Software rasterisers are 10-100x slower than a GPU: say so, figures depend on it.
    const software = [['SwiftShader', /swiftshader/i], ['llvmpipe', /llvmpipe/i], ['softpipe', /softpipe/i], ['Microsoft Basic Render', /basic render/i]] as const
    for (const [label, pattern] of software) {
      if (pattern.test(renderer))
        return `webgl (${label}, software)`
    }
    const short = renderer.replace(/^ANGLE \((.*)\)$/, '$1').trim()
    return short ? `webgl (${short.length > 60 ? `${short.slice(0, 57)}...` : short})` : 'webgl'
  }
  catch {
    return 'webgl'
  }
}

function describeWasm(): string {
  const flag = (name: string) => {
    try {
      // Both flags are evaluated (asynchronously) while the backend starts, so reading them here does not throw.
      return tf.env().getBool(name)
    }
    catch {
      return undefined
    }
  }
  const simd = flag('WASM_HAS_SIMD_SUPPORT')
  const threads = flag('WASM_HAS_MULTITHREAD_SUPPORT')
  const parts = [simd === undefined ? '' : simd ? 'SIMD' : 'no SIMD']
  if (threads)
    parts.push(`${wasmLoaded?.getThreadsCount() ?? '?'} threads`)
  const details = parts.filter(Boolean).join(', ')
  return details ? `wasm (${details})` : 'wasm'
}

/** For tests: forget the chosen backend (the registered backends and the wasm set-up stay). */
export function resetBackendChoice(): void {
  ready = undefined
  notice = ''
}
