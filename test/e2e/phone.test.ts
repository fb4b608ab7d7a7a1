// The demo view on a phone (390x844, touch) and in landscape (844x390), on the student site under its base path:
// #/demos lists every demo; each #/demos/<id> shows its demo alone with no horizontal overflow, 44x44 touch targets,
// text of at least 16 px, and a run that goes; the slide's "Open on its own" link reaches it and the view links back.
import type { Browser, BrowserContext, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { experiments } from '../../src/experiments/registry'
import { chromiumPath, demoComponents, shotsDir, siteBase, siteDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoIds = Object.values(demoComponents)
const shots = shotsDir()

let server: StaticServer
let browser: Browser
let site: string

const phone = { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 }
const landscape = { ...phone, viewport: { width: 844, height: 390 } }

async function open(context: BrowserContext, hash: string): Promise<{ page: Page, errors: string[] }> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  await page.goto(`${site}/${hash}`)
  return { page, errors }
}

/** What a phone user would find wrong: overflow, small targets, small text (as short descriptions). */
const problems = `(() => {
  const out = []
  const view = document.querySelector('.demo-view')
  if (document.documentElement.scrollWidth > innerWidth)
    out.push('page scrolls sideways: ' + document.documentElement.scrollWidth + ' > ' + innerWidth)
  if (view && view.scrollWidth > view.clientWidth + 1)
    out.push('view scrolls sideways: ' + view.scrollWidth + ' > ' + view.clientWidth)
  const shown = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' }
  for (const el of document.querySelectorAll('.demo-view :is(button, input, select, a)')) {
    if (!shown(el)) continue
    const r = el.getBoundingClientRect()
    if (r.width < 44 || r.height < 44)
      out.push('small target <' + el.tagName.toLowerCase() + ' class="' + (el.getAttribute('class') || '') + '"> "' + (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 30) + '" ' + Math.round(r.width) + 'x' + Math.round(r.height))
  }
  const walker = document.createTreeWalker(document.querySelector('.demo-view') || document.body, NodeFilter.SHOW_TEXT)
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement
    if (!el || !node.textContent.trim() || !shown(el) || el.closest('.katex-mathml')) continue
    const size = parseFloat(getComputedStyle(el).fontSize)
    if (size < 16)
      out.push('small text ' + size + 'px "' + node.textContent.trim().slice(0, 30) + '"')
  }
  return [...new Set(out)].slice(0, 12)
})()`

beforeAll(async () => {
  server = await serveStatic(siteDist(), {}, siteBase())
  site = server.url
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

describe('the demo view on a phone', () => {
  it('lists every demo with its purpose, a link to its view and one to its slide', async () => {
    const context = await browser.newContext(phone)
    const { page, errors } = await open(context, '#/demos')
    await page.locator('.demo-list li').first().waitFor()
    await page.screenshot({ path: `${shots}/demos-list.png`, fullPage: true })
    const entries = await page.locator('.demo-list li').evaluateAll(items => items.map(li => li.getAttribute('data-demo-entry')))
    expect(entries.sort()).toEqual([...demoIds].sort())
    for (const id of demoIds) {
      const item = page.locator(`[data-demo-entry="${id}"]`)
      // The students' sentence, not the lecturers' one-line set-up.
      expect(await item.locator('p').textContent(), id).toBe(experiments.find(e => e.id === id)!.purpose)
      expect(await item.locator('a').first().getAttribute('href')).toBe(`#/demos/${id}`)
      const slide = slides.find(s => s.demos.includes(id))!
      expect(await item.locator('a').nth(1).getAttribute('href')).toBe(`#/${slide.no}`)
    }
    expect(await page.evaluate(problems)).toEqual([])
    expect(errors).toEqual([])
    await context.close()
  })

  it.each(demoIds)('shows %s alone, fitted to a portrait phone, and runs it', async (id) => {
    const context = await browser.newContext(phone)
    const { page, errors } = await open(context, `#/demos/${id}`)
    const demo = page.locator('.demo-view [data-demo]').first()
    await demo.waitFor({ timeout: 30_000 })
    // It trains: the step counter grows (or the run has already finished).
    await expect.poll(async () => Number(await demo.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(0)
    expect(await page.locator('.demo-view-stage .demo-main h1').isVisible(), 'the slide\'s own text is left to the slide').toBe(false)
    if (id === 'overfitting' || id === 'classification')
      await page.screenshot({ path: `${shots}/view-${id}-portrait.png`, fullPage: true })
    expect(await page.evaluate(problems), id).toEqual([])
    expect(errors, id).toEqual([])
    await context.close()
  })

  it('fits a landscape phone too', async () => {
    for (const id of ['overfitting', 'classification']) {
      const context = await browser.newContext(landscape)
      const { page, errors } = await open(context, `#/demos/${id}`)
      const demo = page.locator('.demo-view [data-demo]').first()
      await expect.poll(async () => Number(await demo.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(0)
      await page.screenshot({ path: `${shots}/view-${id}-landscape.png` })
      expect(await page.evaluate(problems), id).toEqual([])
      expect(errors).toEqual([])
      await context.close()
    }
  })

  it('goes from a slide to its view by a tap, and back', async () => {
    const slide = slides.find(s => s.demos.includes('ridge-gd'))!
    const context = await browser.newContext(phone)
    const { page, errors } = await open(context, `#/${slide.no}`)
    const link = page.locator(`[data-slidev-no="${slide.no}"] .demo-own-view`)
    await link.waitFor({ timeout: 30_000 })
    await link.tap()
    await expect.poll(() => new URL(page.url()).hash).toBe('#/demos/ridge-gd')
    await page.locator('.demo-view [data-demo="ridge-gd"]').waitFor()
    await page.locator('.demo-view-slide').tap()
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/${slide.no}`)
    await page.locator(`[data-slidev-no="${slide.no}"] [data-demo="ridge-gd"]`).waitFor()
    expect(errors).toEqual([])
    await context.close()
  })
})
