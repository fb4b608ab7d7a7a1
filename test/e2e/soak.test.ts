// Soak: a lecture's worth of navigation, bounded. Cycles through every slide of the built deck, starts every demo
// afresh on each pass and lets it train a moment, then, on the title slide with nothing training, forces a garbage
// collection and reads the JS heap and tfjs's live tensors. After the first cycle neither may keep growing.
import type { Browser, CDPSession, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, deckDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()

/** Passes over the deck; the first sets the baseline (every module loaded, every demo mounted and run once). */
const CYCLES = 3
/** Milliseconds a demo trains on each pass once it has taken its first step. */
const TRAIN_MS = 1000
/** Allowed growth over the first cycle: tfjs tensors (a demo paused in the middle holds its trainer's) and heap. */
const TENSOR_MARGIN = 0.1
const HEAP_MARGIN = 0.2

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

interface Figures {
  tensors: number
  tensorMB: number
  heapMB: number
  nodes: number
  seconds: number
}

/** With nothing training: collect garbage (twice: finalizers free more), then the heap, tfjs's tensors, DOM nodes. */
async function measure(page: Page, cdp: CDPSession): Promise<Omit<Figures, 'seconds'>> {
  await page.waitForTimeout(500)
  for (let i = 0; i < 2; i++)
    await cdp.send('HeapProfiler.collectGarbage')
  const { usedSize } = await cdp.send('Runtime.getHeapUsage')
  const memory = await page.evaluate(() => {
    // tfjs-core keeps its engine on the page's global object.
    const engine = (globalThis as unknown as { _tfengine?: { memory: () => { numTensors: number, numBytes: number } } })._tfengine
    return engine ? engine.memory() : { numTensors: 0, numBytes: 0 }
  })
  const nodes = await page.evaluate(() => document.getElementsByTagName('*').length)
  return { tensors: memory.numTensors, tensorMB: memory.numBytes / 2 ** 20, heapMB: usedSize / 2 ** 20, nodes }
}

describe('soak', () => {
  it(`cycles ${CYCLES} times through all ${slides.length} slides, running every demo, with tensors and heap flat`, async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    const errors: string[] = []
    page.on('console', (message) => {
      if (message.type() === 'error')
        errors.push(`console: ${message.text()}`)
    })
    page.on('pageerror', error => errors.push(`page: ${error.message}`))
    const cdp = await page.context().newCDPSession(page)
    await page.goto(`${server.url}/#/1`)

    const figures: Figures[] = []
    for (let cycle = 1; cycle <= CYCLES; cycle++) {
      const started = performance.now()
      for (const slide of slides) {
        await page.goto(`${server.url}/#/${slide.no}`)
        await page.locator(`[data-slidev-no="${slide.no}"]`).first().waitFor({ state: 'visible' })
        if (slide.demos.length === 0)
          continue
        const demo = page.locator(`[data-slidev-no="${slide.no}"] [data-demo]`).first()
        await demo.waitFor({ timeout: 20_000 })
        // From the second pass on the demo has run before: start it again, as a lecturer pressing Reset would.
        if (cycle > 1)
          await page.locator(`[data-slidev-no="${slide.no}"] .demo-reset`).first().click()
        await expect.poll(async () => Number(await demo.getAttribute('data-step') ?? 0) > 0 || await demo.getAttribute('data-state') === 'done', { timeout: 30_000 }).toBe(true)
        await page.waitForTimeout(TRAIN_MS)
        expect(await demo.getAttribute('data-state'), `slide ${slide.no}`).not.toMatch(/error|diverged/)
      }
      // The title slide: every demo is paused or finished.
      await page.goto(`${server.url}/#/1`)
      figures.push({ ...await measure(page, cdp), seconds: (performance.now() - started) / 1000 })
    }

    console.log(`Soak, ${slides.length} slides per cycle, after GC on the title slide:\n${figures.map((f, i) => `  cycle ${i + 1}: ${f.tensors} tensors (${f.tensorMB.toFixed(2)} MB), JS heap ${f.heapMB.toFixed(1)} MB, ${f.nodes} DOM elements, ${f.seconds.toFixed(0)} s`).join('\n')}`)
    const [first, ...rest] = figures
    for (const later of rest) {
      expect(later.tensors, 'tfjs tensors').toBeLessThanOrEqual(Math.ceil(first.tensors * (1 + TENSOR_MARGIN)))
      expect(later.heapMB, 'JS heap after GC, MB').toBeLessThanOrEqual(first.heapMB * (1 + HEAP_MARGIN))
    }
    expect(errors).toEqual([])
    await page.close()
  }, 600_000)
})
