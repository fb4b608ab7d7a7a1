// Presenting: the presenter window and the projector window (two pages of one browser context) show one run, on
// the built deck and on the dev server; every text in a demo is readable from the back row; a printed demo shows
// the configuration it ran instead of its controls.
import type { ChildProcess } from 'node:child_process'
import type { Browser, BrowserContext, Page } from 'playwright-chromium'
import type { StaticServer } from './serve'
import { spawn } from 'node:child_process'
import process from 'node:process'
import { chromium } from 'playwright-chromium'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath, deckDist, sourceSlides } from './deck'
import { serveStatic } from './serve'

const slides = await sourceSlides()
const demoSlides = slides.filter(s => s.demos.length > 0)
// Rotational equilibrium: a long run (40 000 steps) in short checkpoints, two sliders and an optimizer choice.
const equilibrium = slides.find(s => s.demos.includes('equilibrium-sgd'))!.no

let browser: Browser
let server: StaticServer
beforeAll(async () => {
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
  server = await serveStatic(deckDist())
})
afterAll(async () => {
  await browser?.close()
  await server?.close()
})

/** The demo of the slide (the presenter's main pane holds the current slide; its preview, the next one). */
const demo = (page: Page) => page.locator(`[data-slidev-no="${equilibrium}"] .demo-shell`).first()
const stepOf = async (page: Page) => Number(await demo(page).getAttribute('data-step'))
/** Checkpoints passed: equal in two windows exactly when they show the same frame of the same run. */
const checkpointOf = async (page: Page) => Number(await demo(page).getAttribute('data-checkpoint'))
const stateOf = (page: Page) => demo(page).getAttribute('data-state')
/** The first slider's value as shown (η of the chosen optimizer). */
const sliderText = (page: Page) => demo(page).locator('.demo-slider').first().locator('strong').textContent()
const seedOf = (page: Page) => demo(page).locator('.demo-seed input').inputValue()

/** What the windows show, for a failure's message. */
let windows: Page[] = []
async function shown(): Promise<string> {
  const parts = await Promise.all(windows.map(async page => page.isClosed() ? 'closed' : `${await stateOf(page)}@${await stepOf(page)} ${await demo(page).getAttribute('data-sync')} checkpoint ${await demo(page).getAttribute('data-checkpoint')}`))
  return parts.join(', ')
}

/** Milliseconds until `check` holds (polled every 20 ms), or a failure after `ms`. */
async function within(ms: number, what: string, check: () => Promise<boolean>): Promise<number> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > ms)
      throw new Error(`not within ${ms} ms: ${what} (windows: ${await shown()})`)
    await new Promise(resolve => setTimeout(resolve, 20))
  }
  return Date.now() - start
}

async function click(page: Page, selector: string) {
  await demo(page).locator(selector).click()
}

/** Moves the first slider of the demo to `position` of its track, as a drag would. */
async function slide(page: Page, position: number) {
  await demo(page).locator('input[type="range"]').first().evaluate((input: HTMLInputElement, value) => {
    input.value = String(value)
    input.dispatchEvent(new Event('input', { bubbles: true }))
    input.dispatchEvent(new Event('change', { bubbles: true }))
  }, position)
}

/** Two windows of one browser, as a lecturer opens them: the audience view and the presenter view, on the demo. */
async function present(base: string): Promise<{ context: BrowserContext, audience: Page, presenter: Page }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  const audience = await context.newPage()
  const presenter = await context.newPage()
  await audience.goto(`${base}/#/${equilibrium}`)
  await presenter.goto(`${base}/#/presenter/${equilibrium}`)
  windows = [presenter, audience]
  for (const page of [audience, presenter])
    await within(60_000, 'the demo to train', async () => await stepOf(page) > 0)
  return { context, audience, presenter }
}

