// The student site as a course hosts it: under a sub-path (`SITE_BASE`, e.g. /courses/wd/) on a plain static host
// with real 404s. Every slide and figure loads from under the base; the PDF the site offers downloads; after one
// visit the site works offline (slides, demos on the wasm binaries, the PDF); a new build takes over from the old
// one whole; the presenter view and the speaker notes are not in it.
import type { Browser, BrowserContext, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { execFileSync } from 'node:child_process'
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, deckDist, deckPdf, siteBase, siteDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoSlides = slides.filter(s => s.demos.length > 0)
const work = mkdtempSync(join(tmpdir(), 'hosting-'))
let server: StaticServer
let browser: Browser

beforeAll(async () => {
  server = await serveStatic(siteDist(), {}, siteBase())
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
  rmSync(work, { recursive: true, force: true })
})

/** A page that records every failed request, every 4xx/5xx answer and every console or page error. */
async function watchedPage(context: BrowserContext): Promise<{ page: Page, problems: string[] }> {
  const page = await context.newPage()
  const problems: string[] = []
  page.on('requestfailed', request => problems.push(`failed: ${request.url()} (${request.failure()?.errorText})`))
  page.on('response', (response) => {
    if (response.status() >= 400)
      problems.push(`${response.status()}: ${response.url()}`)
  })
  page.on('console', (message) => {
    if (message.type() === 'error')
      problems.push(`console: ${message.text()}`)
  })
  page.on('pageerror', error => problems.push(`page: ${error.message}`))
  return { page, problems }
}

/** Goes to slide `no` of a started deck and waits until its layout shows. */
async function showSlide(page: Page, url: string, no: number): Promise<void> {
  await page.goto(`${url}#/${no}`)
  await page.locator(`[data-slidev-no="${no}"] .slidev-layout`).first().waitFor({ state: 'visible' })
}

async function startDeck(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/1`)
  await page.locator('[data-slidev-no="1"] .slidev-layout').first().waitFor({ state: 'visible', timeout: 30_000 })
}

/** Clicks the site's Download button (bottom-left controls) and checks the file: one page per slide, demos finished. */
async function downloadPdf(page: Page): Promise<void> {
  await page.mouse.move(10, 700) // the controls show on hover
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.locator('button[title="Download as PDF"]').first().click(),
  ])
  expect(download.url()).toBe(`${server.url}/norms-and-weight-decay.pdf`)
  const file = join(work, `download-${Date.now()}.pdf`)
  await download.saveAs(file)
  const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' })
  expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(slides.length)
  for (const slide of demoSlides) {
    const text = execFileSync('pdftotext', ['-raw', '-f', `${slide.no}`, '-l', `${slide.no}`, file, '-'], { encoding: 'utf8' })
    expect(text.replace(/\s+/g, ' '), `page ${slide.no}`).toMatch(/Ran with .+ \(finished\)\./)
  }
  // `npm test` builds the site with the PDF it has just exported: the very same file.
  if (process.env.DECK_PDF)
    expect(readFileSync(file).equals(readFileSync(deckPdf()))).toBe(true)
}

/** The text of every script, page and manifest of a built site. */
function siteText(root: string): string {
  const files = readdirSync(root, { recursive: true, encoding: 'utf8' }).filter(f => /\.(?:js|html|json|webmanifest)$/.test(f))
  return files.map(f => readFileSync(join(root, f), 'utf8')).join('\n')
}

const demoOn = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-demo]`).first()
async function demoAdvances(page: Page, no: number): Promise<boolean> {
  const demo = demoOn(page, no)
  return await demo.getAttribute('data-state') === 'done' || Number(await demo.getAttribute('data-step') ?? 0) > 0
}

/** Every URL in the site's caches. */
function cachedUrls(page: Page): Promise<string[]> {
  return page.evaluate(`(async () => {
    const urls = []
    for (const name of await caches.keys())
      for (const request of await (await caches.open(name)).keys()) urls.push(request.url)
    return urls
  })()`)
}

/** Resolves once a service worker controls the page: it is active, so its precache is complete. */
async function waitForOfflineCopy(page: Page): Promise<void> {
  await page.evaluate('navigator.serviceWorker.ready.then(() => true)')
  await expect.poll(() => page.evaluate('!!navigator.serviceWorker.controller'), { timeout: 30_000 }).toBe(true)
}

describe('the student site under a sub-path', () => {
  it('loads every slide and figure from under the base: no failed request, no 404, no error', async () => {
    // The host alone, without the offline copy in between.
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, serviceWorkers: 'block' })
    const { page, problems } = await watchedPage(context)
    await startDeck(page, `${server.url}/`)
    let figures = 0
    for (const slide of slides) {
      await showSlide(page, `${server.url}/`, slide.no)
      const images = page.locator(`[data-slidev-no="${slide.no}"] img`)
      figures += await images.count()
      for (const image of await images.all()) {
        await expect.poll(() => image.evaluate(img => (img as HTMLImageElement).complete), { timeout: 10_000 }).toBe(true)
        expect(await image.evaluate(img => (img as HTMLImageElement).naturalWidth), `${await image.getAttribute('src')} on slide ${slide.no}`).toBeGreaterThan(0)
      }
    }
    expect(figures).toBeGreaterThanOrEqual(9) // the chapter figures at least
    await page.waitForTimeout(500)
    expect(problems).toEqual([])
    await context.close()
  })

  it('offers the lecture PDF: one page per slide, every demo finished', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true, serviceWorkers: 'block' })
    const page = await context.newPage()
    await startDeck(page, `${server.url}/`)
    await downloadPdf(page)
    await context.close()
  })

  it('works offline after one visit: every slide, two demos on wasm, the PDF', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, acceptDownloads: true })
    const { page, problems } = await watchedPage(context)
    const url = `${server.url}/?backend=wasm`
    // The worker's install fetches the whole site: it must not be asked for before the title slide is drawn.
    await context.addInitScript(`(() => {
      const container = navigator.serviceWorker
      const register = container.register.bind(container)
      container.register = (...args) => {
        window.__registered = {
          painted: performance.getEntriesByName('first-contentful-paint').length > 0,
          title: !!document.querySelector('[data-slidev-no="1"] .slidev-layout h1'),
        }
        return register(...args)
      }
    })()`)
    await startDeck(page, url)
    await waitForOfflineCopy(page)
    expect(await page.evaluate('window.__registered')).toEqual({ painted: true, title: true })
    const cached = await cachedUrls(page)
    for (const file of ['tfjs-backend-wasm-simd', 'tfjs-backend-wasm-[^t]', 'nunito-sans.*\\.woff2', 'KaTeX_Main', 'figures/', 'norms-and-weight-decay\\.pdf'])
      expect(cached.some(u => new RegExp(file).test(u)), file).toBe(true)

    await context.setOffline(true)
    await page.reload()
    // Nothing reaches the network now: a file the site does not hold fails.
    expect(await page.evaluate(`fetch('${siteBase()}not-in-the-site.txt').then(() => 'online', () => 'offline')`)).toBe('offline')
    problems.length = 0
    await page.locator('[data-slidev-no="1"] .slidev-layout').first().waitFor({ state: 'visible', timeout: 30_000 })
    for (const slide of slides) {
      await showSlide(page, url, slide.no)
      expect(await page.locator(`[data-slidev-no="${slide.no}"]`).first().textContent(), `slide ${slide.no}`).not.toContain('Failed to fetch')
    }
    for (const slide of [demoSlides[0], demoSlides.at(-1)!]) {
      await showSlide(page, url, slide.no)
      await expect.poll(() => demoAdvances(page, slide.no), { timeout: 60_000 }).toBe(true)
      expect(await page.locator(`[data-slidev-no="${slide.no}"] .demo-status`).first().textContent()).toMatch(/· wasm\b/)
    }
    await page.screenshot({ path: join(work, 'offline.png') })
    await downloadPdf(page)
    expect(problems).toEqual([])
    await context.close()
  })

  it('is replaced whole by a new build once the old one is closed, never mixed with it', async () => {
    // A second build in miniature: index.html changed, and its precache revision with it, as a rebuild writes them.
    const [v1, v2, live] = ['v1', 'v2', 'live'].map(name => join(work, name))
    cpSync(siteDist(), v1, { recursive: true })
    cpSync(siteDist(), v2, { recursive: true })
    writeFileSync(join(v2, 'index.html'), readFileSync(join(v2, 'index.html'), 'utf8').replace('<body>', '<body><!-- build 2 -->'))
    const worker = readFileSync(join(v2, 'sw.js'), 'utf8')
    const revision = /url:"index\.html",revision:"([^"]+)"/.exec(worker)?.[1]
    expect(revision).toBeTruthy()
    writeFileSync(join(v2, 'sw.js'), worker.replace(revision!, `${revision}2`))
    symlinkSync(v1, live)
    const host = await serveStatic(live, {}, siteBase())
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
    const source = (page: Page) => page.evaluate(`fetch('${siteBase()}').then(r => r.text())`) as Promise<string>

    const first = await context.newPage()
    await startDeck(first, `${host.url}/`)
    await waitForOfflineCopy(first)
    rmSync(live)
    symlinkSync(v2, live)
    // The new build installs beside the old one and waits: open tabs, new ones too, keep the old build whole.
    expect(await first.evaluate('navigator.serviceWorker.ready.then(r => r.update()).then(() => navigator.serviceWorker.getRegistration()).then(r => !!(r.waiting || r.installing))')).toBe(true)
    const second = await context.newPage()
    await startDeck(second, `${host.url}/`)
    expect(await source(second)).not.toContain('build 2')
    await first.close()
    await second.close()

    // Every tab closed: the next visit gets the new build, and the cache holds only the new build's files.
    // Each try is a fresh document: a second goto to the same address is only a hash change, so a tab that the old
    // worker still controlled (the closed tabs had not been released yet) would keep it, and the new one would wait.
    const third = await context.newPage()
    await expect.poll(async () => {
      await third.goto('about:blank')
      await third.goto(`${host.url}/#/1`)
      return source(third)
    }, { timeout: 30_000 }).toContain('build 2')
    await startDeck(third, `${host.url}/`)
    const cached = await cachedUrls(third)
    expect(cached.filter(u => u.includes('index.html'))).toEqual([`${host.url}/index.html?__WB_REVISION__=${revision}2`])
    const manifest = [...worker.matchAll(/url:"([^"]+)"/g)].map(m => `${host.url}/${m[1]}`)
    expect(cached.filter(u => !manifest.includes(u.replace(/\?__WB_REVISION__=.*/, '')))).toEqual([])
    await context.close()
    await host.close()
  })

  it('has no presenter view and no speaker notes', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    await page.goto(`${server.url}/#/presenter/1`)
    await page.waitForTimeout(2000)
    expect(await page.locator('.slidev-presenter').count()).toBe(0)
    await page.close()

    // A run of plain words from every slide's notes (the answers among them): none is in any file of the site.
    const phrases = slides.flatMap(s => /[A-Z][a-z]+(?: [a-z]+){4,}/.exec(s.note)?.[0] ?? [])
    expect(phrases.length).toBeGreaterThan(20)
    expect(phrases.filter(phrase => siteText(siteDist()).includes(phrase))).toEqual([])
    // The same search finds them in the lecturer's build (npm test builds one), so it would see them if they were there.
    if (process.env.DECK_DIST)
      expect(phrases.filter(phrase => !siteText(deckDist()).includes(phrase))).toEqual([])
  })
})
