// The example deck (examples/lr-schedules): a second deck that uses this project only as a Slidev addon and through
// its public API. Built and exported here from its own slides.md; every slide renders in Chromium without an error or
// a request outside 127.0.0.1, its own demo trains, and the PDF shows every title and the finished runs.
// Needs the example installed first (`npm ci --prefix examples/lr-schedules`), as scripts/test.mjs does.
import type { Browser, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import process from 'node:process'
import { load } from '@slidev/parser/fs'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, overflowing, plainText } from './deck'
import { serveStatic } from './serve'

const example = resolve('examples/lr-schedules')
const out = resolve('.cache/test/example')
const dist = resolve(out, 'dist')
const pdf = resolve(out, 'example.pdf')
const addon = 'slidev-addon-weight-decay'

const data = await load({ roots: [example], userRoot: example }, resolve(example, 'slides.md'))
const slides = data.slides.map((slide, i) => ({ no: i + 1, title: slide.title ?? '', content: slide.content ?? '' }))
const ownDemo = slides.find(s => s.content.includes('<ScheduleDemo'))!
const reusedDemo = slides.find(s => s.content.includes('<RidgeDemo'))!
/** The demo added by following docs/guide.md alone, as a new user would. */
const guideDemo = slides.find(s => s.content.includes('<WarmupDemo'))!

let server: StaticServer
let browser: Browser

function slidev(args: string[]) {
  // The example's own scripts (`npm run build`, `npm run export`) find Slidev up the tree, as a lecturer's would.
  const result = spawnSync('npm', ['run', '--silent', ...args], { cwd: example, encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } })
  if (result.status !== 0)
    throw new Error(`npm run ${args.join(' ')} failed (${result.status}):\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`)
}

beforeAll(async () => {
  if (!existsSync(resolve(example, 'node_modules', addon)))
    throw new Error(`The example deck is not installed: run \`npm ci --prefix examples/lr-schedules\` first.`)
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  slidev(['build', '--', '--out', dist])
  server = await serveStatic(dist)
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
}, 300_000)

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openPage(): Promise<{ page: Page, errors: string[], foreign: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  const errors: string[] = []
  const foreign: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error')
      errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', error => errors.push(`page: ${error.message}`))
  page.on('request', (request) => {
    const url = new URL(request.url())
    if (!['data:', 'blob:'].includes(url.protocol) && url.hostname !== '127.0.0.1')
      foreign.push(request.url())
  })
  return { page, errors, foreign }
}

const demoOn = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-demo]`).first()

describe('the example deck', () => {
  it('reaches the project only through the addon\'s public entries', () => {
    const require = createRequire(resolve(example, 'package.json'))
    expect(require.resolve(addon)).toBe(resolve('src/index.ts'))
    expect(require.resolve(`${addon}/vue`)).toBe(resolve('composables/index.ts'))
    for (const deep of ['src/core/trainer.ts', 'src/core/trainer', 'composables/useExperimentRun.ts', 'src/experiments/declare'])
      expect(() => require.resolve(`${addon}/${deep}`), deep).toThrow(/not defined by "exports"/)
  })

  it('renders every slide with its title, inside its frame, with no error and no request outside 127.0.0.1', async () => {
    const { page, errors, foreign } = await openPage()
    const overflows: string[] = []
    for (const slide of slides) {
      await page.goto(`${server.url}/#/${slide.no}`)
      const frame = page.locator(`[data-slidev-no="${slide.no}"]`)
      await frame.waitFor({ state: 'visible' })
      await expect.poll(async () => plainText(await frame.textContent() ?? ''), { timeout: 15_000 }).toContain(plainText(slide.title))
      overflows.push(...(await overflowing(page, slide.no)).map(o => `slide ${slide.no}: ${o}`))
    }
    expect(overflows).toEqual([])
    await page.waitForTimeout(3000)
    expect(errors).toEqual([])
    expect(foreign).toEqual([])
    await page.close()
  })

  it('trains its own demos to the end, the reused lecture demo too', async () => {
    const { page, errors } = await openPage()
    for (const slide of [ownDemo, guideDemo, reusedDemo]) {
      await page.goto(`${server.url}/#/${slide.no}`)
      const demo = demoOn(page, slide.no)
      await demo.waitFor({ state: 'visible', timeout: 30_000 })
      await expect.poll(async () => Number(await demo.getAttribute('data-step') ?? 0), { timeout: 30_000 }).toBeGreaterThan(0)
      await expect.poll(() => demo.getAttribute('data-state'), { timeout: 90_000 }).toBe('done')
    }
    const own = demoOn(page, ownDemo.no)
    expect(await own.getAttribute('data-demo')).toBe('schedule-race')
    // The last schedule's loss above the minimum: it went down by orders of magnitude.
    expect(Number(await own.getAttribute('data-metric'))).toBeLessThan(Number(await own.getAttribute('data-metric-start')) / 100)
    expect(errors).toEqual([])
    await page.close()
  })

  it('exports a PDF with every title and every demo finished', () => {
    const pdfPages = () => execFileSync('pdftotext', ['-raw', pdf, '-'], { encoding: 'utf8' }).split('\f').map(plainText)
    // As scripts/export.mjs does for the lecture: a first export on a cold dev server can time out waiting for a
    // slide's modules, or print a page before it rendered; printing again is then reliable.
    for (let attempt = 1; ; attempt++) {
      try {
        slidev(['export', '--', '--executable-path', chromiumPath(), '--timeout', '120000', '--output', pdf])
        if (pdfPages().filter(p => p.trim()).length === slides.length)
          break
      }
      catch (error) {
        if (attempt === 3)
          throw error
      }
      if (attempt === 3)
        break
    }
    const pages = pdfPages()
    expect(pages.filter(p => p.trim()).length).toBe(slides.length)
    for (const slide of slides)
      expect(pages[slide.no - 1], `page ${slide.no}`).toContain(plainText(slide.title))
    expect(pages[ownDemo.no - 1]).toMatch(/Ran with peak η = 0\.05, batch size = 2, seed = 1 \(finished\)\./)
    expect(pages[guideDemo.no - 1]).toMatch(/Ran with peak η = 0\.5, warmup = 60 steps, seed = 1 \(finished\)\./)
    expect(pages[reusedDemo.no - 1]).toContain('(finished)')
  }, 600_000)
})
