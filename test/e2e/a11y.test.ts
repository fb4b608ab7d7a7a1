// Keyboard, screen readers and reduced motion on the student site under its base path: a focused control keeps its
// keys (the slide stays), Escape hands them back to the deck, a demo is operated by keyboard alone with a visible
// focus ring, the live region says changes of state only, every plot states its figures once the run settles, and
// with reduced motion the demos wait for Play and the slides change without a transition.
import type { Browser, BrowserContextOptions, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { writeFileSync } from 'node:fs'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, shotsDir, siteBase, siteDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoSlides = slides.filter(s => s.demos.length > 0)
const ridge = slides.find(s => s.demos.includes('ridge-gd'))!
// A long run (40 000 steps): still running while a test presses its buttons or listens to it for seconds.
const equilibrium = slides.find(s => s.demos.includes('equilibrium-sgd'))!
const network = slides.find(s => s.demos.includes('network-lambda-grid'))!
const geometry = slides.find(s => s.demos.includes('l1-l2-geometry'))!
const shots = shotsDir()

let server: StaticServer
let browser: Browser

beforeAll(async () => {
  server = await serveStatic(siteDist(), {}, siteBase())
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

async function open(no: number, options: BrowserContextOptions = {}): Promise<{ page: Page, errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, ...options })
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  await page.goto(`${server.url}/#/${no}`)
  await page.locator(`[data-slidev-no="${no}"] [data-demo]`).first().waitFor({ timeout: 30_000 })
  return { page, errors }
}

const demoOf = (page: Page, no: number) => page.locator(`[data-slidev-no="${no}"] [data-demo]`).first()
const slideNo = (page: Page) => Number(new URL(page.url()).hash.replace('#/', ''))
/** A short description of the focused element: its tag, class and label. */
const focused = (page: Page) => page.evaluate(`(() => { const e = document.activeElement; return e ? [e.tagName.toLowerCase(), e.className, e.getAttribute('aria-label') ?? e.textContent.trim()].join('|') : '' })()`) as Promise<string>

/** Presses Tab until `selector` (in the slide's demo) has focus; fails after `limit` presses. */
async function tabTo(page: Page, no: number, selector: string, limit = 60) {
  const target = demoOf(page, no).locator(selector).first()
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press('Tab')
    if (await target.evaluate(e => e === document.activeElement))
      return
  }
  throw new Error(`Tab never reached ${selector} (focus: ${await focused(page)})`)
}

