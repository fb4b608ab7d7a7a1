// The training core in headless Chromium: WebGL and wasm give the same numbers as the cpu backend.
import type { Browser } from 'playwright-chromium'
import type { BackendRun } from './core-page/main'
import type { StaticServer } from './serve'
import { resolve } from 'node:path'
import { chromium } from 'playwright-chromium'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { chromiumArgs } from '../../scripts/chromium.mjs'
import { chromiumPath } from './deck'
import { serveStatic } from './serve'

let server: StaticServer
let browser: Browser
let runs: BackendRun[]
const foreign: string[] = []

beforeAll(async () => {
  const outDir = resolve('.cache/test/core-page')
  await build({ root: resolve('test/e2e/core-page'), base: './', logLevel: 'warn', build: { outDir, emptyOutDir: true } })
  server = await serveStatic(outDir)
  browser = await chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs })
  const page = await browser.newPage()
  page.on('request', (request) => {
    if (!request.url().startsWith(server.url) && !request.url().startsWith('data:'))
      foreign.push(request.url())
  })
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  await page.goto(`${server.url}/index.html`)
  runs = await page.evaluate(() => window.__core!)
  expect(errors).toEqual([])
})

afterAll(async () => {
  await browser?.close()
  await server?.close()
})

function maxRelativeGap(a: number[], b: number[]): number {
  const scale = Math.max(...b.map(Math.abs))
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]) / scale))
}

describe('the training core in Chromium', () => {
  it('starts the backends it is asked for, with the wasm binaries served locally', () => {
    expect(runs.map(r => r.active)).toEqual(['cpu', 'webgl', 'wasm'])
    expect(foreign).toEqual([])
  })

  it.each(['webgl', 'wasm'])('%s agrees with cpu within 1e-4 relative on a short run', (name) => {
    const cpu = runs.find(r => r.requested === 'cpu')!
    const other = runs.find(r => r.requested === name)!
    expect(maxRelativeGap(other.ridgeWeights, cpu.ridgeWeights)).toBeLessThan(1e-4)
    expect(maxRelativeGap(other.adamwWeights, cpu.adamwWeights)).toBeLessThan(1e-4)
    expect(maxRelativeGap(other.adamwLoss, cpu.adamwLoss)).toBeLessThan(1e-4)
  })

  it('leaves no tensor behind on any backend', () => {
    for (const run of runs)
      expect(run.tensorsLeft, run.requested).toBe(0)
  })
})
