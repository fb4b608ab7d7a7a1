/**
 * `npm run bench -- --startup [--runs n]`: how much later this deck's students' site (`npm run build`) shows its title
 * than a plain Slidev deck with the same number of slides, and how much more it loads. Both are built here (the plain one is generated into
 * .cache/bench-startup/plain/), served from 127.0.0.1 and opened in headless Chromium alternately, each in a fresh browser
 * context (empty cache); the medians over the runs are printed next to each other.
 *
 * Measured in the page: the time from navigation start until slide 1's heading is in the DOM with a size, the
 * JavaScript bytes that had arrived by then, the bytes of every response that ended in the first 6 s on slide 1,
 * and whether TensorFlow.js (its chunks or its wasm binaries) was among them.
 */
import type { Browser } from 'playwright-chromium'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import process from 'node:process'
import { load } from '@slidev/parser/fs'

export interface StartupSample {
  titleMs: number
  jsBytesBeforeTitle: number
  bytesFirst6s: number
  tfjsBytesFirst6s: number
  tfjsFiles: string[]
}

interface Deck {
  name: string
  dist: string
}

const WINDOW_MS = 6000
/** What only TensorFlow.js's code contains (chunk names say little: `dist-*.js`, `selu_util-*.js`). */
const TFJS_MARKERS = /_tfengine|kernelName|WEBGL_VERSION|WASM_HAS_SIMD_SUPPORT|tfjs-backend/

/** File names of the build's TensorFlow.js chunks and wasm binaries. */
function tfjsFiles(dist: string): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory())
        walk(path)
      else if (entry.name.endsWith('.wasm') || (entry.name.endsWith('.js') && TFJS_MARKERS.test(readFileSync(path, 'utf8'))))
        out.push(entry.name)
    }
  }
  walk(join(dist, 'assets'))
  return out
}

async function slideCount(): Promise<number> {
  const root = resolve('.')
  const data = await load({ roots: [root], userRoot: root }, resolve('slides.md'))
  return data.slides.filter(s => !s.frontmatter.hide && !s.frontmatter.disabled).length
}

/** A plain Slidev deck of `count` text slides, with the same theme, fonts policy and routing as this one. */
function writePlainDeck(dir: string, count: number): string {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const head = ['---', 'theme: default', 'title: Plain deck', 'fonts:', '  provider: none', 'routerMode: hash', 'transition: slide-left', 'monaco: false', 'layout: cover', '---', '', '# Plain deck', '', 'A title slide', '']
  const body = Array.from({ length: count - 1 }, (_, i) => ['---', '', `# Slide ${i + 2}`, '', `Some text on slide ${i + 2}, and a list:`, '', '- one', '- two', ''].join('\n'))
  const entry = resolve(dir, 'slides.md')
  writeFileSync(entry, [head.join('\n'), ...body].join('\n'))
  return entry
}

function build(args: string[], log: (line: string) => void): void {
  const started = performance.now()
  const result = spawnSync('npx', ['slidev', 'build', ...args], { encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } })
  if (result.status !== 0)
    throw new Error(`slidev build ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`)
  log(`built ${args.at(-1)} in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

function buildSite(out: string, log: (line: string) => void): void {
  const started = performance.now()
  const result = spawnSync('node', ['scripts/build.mjs', '--no-pdf', '--out', out], { encoding: 'utf8', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } })
  if (result.status !== 0)
    throw new Error(`scripts/build.mjs --no-pdf --out ${out} failed:\n${result.stdout}\n${result.stderr}`)
  log(`built the students' site in ${((performance.now() - started) / 1000).toFixed(0)} s`)
}

