// `npm test`: every check, stage by stage, with the time each takes.
//   1 typecheck + lint   2 unit tests (Node, tfjs cpu)   3 build + browser tests + reliability tests   4 PDF export + PDF tests
//   5 the student site under a sub-path, with that PDF in it, and its tests
import { spawnSync } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { chromiumVersion, ensureBrowserTools } from './chromium.mjs'

const work = resolve('.cache/test')
const env = {
  ...process.env,
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  DECK_DIST: resolve(work, 'dist'),
  DECK_PDF: resolve(work, 'slides.pdf'),
  SITE_DIST: resolve(work, 'site'),
  SITE_BASE: '/courses/wd/',
}
const timings = []

function run(stage, command, args) {
  console.log(`\n=== ${stage}: ${[command, ...args].join(' ')}`)
  const start = performance.now()
  const result = spawnSync(command, args, { stdio: 'inherit', env })
  const seconds = (performance.now() - start) / 1000
  timings.push([stage, seconds])
  if (result.status !== 0) {
    report()
    console.error(`\n${stage} failed (exit ${result.status ?? result.signal})`)
    process.exit(1)
  }
}

function report() {
  console.log('\nStage times:')
  for (const [stage, seconds] of timings)
    console.log(`  ${stage.padEnd(16)} ${seconds.toFixed(1)} s`)
}

rmSync(work, { recursive: true, force: true })
mkdirSync(work, { recursive: true })

run('typecheck', 'npx', ['vue-tsc', '--noEmit', '-p', 'tsconfig.json'])
run('lint', 'npx', ['eslint', '.'])
run('unit', 'npx', ['vitest', 'run'])

env.CHROMIUM_PATH = ensureBrowserTools()
console.log(`\nBrowser: ${env.CHROMIUM_PATH} (${chromiumVersion(env.CHROMIUM_PATH)})`)
// The lecturer's site (presenter view, notes) at the root: the presenting tests drive its presenter view.
run('build', 'node', ['scripts/build.mjs', '--lecturer', '--no-pdf', '--out', env.DECK_DIST])
run('browser', 'npx', ['vitest', 'run', '--config', 'test/e2e/vitest.config.ts', 'test/e2e/deck.test.ts', 'test/e2e/core.test.ts', 'test/e2e/presenting.test.ts'])
// No WebGL and a lost context (about 40 s), the CSP of the README (30 s), a 3-cycle soak (about 2 min), every demo at
// the costliest corner of its bounds watched for tasks over 50 ms (about 3 min).
run('reliability', 'npx', ['vitest', 'run', '--config', 'test/e2e/vitest.config.ts', 'test/e2e/robustness.test.ts', 'test/e2e/csp.test.ts', 'test/e2e/soak.test.ts', 'test/e2e/longtask.test.ts'])
run('export', 'node', ['scripts/export.mjs', '--output', env.DECK_PDF])
run('pdf', 'npx', ['vitest', 'run', '--config', 'test/e2e/vitest.config.ts', 'test/e2e/pdf.test.ts'])
// What students get: no notes, no presenter view, hosted under a sub-path, offline, with the PDF just exported.
run('site build', 'node', ['scripts/build.mjs', '--base', env.SITE_BASE, '--out', env.SITE_DIST, '--pdf', env.DECK_PDF])
run('site', 'npx', ['vitest', 'run', '--config', 'test/e2e/vitest.config.ts', 'test/e2e/hosting.test.ts', 'test/e2e/sharing.test.ts', 'test/e2e/phone.test.ts', 'test/e2e/a11y.test.ts'])
// The example deck, a lecturer's view of the project: installed as an addon by local path (its own lock file, a
// link to this folder), type-checked against the public API, then built, browsed and exported (about 4 min).
run('example', 'sh', ['-c', 'npm ci --prefix examples/lr-schedules --no-audit --no-fund && npx vue-tsc --noEmit -p examples/lr-schedules/tsconfig.json && npx vitest run --config test/e2e/vitest.config.ts test/e2e/example-deck.test.ts'])

report()
