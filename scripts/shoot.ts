// Screenshots of slides of a built deck, for looking at what was built:
//   npx tsx scripts/shoot.ts --dist .cache/test/dist --out .cache/shots [--dark] [--wait 4000] [--width 1280] 3 5 7-9 demo:overfitting Adam
// Each slide is opened on its own at #/<no> and shot after `--wait` ms (demos train meanwhile). Slides are picked by
// number, range, `demo:<id>` (slides showing that demo) or a word of the title; with nothing given, all.
import { mkdirSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { chromium } from 'playwright-chromium'
import { sourceSlides } from '../test/e2e/deck'
import { serveStatic } from '../test/e2e/serve'
import { chromiumArgs, ensureBrowserTools } from './chromium.mjs'

const args = process.argv.slice(2)
function option(name: string, fallback: string): string {
  const at = args.indexOf(`--${name}`)
  if (at < 0)
    return fallback
  const [, value] = args.splice(at, 2)
  return value
}
const dark = args.includes('--dark')
const dist = resolve(option('dist', '.cache/test/dist'))
const out = resolve(option('out', '.cache/shots'))
const wait = Number(option('wait', '3000'))
const width = Number(option('width', '1280'))
const height = Number(option('height', String(Math.round(width * 9 / 16))))
const slides = await sourceSlides()
const numbers = args.filter(a => !a.startsWith('--')).flatMap((a) => {
  if (/^\d+(?:-\d+)?$/.test(a)) {
    const [lo, hi] = a.split('-').map(Number)
    return hi ? Array.from({ length: hi - lo + 1 }, (_, i) => lo + i) : [lo]
  }
  if (a.startsWith('demo:'))
    return slides.filter(s => s.demos.includes(a.slice(5))).map(s => s.no)
  return slides.filter(s => s.title.toLowerCase().includes(a.toLowerCase())).map(s => s.no)
})

mkdirSync(out, { recursive: true })
const server = await serveStatic(dist)
const browser = await chromium.launch({ executablePath: ensureBrowserTools(), args: chromiumArgs })
const context = await browser.newContext({ viewport: { width, height }, colorScheme: dark ? 'dark' : 'light' })
const page = await context.newPage()
page.on('pageerror', error => console.error(`page error: ${error.message}`))
page.on('console', (message) => {
  if (message.type() === 'error')
    console.error(`console error: ${message.text()}`)
})
await page.goto(`${server.url}/#/1`)
await page.locator('[data-slidev-no="1"]').first().waitFor()
const total = numbers.length ? numbers : slides.map(s => s.no)
for (const no of total) {
  await page.goto(`${server.url}/#/${no}`)
  await page.waitForTimeout(wait)
  const file = join(out, `slide-${String(no).padStart(2, '0')}${dark ? '-dark' : ''}.png`)
  await page.screenshot({ path: file })
  const state = await page.locator(`[data-slidev-no="${no}"] [data-demo]`).evaluateAll(nodes => nodes.map(n => `${n.getAttribute('data-demo')}:${n.getAttribute('data-state')}@${n.getAttribute('data-step')}`))
  console.log(file, state.join(' '))
}
await browser.close()
await server.close()
