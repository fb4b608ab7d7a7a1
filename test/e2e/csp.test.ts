// The built deck under the Content-Security-Policy the README documents for static hosts: the header is read from
// the README (so the documentation and the test cannot drift apart), every response carries it, and any violation
// (a securitypolicyviolation event or Chromium's "Refused to ..." console message) fails the test.
import type { Browser, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { readFileSync } from 'node:fs'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, deckDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoSlides = slides.filter(s => s.demos.length > 0)

/** The policy in the README's "Security headers for static hosts" section. */
function documentedPolicy(): string {
  const readme = readFileSync('README.md', 'utf8')
  const section = readme.split(/^## /m).find(part => part.startsWith('Security headers for static hosts'))
  const line = section?.match(/^Content-Security-Policy: (.+)$/m)?.[1]
  if (!line)
    throw new Error('README.md: no "Content-Security-Policy: ..." line in the section "Security headers for static hosts"')
  return line.trim()
}

const policy = documentedPolicy()
let server: StaticServer
let browser: Browser

beforeAll(async () => {
  server = await serveStatic(deckDist(), { 'content-security-policy': policy })
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function openPage(): Promise<{ page: Page, violations: string[], errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
  const violations: string[] = []
  const errors: string[] = []
  await page.exposeFunction('__cspViolation', (text: string) => violations.push(text))
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (event) => {
      const report = (window as unknown as { __cspViolation: (text: string) => void }).__cspViolation
      void report(`${event.effectiveDirective}: ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`)
    }, true)
  })
  page.on('console', (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text()))
      violations.push(`console: ${message.text()}`)
    else if (message.type() === 'error')
      errors.push(`console: ${message.text()}`)
  })
  page.on('pageerror', error => errors.push(`page: ${error.message}`))
  return { page, violations, errors }
}

const demoOn = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-demo]`).first()
const stepOf = async (page: Page, no: number) => Number(await demoOn(page, no).getAttribute('data-step') ?? 0)
const statusOf = async (page: Page, no: number) => (await page.locator(`[data-slidev-no="${no}"] .demo-status`).first().textContent() ?? '').replace(/\s+/g, ' ')

describe('the built deck under the documented Content-Security-Policy', () => {
  it('documents a strict policy: no unsafe-eval, wasm-unsafe-eval for tfjs', () => {
    expect(policy).not.toMatch(/'unsafe-eval'/)
    expect(policy).toMatch(/script-src [^;]*'wasm-unsafe-eval'/)
    expect(policy).not.toMatch(/script-src [^;]*'unsafe-inline'/)
    expect(policy).toMatch(/object-src 'none'/)
  })

  it('serves every response with it', async () => {
    const response = await fetch(`${server.url}/`)
    expect(response.headers.get('content-security-policy')).toBe(policy)
  })

  it('shows every slide and trains every demo on wasm without a violation', async () => {
    const { page, violations, errors } = await openPage()
    await page.goto(`${server.url}/?backend=wasm#/1`)
    for (const slide of slides) {
      await page.goto(`${server.url}/?backend=wasm#/${slide.no}`)
      await page.locator(`[data-slidev-no="${slide.no}"]`).first().waitFor({ state: 'visible' })
      if (slide.demos.length > 0) {
        await expect.poll(async () => await stepOf(page, slide.no) > 0 || await demoOn(page, slide.no).getAttribute('data-state') === 'done', { timeout: 30_000 }).toBe(true)
        expect(await statusOf(page, slide.no), `slide ${slide.no}`).toMatch(/· wasm\b/)
      }
    }
    await page.waitForTimeout(1000)
    expect(violations).toEqual([])
    expect(errors).toEqual([])
    await page.close()
  })

  it('trains on WebGL, and shows the presenter, overview and print views without a violation', async () => {
    const { page, violations, errors } = await openPage()
    const no = demoSlides[0].no
    await page.goto(`${server.url}/?backend=webgl#/${no}`)
    await expect.poll(() => stepOf(page, no), { timeout: 30_000 }).toBeGreaterThan(0)
    expect(await statusOf(page, no)).toMatch(/· webgl\b/)
    await page.keyboard.press('o')
    await page.waitForTimeout(1500)
    await page.goto(`${server.url}/#/presenter/${no}`)
    await expect.poll(() => page.locator('[data-demo][data-state="running"]').count(), { timeout: 30_000 }).toBeGreaterThan(0)
    await page.goto(`${server.url}/?print=true#print`)
    await page.locator('.slidev-slide-loading').first().waitFor({ state: 'detached', timeout: 60_000 })
    await page.waitForTimeout(1000)
    expect(violations).toEqual([])
    // The software WebGL reports read-back stalls as errors; nothing else may go wrong.
    expect(errors.filter(e => !/GL Driver Message|WebGL/i.test(e))).toEqual([])
    await page.close()
  })
})
