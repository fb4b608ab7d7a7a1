// The built deck where the graphics card fails: a browser with no WebGL at all, and a WebGL context lost in the
// middle of a run. Every demo must still train, say which backend it uses, and leave the rest of the deck working.
import type { Browser, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, deckDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoSlides = slides.filter(s => s.demos.length > 0)
const ridgeSlide = demoSlides.find(s => s.demos.includes('ridge-gd'))!
const overfittingSlide = demoSlides.find(s => s.demos.includes('overfitting'))!

let server: StaticServer

beforeAll(async () => {
  server = await serveStatic(deckDist())
})

afterAll(async () => {
  await server?.close()
})

async function openPage(browser: Browser): Promise<{ page: Page, errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  const errors: string[] = []
  page.on('console', (message) => {
    if (message.type() === 'error')
      errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', error => errors.push(`page: ${error.message}`))
  return { page, errors }
}

const demoOn = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-demo]`).first()
const stepOf = async (page: Page, no: number) => Number(await demoOn(page, no).getAttribute('data-step') ?? 0)
const stateOf = (page: Page, no: number) => demoOn(page, no).getAttribute('data-state')
const statusOf = async (page: Page, no: number) => (await page.locator(`[data-slidev-no="${no}"] .demo-status`).first().textContent() ?? '').replace(/\s+/g, ' ')

describe('a browser without WebGL (--disable-webgl --disable-software-rasterizer)', () => {
  let browser: Browser

  beforeAll(async () => {
    // SwiftShader is the software WebGL; with it switched off and WebGL disabled, OffscreenCanvas has none either.
    const args = [...chromiumArgs.filter(a => a !== '--enable-unsafe-swiftshader'), '--disable-webgl', '--disable-software-rasterizer']
    browser = await chromium.launch({ executablePath: chromiumPath(), args })
  })

  afterAll(async () => {
    await browser?.close()
  })

  it('has no WebGL anywhere in the page', async () => {
    const { page } = await openPage(browser)
    await page.goto(`${server.url}/#/1`)
    const contexts = await page.evaluate(() => ['webgl2', 'webgl'].flatMap(kind => [
      document.createElement('canvas').getContext(kind) !== null,
      new OffscreenCanvas(1, 1).getContext(kind as 'webgl2') !== null,
    ]))
    expect(contexts).toEqual([false, false, false, false])
    await page.close()
  })

  it('runs every demo and names its backend', async () => {
    const { page, errors } = await openPage(browser)
    const seen: string[] = []
    await page.goto(`${server.url}/#/1`)
    // A hash change before the deck has started is undone by its start (it restores the slide it opened on).
    await page.locator('[data-slidev-no="1"] .slidev-layout').first().waitFor()
    for (const slide of demoSlides) {
      await page.goto(`${server.url}/#/${slide.no}`)
      await expect.poll(() => demoOn(page, slide.no).getAttribute('data-demo'), { timeout: 20_000 }).toBe(slide.demos[0])
      await expect.poll(async () => await stepOf(page, slide.no) > 0 ? 'training' : `slide ${slide.no}: ${await statusOf(page, slide.no)}`, { timeout: 30_000 }).toBe('training')
      const status = await statusOf(page, slide.no)
      seen.push(`${slide.demos[0]}: ${status.trim()}`)
      expect(status, `slide ${slide.no}`).toMatch(/· (wasm|cpu)\b/)
      expect(await stateOf(page, slide.no), `slide ${slide.no}`).not.toMatch(/error|diverged/)
    }
    console.log(`Without WebGL:\n  ${seen.join('\n  ')}`)
    expect(errors).toEqual([])
    await page.close()
  })

  it('says so when the address asks for WebGL, and trains on another backend', async () => {
    const { page, errors } = await openPage(browser)
    const no = ridgeSlide.no
    await page.goto(`${server.url}/?backend=webgl#/${no}`)
    await expect.poll(() => page.locator(`[data-slidev-no="${no}"] .demo-notice`).textContent(), { timeout: 30_000 })
      .toMatch(/webgl backend could not start here; using (wasm|cpu)/)
    await expect.poll(() => stateOf(page, no), { timeout: 60_000 }).toBe('done')
    expect(await statusOf(page, no)).toMatch(/· (wasm|cpu)\b/)
    expect(errors).toEqual([])
    await page.close()
  })
})