/** The checks of the issue, both ways; returns the latencies measured (ms). */
async function checkOneRun(base: string): Promise<Record<string, number>> {
  const { context, audience, presenter } = await present(base)
  const latency: Record<string, number> = {}
  try {
    // A slider moved in the presenter reaches the projector.
    await slide(presenter, 30)
    const eta = await sliderText(presenter)
    expect(eta).not.toBe('0.1')
    latency.slider = await within(1000, 'the slider on the projector', async () => await sliderText(audience) === eta)

    // Pause in the presenter: the projector pauses too, at the same step.
    await click(presenter, '.demo-play')
    latency.pause = await within(1000, 'the projector to pause', async () => await stateOf(audience) === 'paused')
    await within(10_000, 'equal steps', async () => await checkpointOf(audience) === await checkpointOf(presenter))
    const paused = await checkpointOf(presenter)
    await audience.waitForTimeout(300)
    expect([await checkpointOf(presenter), await checkpointOf(audience)]).toEqual([paused, paused])
    expect(await stepOf(audience)).toBe(await stepOf(presenter))
    expect(await demo(audience).getAttribute('data-metric')).toBe(await demo(presenter).getAttribute('data-metric'))

    // Step on the projector (the other way): both advance, to the same step.
    await click(audience, '.demo-step')
    latency.step = await within(1000, 'the presenter to step', async () => await checkpointOf(presenter) > paused)
    await within(10_000, 'equal steps after Step', async () => await checkpointOf(audience) === await checkpointOf(presenter))
    expect(await stepOf(audience)).toBe(await stepOf(presenter))

    // The optimizer chosen in the presenter: the projector shows the same choice and the same run.
    await demo(presenter).getByRole('radio', { name: 'AdamW' }).check()
    latency.choice = await within(1000, 'the choice on the projector', async () => await demo(audience).getByRole('radio', { name: 'AdamW' }).isChecked())
    await within(10_000, 'the AdamW run in both', async () => await demo(audience).getAttribute('data-demo') === 'equilibrium-adamw')

    // Play on the projector, a new seed in the presenter, Reset on the projector.
    await click(audience, '.demo-play')
    latency.play = await within(1000, 'the presenter to play', async () => await stateOf(presenter) === 'running')
    await demo(presenter).locator('.demo-seed input').fill('5')
    await demo(presenter).locator('.demo-seed input').blur()
    latency.seed = await within(1000, 'the seed on the projector', async () => await seedOf(audience) === '5')
    await within(60_000, 'a few steps', async () => await stepOf(audience) > 1000)
    const before = await stepOf(audience)
    await click(audience, '.demo-reset')
    latency.reset = await within(1000, 'the presenter to start again', async () => await stepOf(presenter) < before)

    // Both pause; a window opened now shows the same state: slider, seed, paused, step, curves.
    await within(60_000, 'the new run to draw', async () => await stepOf(presenter) > 1000)
    await click(presenter, '.demo-play')
    await within(1000, 'both paused', async () => await stateOf(audience) === 'paused')
    await within(10_000, 'equal steps', async () => await checkpointOf(audience) === await checkpointOf(presenter))
    const late = await context.newPage()
    windows.push(late)
    await late.goto(`${base}/#/${equilibrium}`)
    const metric = await demo(presenter).getAttribute('data-metric')
    expect(metric).not.toBeNull()
    await within(60_000, 'the late window to catch up', async () =>
      await stateOf(late) === 'paused' && await checkpointOf(late) === await checkpointOf(presenter) && await demo(late).getAttribute('data-metric') === metric)
    expect(await demo(late).getByRole('radio', { name: 'AdamW' }).isChecked()).toBe(true)
    expect(await sliderText(late)).toBe(await sliderText(presenter))
    expect(await seedOf(late)).toBe('5')
    return latency
  }
  finally {
    await context.close()
  }
}

