// Links that share what is on screen, on the student site under its base path: a moved slider goes into the address
// (replaced, not pushed), "Copy link" copies it, a fresh browser opening it shows the same slide, slider, seed and
// run; malformed links run the defaults with a notice naming each bad field, inject nothing and break nothing.
import type { Browser, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, shotsDir, siteBase, siteDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const ridge = slides.find(s => s.demos.includes('ridge-gd'))!
const equilibrium = slides.find(s => s.demos.includes('equilibrium-sgd'))!
const shots = shotsDir()

let server: StaticServer
let browser: Browser

const demo = (page: Page) => page.locator(`[data-slidev-no="${ridge.no}"] [data-demo="ridge-gd"]`)

async function open(url: string, permissions: string[] = []): Promise<{ page: Page, errors: string[], dialogs: number[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  if (permissions.length)
    await context.grantPermissions(permissions, { origin: new URL(server.url).origin })
  const page = await context.newPage()
  const errors: string[] = []
  const dialogs: number[] = []
  // Slidev asks for a screen wake lock on the first click; headless Chromium refuses it. Not a page error of ours.
  page.on('pageerror', (error) => {
    if (!/Wake Lock/.test(error.message))
      errors.push(error.message)
  })
  page.on('dialog', (dialog) => {
    dialogs.push(1)
    void dialog.dismiss()
  })
  await page.goto(url)
  await demo(page).waitFor({ timeout: 30_000 })
  return { page, errors, dialogs }
}

async function finished(page: Page) {
  await expect.poll(() => demo(page).getAttribute('data-state'), { timeout: 60_000 }).toBe('done')
  return demo(page).getAttribute('data-metric')
}

beforeAll(async () => {
  server = await serveStatic(siteDist(), {}, siteBase())
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('links that share a demo', () => {
  it('keeps a moved slider and the seed in the address, copies it, and a fresh browser restores slide, slider, seed and run', async () => {
    const { page, errors } = await open(`${server.url}/#/${ridge.no}`, ['clipboard-read', 'clipboard-write'])
    const length = await page.evaluate('history.length')
    const slider = demo(page).locator('.demo-slider input[type="range"]').first()
    await slider.fill('20')
    await expect.poll(() => new URL(page.url()).searchParams.get('ridge-gd.lambda')).toMatch(/^[\d.e-]+$/)
    const lambda = new URL(page.url()).searchParams.get('ridge-gd.lambda')!
    const seed = demo(page).locator('.demo-seed input')
    await seed.fill('7')
    await seed.press('Enter')
    await expect.poll(() => new URL(page.url()).searchParams.get('ridge-gd.seed')).toBe('7')
    expect(new URL(page.url()).hash, 'the slide stays in the hash').toBe(`#/${ridge.no}`)
    expect(await page.evaluate('history.length'), 'replaced, not pushed').toBe(length)
    const metric = await finished(page)
    await page.screenshot({ path: `${shots}/slide-copy-link.png` })

    await demo(page).locator('.demo-copy-link').click()
    await expect.poll(() => demo(page).locator('.demo-copy-link').textContent()).toMatch(/copied/)
    const copied = await page.evaluate('navigator.clipboard.readText()') as string
    expect(copied).toBe(page.url())
    expect(errors).toEqual([])
    await page.context().close()

    const fresh = await open(copied)
    expect(new URL(fresh.page.url()).hash).toBe(`#/${ridge.no}`)
    expect(await demo(fresh.page).locator('.demo-slider strong').first().textContent()).toBe(String(Number(Number(lambda).toPrecision(3))))
    expect(await demo(fresh.page).locator('.demo-seed input').inputValue()).toBe('7')
    expect(await finished(fresh.page), 'the same run to the same end').toBe(metric)
    expect(fresh.errors).toEqual([])
    await fresh.page.context().close()
  })

  const script = '<img src=x onerror=alert(1)>'
  const cases: Array<[string, string, RegExp]> = [
    ['repeated', 'ridge-gd.lambda=1&ridge-gd.lambda=1', /lambda: given more than once/],
    ['unknown', 'ridge-gd.optimizer=adamw', /optimizer: not a parameter/],
    ['out of range', 'ridge-gd.lambda=99', /lambda: expected a number in \[0, 2\], got '99'/],
    ['wrong type', 'ridge-gd.seed=abc', /seed: expected an integer/],
    ['script-like', `ridge-gd.lambda=${encodeURIComponent(script)}&ridge-gd.${encodeURIComponent(script)}=1`, /lambda: expected a number.*<img src=x onerror=alert\(1\)>: not a parameter/s],
    ['huge', `ridge-gd.lambda=${'9'.repeat(10_000)}`, /lambda: expected a number in \[0, 2\], got '9{40}…'/],
  ]
  it.each(cases)('runs the defaults from a %s link, with a notice naming the field', async (what, query, message) => {
    const { page, errors, dialogs } = await open(`${server.url}/?${query}#/${ridge.no}`)
    const notice = demo(page).locator('.demo-link-notice')
    await expect.poll(() => notice.textContent(), { timeout: 20_000 }).toMatch(message)
    expect(await page.locator('img[src="x"]').count(), 'shown as text, never as HTML').toBe(0)
    // The defaults run: lambda at its declared default, and the run goes on to its end.
    await expect.poll(async () => Number(await demo(page).getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await demo(page).locator('.demo-slider strong').first().textContent()).toBe('0.5')
    if (what === 'out of range')
      await page.screenshot({ path: `${shots}/link-notice.png` })
    await demo(page).locator('.demo-link-dismiss').click()
    expect(await notice.count()).toBe(0)
    // The deck still navigates.
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/${ridge.no + 1}`)
    expect(errors).toEqual([])
    expect(dialogs).toEqual([])
    await page.context().close()
  })

  it('keeps a view choice that is no parameter (the equilibrium demo\'s optimizer) in the address, and a link restores it', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', error => errors.push(error.message))
    const shown = () => page.locator(`[data-slidev-no="${equilibrium.no}"] [data-demo]`).first()
    await page.goto(`${server.url}/?view.equilibrium.optimizer=equilibrium-adamw#/${equilibrium.no}`)
    await expect.poll(() => shown().getAttribute('data-demo'), { timeout: 30_000 }).toBe('equilibrium-adamw')
    expect(await shown().locator('input[value="equilibrium-adamw"]').isChecked()).toBe(true)
    // Back to the slide's own choice: the key leaves the address; another choice writes it.
    await shown().locator('input[value="equilibrium-sgd"]').check()
    await expect.poll(() => new URL(page.url()).searchParams.has('view.equilibrium.optimizer')).toBe(false)
    await shown().locator('input[value="equilibrium-momentum"]').check()
    await expect.poll(() => new URL(page.url()).searchParams.get('view.equilibrium.optimizer')).toBe('equilibrium-momentum')
    // A bad value: the slide's own choice, and a notice naming the key.
    await page.goto(`${server.url}/?view.equilibrium.optimizer=rmsprop#/${equilibrium.no}`)
    await page.reload()
    await expect.poll(() => shown().locator('.demo-link-notice').textContent(), { timeout: 30_000 }).toMatch(/view\.equilibrium\.optimizer: expected one of equilibrium-sgd, equilibrium-momentum, equilibrium-adamw, got 'rmsprop'/)
    expect(await shown().getAttribute('data-demo')).toBe('equilibrium-sgd')
    expect(errors).toEqual([])
    await context.close()
  })
})