describe('a WebGL context lost in the middle of a run', () => {
  let browser: Browser

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
  })

  afterAll(async () => {
    await browser?.close()
  })

  // Long enough to be lost in the middle on software WebGL, short enough to finish on wasm in a few seconds.
  const query = 'ridge-gd.steps=4000&ridge-gd.every=20'

  /** The demo's first and last recorded objective: the same run gives the same numbers. */
  const curveEnds = async (page: Page, no: number) => [await demoOn(page, no).getAttribute('data-metric-start'), await demoOn(page, no).getAttribute('data-metric')]

  it('says so, continues on the next backend from its seed with the same curves, and the rest of the deck works', async () => {
    // The reference: the same configuration and seed run on wasm from the start.
    const reference = await openPage(browser)
    const no = ridgeSlide.no
    await reference.page.goto(`${server.url}/?backend=wasm&${query}#/${no}`)
    await expect.poll(() => stateOf(reference.page, no), { timeout: 60_000 }).toBe('done')
    const expected = await curveEnds(reference.page, no)
    expect(expected.every(v => v !== null && Number.isFinite(Number(v)))).toBe(true)
    await reference.page.close()

    const { page, errors } = await openPage(browser)
    await page.goto(`${server.url}/?backend=webgl&${query}#/${no}`)
    // SwiftShader's WebGL is used only when asked for; tfjs must actually run on it for this test to mean anything.
    await expect.poll(() => statusOf(page, no), { timeout: 30_000 }).toMatch(/webgl/)
    await expect.poll(() => stepOf(page, no), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await stateOf(page, no)).toBe('running')
    const lostAt = await stepOf(page, no)
    // Lose the context tfjs trains on (tfjs keeps its engine on the page's global object).
    const lost = await page.evaluate(() => {
      const engine = (globalThis as unknown as { _tfengine?: { registry: Record<string, { gpgpu?: { gl?: WebGLRenderingContext } }> } })._tfengine
      const gl = engine?.registry.webgl?.gpgpu?.gl
      const extension = gl?.getExtension('WEBGL_lose_context')
      extension?.loseContext()
      return extension != null
    })
    expect(lost, 'WEBGL_lose_context on tfjs\'s context').toBe(true)

    const demo = demoOn(page, no)
    // It says so on the slide...
    await expect.poll(async () => await demo.textContent() ?? '', { timeout: 20_000 }).toMatch(/graphics context was lost/i)
    // ...and carries on by itself, on another backend, from its seed: the run ends where a clean wasm run ends.
    await expect.poll(() => stateOf(page, no), { timeout: 60_000 }).toBe('done')
    expect(await statusOf(page, no)).toMatch(/· wasm\b/)
    expect(await curveEnds(page, no)).toEqual(expected)
    expect(await stepOf(page, no)).toBeGreaterThan(lostAt)
    // The slide still tells why the run started again.
    expect(await demo.textContent()).toMatch(/graphics context was lost/i)

    // The rest of the deck: the next slide renders, another demo trains on the new backend.
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => page.url()).toMatch(new RegExp(`#/${no + 1}$`))
    await page.goto(`${server.url}/?backend=webgl&${query}#/${overfittingSlide.no}`)
    await expect.poll(() => stepOf(page, overfittingSlide.no), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await statusOf(page, overfittingSlide.no)).toMatch(/· wasm\b/)
    expect(await stateOf(page, overfittingSlide.no)).not.toMatch(/error|diverged/)
    // tfjs and the browser report the loss themselves; nothing else may go wrong.
    expect(errors.filter(e => !/context lost|CONTEXT_LOST|WebGL/i.test(e))).toEqual([])
    await page.close()
  })
})
