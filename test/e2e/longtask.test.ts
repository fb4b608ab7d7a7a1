// Responsiveness at the worst corners: every demo on the slides, set through the address to the costliest corner
// of its declared bounds (`worstCorner`), trains for its first seconds while a PerformanceObserver records the
// page's long tasks. Any task over 50 ms while it trains fails: the page would not answer a key press in time.
// The whole runs are measured by `npm run bench -- --corners`; here only their start and a few seconds of frames.
import type { Browser, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { worstCorner } from '../../src/experiments/declare'
import { experiments } from '../../src/experiments/registry'
import { chromiumPath, deckDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

/** The longest task the page may run while a demo trains (the Long Tasks API's own threshold). */
const LONG_TASK_MS = 50
/** How long each demo trains under observation once it has shown its first step. */
const WATCH_MS = 3000

const slides = await sourceSlides()
const demoSlides = slides.filter(s => s.demos.length > 0)
const shown = demoSlides.map(s => s.demos[0])
const corners = experiments.filter(e => shown.includes(e.id)).map(e => ({ id: e.id, config: worstCorner(e) as Record<string, string | number | boolean> }))
/** Every shown demo's worst corner in one address: each demo reads only its own `<id>.<param>` fields. */
const query = corners.flatMap(({ id, config }) => Object.entries(config)
  .filter(([name, value]) => value !== experiments.find(e => e.id === id)!.defaults[name])
  .map(([name, value]) => `${encodeURIComponent(`${id}.${name}`)}=${encodeURIComponent(String(value))}`)).join('&')

let server: StaticServer
let browser: Browser

beforeAll(async () => {
  server = await serveStatic(deckDist())
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

interface LongTask {
  start: number
  duration: number
}

const demoOn = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-demo]`).first()

describe('long tasks at the worst corners', () => {
  it('every demo at the costliest corner of its bounds trains without a task over 50 ms', async () => {
    const errors: string[] = []
    /**
     * A page of its own for each demo: what is measured is that demo's work, not the heap that the demos before it
     * left behind (the soak test watches that). Long tasks are recorded from the start.
     */
    async function openPage(): Promise<Page> {
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
      page.on('console', (message) => {
        if (message.type() === 'error')
          errors.push(`console: ${message.text()}`)
      })
      page.on('pageerror', error => errors.push(`page: ${error.message}`))
      await page.addInitScript(() => {
        const tasks: Array<{ start: number, duration: number }> = []
        ;(window as unknown as { __longTasks: typeof tasks }).__longTasks = tasks
        new PerformanceObserver((list) => {
          for (const entry of list.getEntries())
            tasks.push({ start: entry.startTime, duration: entry.duration })
        }).observe({ type: 'longtask', buffered: true })
      })
      return page
    }
    const now = (page: Page) => page.evaluate(() => performance.now())
    const tasksBetween = (page: Page, from: number, to: number) => page.evaluate(([a, b]) => (window as unknown as { __longTasks: LongTask[] }).__longTasks.filter(t => t.start + t.duration > a && t.start < b), [from, to])

    /** Restarts the demo with its Reset button and returns the long tasks of its first WATCH_MS of training. */
    async function watchRun(page: Page, no: number): Promise<{ long: LongTask[], step: string | null, from: number }> {
      const demo = demoOn(page, no)
      const from = await now(page)
      await page.locator(`[data-slidev-no="${no}"] .demo-reset`).first().click()
      await expect.poll(async () => Number(await demo.getAttribute('data-step') ?? 0) > 0 || await demo.getAttribute('data-state') === 'done', { timeout: 30_000 }).toBe(true)
      await page.waitForTimeout(WATCH_MS)
      const to = await now(page)
      const alert = await page.locator(`[data-slidev-no="${no}"] [role="alert"]`).count() > 0 ? await page.locator(`[data-slidev-no="${no}"] [role="alert"]`).first().textContent() : ''
      expect(await demo.getAttribute('data-state'), `slide ${no} at its worst corner ${alert}`).toMatch(/running|done/)
      return { long: await tasksBetween(page, from, to), step: await demo.getAttribute('data-step'), from }
    }
    const describeTasks = (long: LongTask[], from: number) => long.map(t => `${t.duration.toFixed(0)} ms at +${(t.start - from).toFixed(0)} ms`).join(', ')

    const rows: string[] = []
    const offenders: string[] = []
    for (const slide of demoSlides) {
      const id = slide.demos[0]
      const page = await openPage()
      // Arriving starts the demo; loading the deck, the slide's transition and Slidev's preloading of the other
      // slides (3 s after opening) are not the demo's work. Reset then starts it again from its first step (set-up,
      // closed forms, first frames): that run is the one observed.
      await page.goto(`${server.url}/?${query}#/${slide.no}`)
      const demo = demoOn(page, slide.no)
      await expect.poll(async () => Number(await demo.getAttribute('data-step') ?? 0) > 0 || await demo.getAttribute('data-state') === 'done', { timeout: 30_000 }).toBe(true)
      await page.waitForTimeout(4000)
      let watched = await watchRun(page, slide.no)
      let note = ''
      if (watched.long.length > 0) {
        // The machine may be busy with something else for a moment: a second run must show the same to count.
        note = ` (first run: ${describeTasks(watched.long, watched.from)}; run again)`
        watched = await watchRun(page, slide.no)
      }
      const worst = Math.max(0, ...watched.long.map(t => t.duration))
      rows.push(`${id.padEnd(22)} step ${String(watched.step).padStart(6)}  ${watched.long.length} long tasks, worst ${worst.toFixed(0)} ms${note}`)
      if (watched.long.length > 0)
        offenders.push(`${id}: ${describeTasks(watched.long, watched.from)}`)
      await page.close()
    }
    console.log(`Long tasks (> ${LONG_TASK_MS} ms) in the first ${WATCH_MS / 1000} s after each demo's first step, at its worst corner:\n  ${rows.join('\n  ')}`)
    expect(offenders).toEqual([])
    expect(errors).toEqual([])
  }, 900_000)
})