describe('presenter and projector', () => {
  it('show one run on the built deck: controls, play/pause, step, reset and seed reach the other window', async () => {
    const latency = await checkOneRun(server.url)
    console.log(`sync latency on the built deck (ms): ${JSON.stringify(latency)}`)
  })

  it('show one run on the dev server, and a window opened late catches up', async () => {
    const port = 3100 + Math.floor(Math.random() * 800)
    const dev: ChildProcess = spawn('npx', ['slidev', '--port', String(port), '--open=false'], { stdio: 'pipe', detached: true, env: { ...process.env } })
    try {
      await within(120_000, 'the dev server', async () => {
        try {
          return (await fetch(`http://localhost:${port}/`)).ok
        }
        catch {
          return false
        }
      })
      const latency = await checkOneRun(`http://localhost:${port}`)
      console.log(`sync latency on the dev server (ms): ${JSON.stringify(latency)}`)
    }
    finally {
      if (dev.pid)
        process.kill(-dev.pid)
    }
  }, 300_000)
})

describe('reading from the back row', () => {
  it('sizes every text inside every demo at 2 % of the slide height or more (14.4 px at 1280x720)', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    const small: string[] = []
    try {
      for (const s of demoSlides) {
        await page.goto(`${server.url}/#/${s.no}`)
        await page.locator(`[data-slidev-no="${s.no}"] [data-demo]`).first().waitFor()
        // Let it draw: ticks, legends and readouts appear with the first frames.
        await within(30_000, 'the first frames', async () => Number(await page.locator(`[data-slidev-no="${s.no}"] [data-demo]`).first().getAttribute('data-step')) > 0)
        const found = await page.evaluate((no) => {
          const slideBox = document.querySelector(`[data-slidev-no="${no}"]`)!.getBoundingClientRect()
          const least = slideBox.height * 0.02
          const out: string[] = []
          for (const root of Array.from(document.querySelectorAll(`[data-slidev-no="${no}"] .demo-shell`))) {
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT)
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
              const text = node.textContent?.trim()
              const element = node.parentElement
              // Tooltips (an SVG <title>) and KaTeX's MathML copy are not drawn.
              if (!text || !element || element.closest('.katex-mathml, title, desc'))
                continue
              const style = getComputedStyle(element)
              if (style.visibility === 'hidden' || style.display === 'none')
                continue
              // Rendered size: the font size times the scale between the element's space and the screen.
              let scale: number
              if (element instanceof SVGElement) {
                const m = ((element.closest('text') ?? element.ownerSVGElement) as SVGGraphicsElement).getScreenCTM()!
                scale = Math.hypot(m.a, m.b)
              }
              else {
                if (!element.offsetWidth)
                  continue
                scale = element.getBoundingClientRect().width / element.offsetWidth
              }
              const size = Number.parseFloat(style.fontSize) * scale
              if (size < least - 0.05)
                out.push(`${size.toFixed(1)} px < ${least.toFixed(1)} px: "${text.slice(0, 30)}"`)
            }
          }
          return out
        }, s.no)
        small.push(...found.map(f => `slide ${s.no} (${s.demos[0]}): ${f}`))
      }
    }
    finally {
      await page.close()
    }
    expect(small).toEqual([])
  }, 600_000)
})

describe('print mode', () => {
  it('shows, in place of each demo\'s controls, one line with the configuration it runs', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 720 } })
    try {
      await page.goto(`${server.url}/?print=true#print`)
      await within(60_000, 'every demo', async () => await page.locator('.demo-shell').count() === demoSlides.length)
      for (const shell of await page.locator('.demo-shell').all()) {
        const id = await shell.getAttribute('data-demo')
        expect(await shell.locator('button, input, select, .demo-status, .demo-notice').count(), `${id}: controls on paper`).toBe(0)
        await expect.poll(() => shell.locator('.demo-config').textContent(), { timeout: 10_000 }).toMatch(/^\s*Ran with \S.*/)
      }
    }
    finally {
      await page.close()
    }
  })
})
