// `npm run export [-- <slidev export options>]`: the PDF, printed by the system's Chromium.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import process from 'node:process'
import { ensureBrowserTools } from './chromium.mjs'

const ATTEMPTS = 3
const args = process.argv.slice(2)
const chromium = ensureBrowserTools()
const outIndex = args.indexOf('--output')
const output = outIndex >= 0 ? args[outIndex + 1] : 'slides-export.pdf'
const outputArgs = outIndex >= 0 ? [] : ['--output', output]

/** Page numbers (1-based) whose text layer is empty: a page printed before the deck had rendered. */
function blankPages(pdf) {
  const pages = execFileSync('pdftotext', ['-layout', pdf, '-'], { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\f')
  pages.pop() // pdftotext ends every page with a form feed
  return pages.flatMap((text, i) => text.trim() === '' ? [i + 1] : [])
}

// Slidev's exporter looks for what to wait on once, as soon as the network is idle; a look taken before the slides
// have rendered waits for nothing and prints blank pages with exit code 0. The print hold (index.html,
// setup/main.ts) keeps that look until the slides are there; this is the net behind it. Every slide has a title,
// so a page with no text is that failure, and printing again is then reliable.
for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
  const result = spawnSync('npx', ['slidev', 'export', '--executable-path', chromium, '--timeout', '120000', ...outputArgs, ...args], {
    stdio: 'inherit',
    env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' },
  })
  if (result.status !== 0)
    process.exit(result.status ?? 1)
  if (!output.endsWith('.pdf') || !existsSync(output))
    process.exit(0)
  const blank = blankPages(output)
  if (blank.length === 0)
    process.exit(0)
  const next = attempt < ATTEMPTS ? `printing again (attempt ${attempt + 1} of ${ATTEMPTS})` : 'giving up'
  console.error(`[export] ${output}: ${blank.length} page(s) printed blank (${blank.slice(0, 8).join(', ')}${blank.length > 8 ? ', ...' : ''}); ${next}`)
}
process.exit(1)
