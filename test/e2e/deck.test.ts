// The built deck in a real Chromium: every slide renders without errors, nothing leaves 127.0.0.1,
// and the live demo trains while its slide is shown and only then.
import type { Browser, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, deckDist, overflowing, plainText, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoSlides = slides.filter(s => s.demos.length > 0)
const ridgeSlide = slides.find(s => s.demos.includes('ridge-gd'))!
const overfittingSlide = slides.find(s => s.demos.includes('overfitting'))!

let server: StaticServer
let browser: Browser

interface PageLog {
  errors: string[]
  foreign: string[]
  requests: number
}

async function openPage(): Promise<{ page: Page, log: PageLog }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  const log: PageLog = { errors: [], foreign: [], requests: 0 }
  page.on('console', (message) => {
    if (message.type() === 'error')
      log.errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', error => log.errors.push(`page: ${error.message}`))
  page.on('request', (request) => {
    log.requests++
    const url = new URL(request.url())
    const local = url.protocol === 'data:' || url.protocol === 'blob:' || url.hostname === '127.0.0.1'
    if (!local)
      log.foreign.push(request.url())
  })
  return { page, log }
}

const demoOn = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-demo]`).first()
const stepOf = async (page: Page, no: number) => Number(await demoOn(page, no).getAttribute('data-step') ?? 0)
const stateOf = (page: Page, no: number) => demoOn(page, no).getAttribute('data-state')

beforeAll(async () => {
  server = await serveStatic(deckDist())
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the built deck', () => {
  it('has the slides the source defines', async () => {
    const { page, log } = await openPage()
    // The print view mounts every slide of the deck at once.
    await page.goto(`${server.url}/?print=true#/print`)
    await page.locator('[data-slidev-no="1"]').first().waitFor()
    const numbers = await page.locator('[data-slidev-no]').evaluateAll(nodes => nodes.map(n => n.getAttribute('data-slidev-no')))
    expect(new Set(numbers)).toEqual(new Set(slides.map(s => String(s.no))))
    expect(log.errors).toEqual([])
    await page.close()
  })

  it('has speaker notes on every slide', () => {
    const without = slides.filter(s => s.note.trim().length < 20).map(s => `${s.no}: ${s.title}`)
    expect(without).toEqual([])
  })

  it('renders every slide with its title, inside its frame, with no console or page error and no request outside 127.0.0.1', async () => {
    const { page, log } = await openPage()
    const overflows: string[] = []
    for (const slide of slides) {
      await page.goto(`${server.url}/#/${slide.no}`)
      const frame = page.locator(`[data-slidev-no="${slide.no}"]`)
      await frame.waitFor({ state: 'visible' })
      for (const part of slide.titleText)
        await expect.poll(async () => plainText(await frame.textContent() ?? ''), { timeout: 10_000 }).toContain(part)
      // Fonts and KaTeX settle the layout; then nothing may stick out of the slide.
      await page.evaluate(() => document.fonts.ready)
      overflows.push(...(await overflowing(page, slide.no)).map(o => `slide ${slide.no} (${slide.title}): ${o}`))
    }
    expect(overflows).toEqual([])
    // Let lazy work (fonts, tfjs start-up, preloading of the other slides) finish before judging.
    await page.waitForTimeout(3000)
    expect(log.errors).toEqual([])
    expect(log.foreign).toEqual([])
    expect(log.requests).toBeGreaterThan(5)
    await page.close()
  })

  it('renders math with KaTeX', async () => {
    const { page } = await openPage()
    const math = slides.find(s => s.content.includes('$$'))!
    await page.goto(`${server.url}/#/${math.no}`)
    await expect.poll(() => page.locator(`[data-slidev-no="${math.no}"] .katex-display`).count()).toBeGreaterThan(0)
    await page.close()
  })

  it('places a demo on the slides of the lecture', () => {
    expect(demoSlides.length).toBeGreaterThanOrEqual(1)
  })

  for (const slide of demoSlides) {
    it(`trains ${slide.demos[0]} (slide ${slide.no}) only while its slide is shown, without errors`, async () => {
      const { page, log } = await openPage()
      // Another slide is current: the preloaded demo slide must stay idle.
      await page.goto(`${server.url}/#/${slide.no - 1}`)
      await page.waitForTimeout(1500)
      expect(await stepOf(page, slide.no)).toBe(0)

      await page.goto(`${server.url}/#/${slide.no}`)
      await expect.poll(() => demoOn(page, slide.no).getAttribute('data-demo'), { timeout: 20_000 }).toBe(slide.demos[0])
      await expect.poll(() => stepOf(page, slide.no), { timeout: 30_000 }).toBeGreaterThan(0)
      if (await stateOf(page, slide.no) !== 'done') {
        // Leaving the slide pauses it; coming back resumes.
        await page.keyboard.press('ArrowLeft')
        await expect.poll(() => stateOf(page, slide.no)).toMatch(/paused|done/)
        // A slice under way when the slide was left still reports once; after that, nothing moves.
        await page.waitForTimeout(300)
        const pausedAt = await stepOf(page, slide.no)
        await page.waitForTimeout(700)
        expect(await stepOf(page, slide.no)).toBe(pausedAt)
        await page.keyboard.press('ArrowRight')
        await expect.poll(async () => await stateOf(page, slide.no) === 'done' || await stepOf(page, slide.no) > pausedAt, { timeout: 30_000 }).toBe(true)
      }
      expect(await stateOf(page, slide.no)).not.toMatch(/error|diverged/)
      expect(log.errors).toEqual([])
      expect(log.foreign).toEqual([])
      await page.close()
    })
  }

  it('trains the ridge demo to the end with its objective going down, and the arrow keys still navigate after a button', async () => {
    const { page, log } = await openPage()
    const no = ridgeSlide.no
    await page.goto(`${server.url}/#/${no}`)
    await expect.poll(() => stepOf(page, no), { timeout: 20_000 }).toBeGreaterThan(0)
    const first = Number(await demoOn(page, no).getAttribute('data-metric-start'))
    await expect.poll(() => stateOf(page, no), { timeout: 60_000 }).toBe('done')
    const last = Number(await demoOn(page, no).getAttribute('data-metric'))
    expect(last).toBeLessThan(first)
    // A clicked button gives the keyboard back to the deck.
    await page.locator(`[data-slidev-no="${no}"] .demo-reset`).click()
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/${no + 1}$`))
    expect(log.errors).toEqual([])
    await page.close()
  })

  it('runs the defaults for an address out of range (1000x a maximum, a million epochs) or script-like: a notice names the fields, the page stays responsive', async () => {
    const { page, log } = await openPage()
    let dialogs = 0
    page.on('dialog', (dialog) => {
      dialogs++
      void dialog.dismiss()
    })
    const no = overfittingSlide.no
    const script = encodeURIComponent('<img src=x onerror=alert(1)>')
    await page.goto(`${server.url}/?overfitting.lambda=30000&overfitting.epochs=1000000&overfitting.${script}=1#/${no}`)
    const notice = page.locator(`[data-slidev-no="${no}"] .demo-link-notice`)
    await expect.poll(() => notice.textContent(), { timeout: 20_000 }).toMatch(/lambda: expected a number in \[[^\]]+\], got '30000'/)
    const text = await notice.textContent() ?? ''
    expect(text).toMatch(/epochs: expected an integer in \[[^\]]+\], got '1000000'/)
    expect(text).toContain('<img src=x onerror=alert(1)>: not a parameter of this demo')
    expect(await page.locator(`[data-slidev-no="${no}"] img[src="x"]`).count(), 'the address is shown as text, never as HTML').toBe(0)
    // Nothing from the address is used: the sliders show the defaults, and the defaults run (100 epochs, not a million).
    const sliders = await page.locator(`[data-slidev-no="${no}"] .demo-slider`).allTextContents()
    expect(sliders.join(' ')).toMatch(/= 3\b/)
    expect(sliders.join(' ')).toMatch(/= 100\b/)
    await expect.poll(() => stepOf(page, no), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await demoOn(page, no).getAttribute('data-state')).not.toBe('error')
    // The page answers: the deck still moves on the arrow key.
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/${no + 1}$`))
    await page.keyboard.press('ArrowLeft')
    // The notice can be dismissed.
    await notice.locator('.demo-link-dismiss').click()
    await expect.poll(() => notice.count()).toBe(0)
    expect(dialogs).toBe(0)
    expect(log.errors).toEqual([])
    await page.close()
  })

  // A lost WebGL context: test/e2e/robustness.test.ts (the demo continues by itself on the next backend).

  it('runs a demo in the presenter view', async () => {
    const { page, log } = await openPage()
    await page.goto(`${server.url}/#/presenter/${ridgeSlide.no}`)
    const running = page.locator('[data-demo="ridge-gd"][data-state="running"]')
    await expect.poll(() => running.count(), { timeout: 20_000 }).toBe(1)
    expect(log.errors).toEqual([])
    expect(log.foreign).toEqual([])
    await page.close()
  })

  // Slidev's exporter looks for what to wait on once; the print hold (index.html, setup/main.ts) makes sure that
  // look sees every slide and every demo's `data-waitfor` marker.
  it('holds a print until every slide has rendered, and only a print', async () => {
    const { page, log } = await openPage()
    await page.goto(`${server.url}/?print=true#print`)
    expect(await page.locator('#print-hold').count(), 'the hold is in the page from its first byte').toBe(1)
    await page.locator('.slidev-slide-loading').first().waitFor({ state: 'detached', timeout: 60_000 })
    expect(await page.locator('.slidev-page .slidev-layout').count()).toBe(slides.length)
    expect(await page.locator('[data-waitfor]').count()).toBe(demoSlides.length)
    expect(log.errors).toEqual([])

    await page.goto(`${server.url}/#${ridgeSlide.no}`)
    await page.reload()
    await page.locator('#print-hold').waitFor({ state: 'detached', timeout: 20_000 })
    await page.close()
  })
})
