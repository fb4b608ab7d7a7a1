// The built deck in a real Chromium: every slide renders without errors, nothing leaves 127.0.0.1,
// and the live demo trains while its slide is shown and only then.
import type { Browser, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, deckDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoSlide = slides.find(s => /trained live/i.test(s.title))!

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

const demo = (page: Page) => page.locator('[data-demo="ridge-gd"]').first()
const stepOf = async (page: Page) => Number(await demo(page).getAttribute('data-step'))

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

  it('renders every slide with its title, no console or page error, and no request outside 127.0.0.1', async () => {
    const { page, log } = await openPage()
    for (const slide of slides) {
      await page.goto(`${server.url}/#/${slide.no}`)
      const frame = page.locator(`[data-slidev-no="${slide.no}"]`)
      await frame.waitFor({ state: 'visible' })
      await expect.poll(() => frame.textContent(), { timeout: 10_000 }).toContain(slide.title)
    }
    // Let lazy work (fonts, tfjs start-up, preloading of the other slides) finish before judging.
    await page.waitForTimeout(3000)
    expect(log.errors).toEqual([])
    expect(log.foreign).toEqual([])
    expect(log.requests).toBeGreaterThan(5)
    await page.close()
  })

  it('renders math with KaTeX', async () => {
    const { page } = await openPage()
    await page.goto(`${server.url}/#/2`)
    await expect.poll(() => page.locator('[data-slidev-no="2"] .katex-display').count()).toBeGreaterThan(0)
    await page.close()
  })

  it('trains the demo only while its slide is shown, and its loss goes down', async () => {
    const { page, log } = await openPage()
    // Another slide is current: the preloaded demo slide must stay idle.
    await page.goto(`${server.url}/#/1`)
    await page.waitForTimeout(4000)
    expect(await demo(page).count()).toBe(1)
    expect(await stepOf(page)).toBe(0)

    await page.goto(`${server.url}/#/${demoSlide.no}`)
    await expect.poll(() => demo(page).getAttribute('data-state'), { timeout: 20_000 }).toBe('running')
    const loss0 = Number(await demo(page).getAttribute('data-loss'))
    await expect.poll(() => stepOf(page), { timeout: 20_000 }).toBeGreaterThan(40)
    const loss1 = Number(await demo(page).getAttribute('data-loss'))
    expect(loss1).toBeLessThan(loss0)

    // Leaving the slide pauses it; coming back resumes.
    await page.keyboard.press('ArrowLeft')
    await expect.poll(() => demo(page).getAttribute('data-state')).toBe('paused')
    const pausedAt = await stepOf(page)
    await page.waitForTimeout(1000)
    expect(await stepOf(page)).toBe(pausedAt)
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => stepOf(page), { timeout: 20_000 }).toBeGreaterThan(pausedAt)

    await expect.poll(() => demo(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
    expect(log.errors).toEqual([])
    await page.close()
  })

  it('runs the demo in the presenter view', async () => {
    const { page, log } = await openPage()
    await page.goto(`${server.url}/#/presenter/${demoSlide.no}`)
    const running = page.locator('[data-demo="ridge-gd"][data-state="running"]')
    await expect.poll(() => running.count(), { timeout: 20_000 }).toBe(1)
    expect(log.errors).toEqual([])
    expect(log.foreign).toEqual([])
    await page.close()
  })
})
