// `npm run export [-- <slidev export options>]`: the PDF, printed by the system's Chromium.
import { spawnSync } from 'node:child_process'
import process from 'node:process'
import { ensureBrowserTools } from './chromium.mjs'

const args = process.argv.slice(2)
const chromium = ensureBrowserTools()
const output = args.includes('--output') ? [] : ['--output', 'slides-export.pdf']
const result = spawnSync('npx', ['slidev', 'export', '--executable-path', chromium, '--timeout', '120000', ...output, ...args], {
  stdio: 'inherit',
  env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
})
process.exit(result.status ?? 1)