describe('keyboard', () => {
  it('keeps an arrow key on a focused slider in the slider; Escape hands the keys back to the deck', async () => {
    expect(ridge.content, 'a slide without clicks, so that ArrowRight goes to the next slide').not.toMatch(/v-click/)
    // In dark mode: the focus ring is light there.
    const { page, errors } = await open(ridge.no, { colorScheme: 'dark' })
    const slider = demoOf(page, ridge.no).locator('.demo-slider input[type="range"]').first()
    await tabTo(page, ridge.no, '.demo-slider input[type="range"]')
    expect(await slider.evaluate(e => [getComputedStyle(e).outlineStyle, getComputedStyle(e).outlineColor])).toEqual(['solid', 'rgb(147, 197, 253)'])
    await page.screenshot({ path: `${shots}/keyboard-focus-dark.png` })
    const before = await slider.inputValue()
    await page.keyboard.press('ArrowRight')
    await page.waitForTimeout(500)
    expect(await slider.inputValue()).not.toBe(before)
    expect(slideNo(page), 'the slide stays').toBe(ridge.no)
    expect(await slider.evaluate(e => e === document.activeElement), 'the slider keeps the keyboard').toBe(true)
    // Keyboard changes go on (Home, End, PageUp): still on the slider, still on the slide.
    await page.keyboard.press('End')
    await page.keyboard.press('PageDown')
    await page.keyboard.press('ArrowLeft')
    await page.waitForTimeout(300)
    expect(slideNo(page)).toBe(ridge.no)
    await page.keyboard.press('Escape')
    expect(await focused(page)).toMatch(/^body\|/)
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => slideNo(page)).toBe(ridge.no + 1)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('operates a demo by keyboard alone: every control in order, a visible focus ring, Play, Step and Reset', async () => {
    const { page, errors } = await open(equilibrium.no)
    const demo = demoOf(page, equilibrium.no)
    await expect.poll(() => demo.getAttribute('data-state'), { timeout: 30_000 }).toBe('running')
    // Every control of the demo in document order: one stop per radio group, none for a disabled control.
    const expected = await demo.evaluate((root) => {
      const groups = new Set<string>()
      return [...root.querySelectorAll<HTMLInputElement>('input, select, button, a[href], textarea, [tabindex]')].filter((e) => {
        if (e.disabled || e.tabIndex < 0 || e.getClientRects().length === 0)
          return false
        if (e.type === 'radio' && groups.has(e.name))
          return false
        groups.add(e.name)
        return true
      }).length
    })
    const order: string[] = []
    await tabTo(page, equilibrium.no, 'input, select, button')
    for (let i = 0; i < 40 && order.length < expected; i++) {
      const inside = await demo.evaluate(e => e.contains(document.activeElement))
      if (inside) {
        order.push(await focused(page))
        const ring = await page.evaluate(`(() => { const s = getComputedStyle(document.activeElement); return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor, document.activeElement.matches(':focus-visible')] })()`) as [string, number, string, boolean]
        expect(ring[3], `${order.at(-1)}: focus-visible`).toBe(true)
        expect(ring[0], `${order.at(-1)}: outline style`).toBe('solid')
        expect(ring[1], `${order.at(-1)}: outline width`).toBeGreaterThanOrEqual(2)
      }
      await page.keyboard.press('Tab')
    }
    expect(order.length, `controls reached by Tab: ${order.join(', ')}`).toBe(expected)
    await page.screenshot({ path: `${shots}/keyboard-focus.png` })

    await tabTo(page, equilibrium.no, '.demo-play')
    await page.keyboard.press('Space')
    await expect.poll(() => demo.getAttribute('data-state')).toBe('paused')
    await page.screenshot({ path: `${shots}/keyboard-paused.png` })
    expect(await demo.locator('.demo-play').evaluate(e => e === document.activeElement), 'Pause keeps the focus').toBe(true)
    await page.keyboard.press('Enter')
    await expect.poll(() => demo.getAttribute('data-state')).toBe('running')
    await page.keyboard.press('Tab')
    expect(await focused(page)).toMatch(/demo-step/)
    await page.keyboard.press('Enter')
    await expect.poll(() => demo.getAttribute('data-state')).toBe('paused')
    await page.waitForTimeout(300)
    const stepped = Number(await demo.getAttribute('data-step'))
    await page.keyboard.press('Enter')
    await expect.poll(async () => Number(await demo.getAttribute('data-step'))).toBeGreaterThan(stepped)
    await page.keyboard.press('Tab')
    expect(await focused(page)).toMatch(/demo-reset/)
    const before = Number(await demo.getAttribute('data-step'))
    await page.keyboard.press('Enter')
    await expect.poll(async () => await demo.getAttribute('data-state') === 'running' && Number(await demo.getAttribute('data-step')) < before + 2000).toBe(true)
    expect(slideNo(page), 'no key moved the deck').toBe(equilibrium.no)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('moves the geometry demo\'s loss minimum from the keyboard, into the address', async () => {
    const { page, errors } = await open(geometry.no)
    const plot = demoOf(page, geometry.no).locator('svg.contour-area[tabindex="0"]')
    await tabTo(page, geometry.no, 'svg.contour-area[tabindex="0"]')
    expect(await plot.evaluate(e => [getComputedStyle(e).outlineStyle, e.matches(':focus-visible')])).toEqual(['solid', true])
    // c starts at (2, 0.5): 0.1 per arrow key, 0.5 with Shift.
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Shift+ArrowDown')
    await expect.poll(() => new URL(page.url()).searchParams.get('l1-l2-geometry.cx')).toBe('2.1')
    await expect.poll(() => new URL(page.url()).searchParams.get('l1-l2-geometry.cy')).toBe('0')
    // An SVG element, not an HTML one: its keys stay with it all the same (setup/keyboard.ts).
    expect(slideNo(page), 'the slide stays').toBe(geometry.no)
    await page.screenshot({ path: `${shots}/keyboard-geometry.png` })
    await page.keyboard.press('Escape')
    expect(await focused(page)).toMatch(/^body\|/)
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => slideNo(page)).toBe(geometry.no + 1)
    expect(errors).toEqual([])
    await page.context().close()
  })

  it('adds and removes a training point of the network demo from the keyboard, into the address', async () => {
    const { page, errors } = await open(network.no)
    const demo = demoOf(page, network.no)
    const field = demo.locator('.field-row-stage[tabindex="0"]')
    await tabTo(page, network.no, '.field-row-stage[tabindex="0"]')
    expect(await field.evaluate(e => [getComputedStyle(e).outlineStyle, e.matches(':focus-visible')])).toEqual(['solid', true])
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Shift+ArrowUp')
    expect(await field.getAttribute('aria-label')).toMatch(/cursor at x₁ = \S+, x₂ = \S+\.$/)
    await page.screenshot({ path: `${shots}/keyboard-network-cursor.png` })
    await page.keyboard.press('Enter')
    // One point of the chosen class (1) at the cursor (a class and two coordinates): a parameter, so in the address.
    await expect.poll(() => new URL(page.url()).searchParams.get('network-lambda-grid.points')).toMatch(/^1.{2}$/)
    expect(slideNo(page), 'the slide stays').toBe(network.no)
    await page.keyboard.press('Delete')
    await expect.poll(() => new URL(page.url()).searchParams.get('network-lambda-grid.points') ?? '').toBe('')
    await page.keyboard.press('Escape')
    expect(await focused(page)).toMatch(/^body\|/)
    expect(slideNo(page)).toBe(network.no)
    expect(errors).toEqual([])
    await page.context().close()
  })
})

describe('screen readers', () => {
  it('hears the live region only on changes of state, in state words', async () => {
    const { page } = await open(equilibrium.no)
    const demo = demoOf(page, equilibrium.no)
    await demo.locator('.demo-announce').waitFor({ state: 'attached' })
    expect(await demo.locator('[aria-live]:not([aria-live="off"]), [role="status"], [role="log"]').count(), 'one live region (no link notice here)').toBe(1)
    await page.evaluate(`(() => {
      const region = document.querySelector('[data-slidev-no="${equilibrium.no}"] [data-demo] .demo-announce')
      window.__said = []
      new MutationObserver(() => window.__said.push(region.textContent.trim())).observe(region, { childList: true, characterData: true, subtree: true })
    })()`)
    const start = Number(await demo.getAttribute('data-step'))
    await page.waitForTimeout(5000)
    const said = await page.evaluate('window.__said') as string[]
    expect(Number(await demo.getAttribute('data-step')), 'the demo ran meanwhile').toBeGreaterThan(start)
    expect(said.length, `said: ${JSON.stringify(said)}`).toBeLessThanOrEqual(3)
    await demo.locator('.demo-play').click()
    await expect.poll(() => demo.locator('.demo-announce').textContent()).toMatch(/^\s*Paused at step \d+ of \d+\.\s*$/)
    for (const text of [...said, await demo.locator('.demo-announce').textContent() ?? ''])
      expect(text).toMatch(/^\s*$|training|paused|finished|diverged|error/i)
    await page.context().close()
  })

  it('gives every plot of every demo a text alternative with its figures once the run pauses or finishes', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
    const page = await context.newPage()
    await page.goto(`${server.url}/#/1`)
    await page.locator('[data-slidev-no="1"] .slidev-layout').waitFor({ timeout: 30_000 })
    const sentences: string[] = []
    for (const slide of demoSlides) {
      await page.evaluate(`location.hash = '#/${slide.no}'`)
      const demo = demoOf(page, slide.no)
      await demo.waitFor({ timeout: 30_000 })
      await expect.poll(async () => Number(await demo.getAttribute('data-step')), { timeout: 60_000 }).toBeGreaterThan(0)
      // A couple of seconds of the run: the plots have data by then.
      await page.waitForTimeout(2000)
      if (await demo.getAttribute('data-state') === 'running')
        await demo.locator('.demo-play').click()
      await expect.poll(() => demo.getAttribute('data-state'), { timeout: 30_000 }).toMatch(/paused|done|diverged/)
      const figures = demo.locator('.plot-figure')
      const count = await figures.count()
      expect(count, `slide ${slide.no}: plots`).toBeGreaterThan(0)
      for (let i = 0; i < count; i++) {
        const labels = () => figures.nth(i).locator('[aria-label]').evaluateAll(es => es.map(e => e.getAttribute('aria-label') ?? ''))
        // A figure in what the plot shows (after its title's colon), not only in its axis names.
        await expect.poll(async () => (await labels()).some(l => /: .*\d/.test(l)), { timeout: 5000, message: `slide ${slide.no}, plot ${i + 1}: ${(await labels()).join(' | ')}` }).toBe(true)
        sentences.push(`${slide.demos.join(', ')} (slide ${slide.no}), plot ${i + 1}: ${(await labels()).join(' | ')}`)
      }
    }
    writeFileSync(`${shots}/plot-sentences.txt`, `${sentences.join('\n')}\n`)
    await context.close()
  })
})

describe('reduced motion', () => {
  /** Durations of the slide transitions that run when ArrowRight leaves slide `no`. */
  async function transitionsLeaving(page: Page, no: number): Promise<string[]> {
    await page.evaluate(`(() => {
      window.__transitions = []
      new MutationObserver((records) => {
        for (const r of records) {
          const e = r.target
          if (e instanceof Element && /-(enter|leave)-active/.test(e.className))
            window.__transitions.push(getComputedStyle(e).transitionDuration)
        }
      }).observe(document.body, { attributes: true, attributeFilter: ['class'], subtree: true })
    })()`)
    await page.keyboard.press('ArrowRight')
    await expect.poll(() => slideNo(page)).toBe(no + 1)
    await page.waitForTimeout(1000)
    return await page.evaluate('window.__transitions') as string[]
  }

  it('keeps a demo waiting for Play, and changes slides without a transition', async () => {
    const { page, errors } = await open(ridge.no, { reducedMotion: 'reduce' })
    const demo = demoOf(page, ridge.no)
    await page.waitForTimeout(3000)
    expect(await demo.getAttribute('data-state')).toMatch(/idle|paused/)
    expect(await demo.getAttribute('data-step')).toBe('0')
    expect(await demo.locator('.demo-status').textContent()).toMatch(/press Play/)
    await page.screenshot({ path: `${shots}/reduced-motion-waiting.png` })
    await tabTo(page, ridge.no, '.demo-play')
    await page.keyboard.press('Enter')
    await expect.poll(async () => Number(await demo.getAttribute('data-step')), { timeout: 30_000 }).toBeGreaterThan(0)
    await page.keyboard.press('Escape')
    const durations = await transitionsLeaving(page, ridge.no)
    expect(durations.every(d => /^0s(?:, 0s)*$/.test(d)), `durations: ${durations.join('; ')}`).toBe(true)
    expect(errors).toEqual([])
    await page.context().close()

    // The same move without the preference: the check above would see a transition.
    const normal = await open(ridge.no)
    expect((await transitionsLeaving(normal.page, ridge.no)).some(d => !/^0s(?:, 0s)*$/.test(d))).toBe(true)
    await normal.page.context().close()
  })
})
