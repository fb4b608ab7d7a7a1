// `npm run test:longtask`: every demo at the worst corner of its bounds, watched for tasks over 50 ms in headless
// Chromium (test/e2e/longtask.test.ts), alone; `npm test` runs it in its reliability stage.
import { spawnSync } from 'node:child_process'
import { resolve } from 'node:path'
import process from 'node:process'
import { ensureBrowserTools } from './chromium.mjs'

const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', DECK_DIST: resolve('.cache/longtask/dist'), CHROMIUM_PATH: ensureBrowserTools() }
for (const [command, args] of [
  ['npx', ['slidev', 'build', '--out', env.DECK_DIST]],
  ['npx', ['vitest', 'run', '--config', 'test/e2e/vitest.config.ts', 'test/e2e/longtask.test.ts']],
]) {
  const result = spawnSync(command, args, { stdio: 'inherit', env })
  if (result.status !== 0)
    process.exit(result.status ?? 1)
}
