// Installs the locked dependencies when they are missing or older than package-lock.json,
// so that `npm run dev` and `npm test` work straight from a fresh clone.
import { execFileSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import process from 'node:process'

const marker = 'node_modules/.package-lock.json'
const stale = !existsSync(marker) || statSync(marker).mtimeMs < statSync('package-lock.json').mtimeMs

if (stale) {
  console.log('[deps] installing the locked dependencies (npm ci)')
  // No test tool may download a browser of its own here; Chromium comes from the system.
  const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { stdio: 'inherit', env })
}