async function sample(browser: Browser, url: string, tfjs: string[]): Promise<StartupSample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } })
  const page = await context.newPage()
  await page.addInitScript(() => {
    performance.setResourceTimingBufferSize(100_000)
    const w = window as unknown as { __title?: number }
    // Every change of the DOM is looked at (frame callbacks asked for this early never run in headless Chromium).
    const observer = new MutationObserver(() => {
      const heading = document.querySelector('[data-slidev-no="1"] h1')
      if (heading && heading.textContent?.trim() && heading.getBoundingClientRect().height > 0) {
        w.__title = performance.now()
        observer.disconnect()
      }
    })
    observer.observe(document, { childList: true, subtree: true, characterData: true })
  })
  await page.goto(`${url}/#/1`)
  await page.waitForFunction(() => (window as unknown as { __title?: number }).__title !== undefined, undefined, { timeout: 60_000 })
  const left = await page.evaluate(ms => ms - performance.now(), WINDOW_MS)
  if (left > 0)
    await page.waitForTimeout(left + 200)
  // No helper functions inside: tsx names them with a helper that does not exist in the page.
  const result = await page.evaluate(({ windowMs, tfjs }) => {
    const title = (window as unknown as { __title: number }).__title
    const entries = [...performance.getEntriesByType('navigation'), ...performance.getEntriesByType('resource')] as PerformanceResourceTiming[]
    const out = { titleMs: title, jsBytesBeforeTitle: 0, bytesFirst6s: 0, tfjsBytesFirst6s: 0, tfjsFiles: [] as string[] }
    for (const e of entries) {
      const bytes = e.encodedBodySize || e.transferSize
      const file = e.name.replace(/[?#].*$/, '').replace(/^.*\//, '')
      if (/\.m?js$/.test(file) && e.responseEnd <= title)
        out.jsBytesBeforeTitle += bytes
      if (e.responseEnd <= windowMs) {
        out.bytesFirst6s += bytes
        if (tfjs.includes(file)) {
          out.tfjsBytesFirst6s += bytes
          out.tfjsFiles.push(file)
        }
      }
    }
    return out
  }, { windowMs: WINDOW_MS, tfjs })
  await context.close()
  return result
}

function median(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}
const kb = (bytes: number) => `${(bytes / 1024).toFixed(0)} KB`

/** Builds both decks, measures them alternately `runs` times each; returns the lines of the report (medians, goals). */
export async function startupReport(options: {
  runs: number
  chromiumPath: string
  chromiumArgs: string[]
  /** A static server for a built deck (scripts/bench.ts passes the tests' one). */
  serve: (root: string) => Promise<{ url: string, close: () => Promise<void> }>
  log: (line: string) => void
}): Promise<string[]> {
  const { log } = options
  const count = await slideCount()
  // Not .cache/bench: the other benchmarks build their page there and empty it first.
  const work = resolve('.cache/bench-startup')
  const decks: Deck[] = [
    { name: 'this deck, students\' site', dist: resolve(work, 'deck') },
    { name: `plain Slidev deck, ${count} slides`, dist: resolve(work, 'plain/dist') },
  ]
  // The site students open (`npm run build`: no speaker notes, no presenter view, the offline worker), without the
  // PDF (the bench does not print); the plain deck built the same way by Slidev (it has no notes to leave out).
  buildSite(decks[0].dist, log)
  build([writePlainDeck(resolve(work, 'plain'), count), '--without-notes', '--out', decks[1].dist], log)

  const tfjs = tfjsFiles(decks[0].dist)
  const servers = await Promise.all(decks.map(d => options.serve(d.dist)))
  const { chromium } = await import('playwright-chromium')
  const browser = await chromium.launch({ executablePath: options.chromiumPath, args: options.chromiumArgs })
  const samples: StartupSample[][] = decks.map(() => [])
  try {
    // One warm-up each (the OS file cache, Chromium's first start), then alternate.
    for (const server of servers)
      await sample(browser, server.url, tfjs)
    for (let run = 0; run < options.runs; run++) {
      for (let d = 0; d < decks.length; d++) {
        const s = await sample(browser, servers[d].url, tfjs)
        samples[d].push(s)
        log(`${decks[d].name}, run ${run + 1}: title ${s.titleMs.toFixed(0)} ms, JS before it ${kb(s.jsBytesBeforeTitle)}, first 6 s ${kb(s.bytesFirst6s)} (tfjs ${kb(s.tfjsBytesFirst6s)})`)
      }
    }
  }
  finally {
    await browser.close()
    await Promise.all(servers.map(s => s.close()))
  }

  const rows = decks.map((deck, d) => ({
    deck: deck.name,
    title: median(samples[d].map(s => s.titleMs)),
    js: median(samples[d].map(s => s.jsBytesBeforeTitle)),
    first6: median(samples[d].map(s => s.bytesFirst6s)),
    tfjs: median(samples[d].map(s => s.tfjsBytesFirst6s)),
    files: [...new Set(samples[d].flatMap(s => s.tfjsFiles))],
  }))
  const out: string[] = []
  out.push(`\nStartup, headless Chromium, fresh context per run, medians of ${options.runs} alternating runs (slide 1, 1280x720)`)
  out.push(`${'deck'.padEnd(34)}  ${'title ms'.padStart(9)}  ${'JS before title'.padStart(15)}  ${'first 6 s'.padStart(10)}  ${'tfjs in first 6 s'.padStart(17)}`)
  for (const r of rows)
    out.push(`${r.deck.padEnd(34)}  ${r.title.toFixed(0).padStart(9)}  ${kb(r.js).padStart(15)}  ${kb(r.first6).padStart(10)}  ${kb(r.tfjs).padStart(17)}`)
  const [mine, plain] = rows
  const ratio = mine.title / plain.title
  out.push(`ratio this/plain: title ${ratio.toFixed(2)}x, JS before title ${(mine.js / plain.js).toFixed(2)}x, first 6 s ${(mine.first6 / plain.first6).toFixed(2)}x`)
  out.push(`Goal, title within 1.1x of the plain deck: ${ratio <= 1.1 ? 'met' : 'not met'} (${ratio.toFixed(2)}x)`)
  out.push(`Goal, no TensorFlow.js in the first 6 s on slide 1: ${mine.tfjs === 0 ? 'met' : `not met (${kb(mine.tfjs)}: ${mine.files.slice(0, 6).join(', ')}${mine.files.length > 6 ? ', ...' : ''})`}`)
  return out
}
