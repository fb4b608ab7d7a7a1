/**
 * The Chromium half of `npm run bench`: built by Vite into .cache/bench, opened by scripts/bench.ts, which awaits
 * `window.__bench`. `?quick=1` asks for fewer repetitions.
 */
import * as tf from '@tensorflow/tfjs-core'
import { runSuite } from '../src/bench/cases'
import { measureCorners, measureDemoFrames } from '../src/bench/demos'
// The MLP case uses autodiff.
import '@tensorflow/tfjs-core/dist/register_all_gradients'

async function main() {
  const query = new URLSearchParams(window.location.search)
  const quick = query.get('quick') === '1'
  const status = document.getElementById('status')
  const log = (line: string) => {
    if (status)
      status.textContent = line
    window.__benchLog?.(line)
  }
  // Headless Chromium without a GPU only has SwiftShader; tfjs refuses such a context unless told otherwise.
  // The flag exists once the WebGL backend is loaded.
  await import('@tensorflow/tfjs-backend-webgl')
  tf.env().set('SOFTWARE_WEBGL_ENABLED', true)
  const environment = `${navigator.userAgent}, ${navigator.hardwareConcurrency} logical cores`
  if (query.has('mlp')) {
    const { runMlpBench } = await import('../src/bench/mlp')
    return { environment, results: [], unavailable: [], mlp: await runMlpBench(['wasm', 'webgl', 'cpu'], { quick, log }) }
  }
  if (query.has('corners')) {
    // Only the live runs at the declared bounds' corners (`npm run bench -- --corners [ids]`).
    const ids = query.get('corners') ? query.get('corners')!.split(',') : undefined
    const corners = await measureCorners({ capSeconds: Number(query.get('cap') ?? 120), ids, log })
    log('done')
    return { environment, results: [], unavailable: [], corners }
  }
  const report = await runSuite(environment, ['webgl', 'wasm', 'cpu'], { quick, log })
  // The backend a deck picks by itself here (software WebGL yields to wasm), as on a lecturer's GPU-less laptop.
  report.demos = await measureDemoFrames({ seconds: quick ? 2 : 5, log })
  log('done')
  return report
}

window.__bench = main()
