/**
 * `npm run bench [-- --quick] [--node-only | --browser-only]`
 * `npm run bench -- --startup [--runs n]`: time to the title, JS before it and bytes in the first 6 s, against a plain
 * Slidev deck with as many slides (src/bench/startup.ts).
 * `npm run bench -- --corners[=id,id] [--cap seconds]`: each experiment's live run in headless Chromium, to the end,
 * at its defaults and at the worst corner of its declared bounds (time to finish, worst frame).
 * Model-steps per second of the training core's small steps on every tfjs backend this machine has: cpu and wasm
 * in Node, then webgl, wasm and cpu in headless Chromium (a page built from bench/ with Vite). Each figure sits next
 * to a plain Float64Array version of the same math measured in the same process, and the kernels one step dispatches.
 * Prints the goals as met / not met; asserts nothing.
 */
import type { BenchReport, CaseResult } from '../src/bench/cases'
import os from 'node:os'
import { resolve } from 'node:path'
import process from 'node:process'
import { serveStatic } from '../test/e2e/serve'
import { chromiumArgs, ensureBrowserTools } from './chromium.mjs'

interface Options {
  quick: boolean
  /** `--mlp [--json]`: the small-MLP frames only (src/bench/mlp.ts). */
  mlp?: 'table' | 'json'
  /** Experiment ids for --corners ('' = all), or undefined. */
  corners?: string
  /** `--startup [--runs n]`: this deck's start against a plain Slidev deck (src/bench/startup.ts). */
  startup?: number
  cap: number
  node: boolean
  browser: boolean
}

function parseArgs(argv: string[]): Options {
  const options: Options = { quick: false, node: true, browser: true, cap: 120 }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '--quick')
      options.quick = true
    else if (arg === '--mlp' || arg === '--json')
      options.mlp = arg === '--json' || options.mlp === 'json' ? 'json' : 'table'
    else if (arg === '--corners' || arg.startsWith('--corners='))
      options.corners = arg.split('=')[1] ?? ''
    else if (arg === '--cap')
      options.cap = Number(argv[++i])
    else if (arg === '--startup')
      options.startup ??= 9
    else if (arg === '--runs')
      options.startup = Number(argv[++i])
    else if (arg === '--node-only')
      options.browser = false
    else if (arg === '--browser-only')
      options.node = false
    else
      throw new Error(`unknown option '${arg}' (use --quick, --node-only, --browser-only, --corners[=ids], --cap s, --startup [--runs n])`)
  }
  if (options.corners !== undefined)
    options.node = false
  if (!options.node && !options.browser)
    throw new Error('--node-only and --browser-only exclude each other')
  return options
}

interface Section {
  title: string
  report: BenchReport
}

async function nodeBench(options: Options): Promise<Section> {
  // Loaded here so that `--browser-only` never starts tfjs in this process. The MLP case needs autodiff, and
  // tfjs-core's own gradient registration is ESM that plain Node cannot load; the union package's Node bundle
  // registers the same gradients (one global registry).
  await import('@tensorflow/tfjs')
  const { runSuite } = await import('../src/bench/cases')
  const log = (line: string) => console.log(`  [node] ${line}`)
  if (options.mlp)
    return { title: 'Node', report: { environment: `Node ${process.version}`, results: [], unavailable: [], mlp: await (await import('../src/bench/mlp')).runMlpBench(['wasm', 'cpu'], { quick: options.quick, log }) } }
  const report = await runSuite(`Node ${process.version}`, ['cpu', 'wasm'], { quick: options.quick, log })
  return { title: 'Node', report }
}

async function browserBench(options: Options): Promise<Section> {
  const chromiumPath = ensureBrowserTools()
  if (!chromiumPath)
    throw new Error('no Chromium found')

  const { build } = await import('vite')
  const outDir = resolve('.cache/bench')
  await build({
    root: resolve('bench'),
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: { outDir, emptyOutDir: true, chunkSizeWarningLimit: 10_000, reportCompressedSize: false },
  })

  const server = await serveStatic(outDir)
  const { chromium } = await import('playwright-chromium')
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  try {
    // From the browser itself: `chromium --version` through Debian's wrapper script prints noise on stderr.
    console.log(`Chromium: ${browser.version()} (${chromiumPath}, headless)`)
    const page = await browser.newPage()
    const outside: string[] = []
    // Everything the page needs is on 127.0.0.1, the wasm binaries included: refuse the rest, and say so.
    await page.route('**/*', (route) => {
      const url = route.request().url()
      if (url.startsWith(server.url))
        return route.continue()
      outside.push(url)
      return route.abort()
    })
    const errors: string[] = []
    page.on('pageerror', error => errors.push(error.message))
    let stalls = 0
    page.on('console', (message) => {
      // SwiftShader reports every read-back as a "GPU stall"; count those rather than print them.
      if (/GL Driver Message/.test(message.text()))
        stalls++
      else if (message.type() === 'error' || message.type() === 'warning')
        console.log(`  [chromium ${message.type()}] ${message.text()}`)
    })
    await page.exposeFunction('__benchLog', (line: string) => console.log(`  [chromium] ${line}`))
    const corners = options.mlp ? '&mlp=1' : options.corners === undefined ? '' : `&corners=${options.corners}&cap=${options.cap}`
    await page.goto(`${server.url}/index.html?quick=${options.quick ? 1 : 0}${corners}`)
    const report = await page.evaluate(() => window.__bench!)
    if (stalls > 0)
      console.log(`  [chromium] ${stalls} WebGL driver messages (read-back stalls) not shown`)
    if (errors.length > 0)
      console.log(`Page errors: ${errors.join('; ')}`)
    if (outside.length > 0)
      console.log(`Refused requests outside 127.0.0.1: ${outside.join(', ')}`)
    return { title: `Chromium ${browser.version()}`, report }
  }
  finally {
    await browser.close()
    await server.close()
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Printing.

function rate(value: number): string {
  if (!Number.isFinite(value))
    return '-'
  if (value >= 1e6)
    return `${(value / 1e6).toFixed(2)}M`
  if (value >= 1e3)
    return `${(value / 1e3).toFixed(value >= 1e5 ? 0 : 1)}k`
  return value.toFixed(0)
}

const times = (value: number) => Number.isFinite(value) ? `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x` : '-'

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map(row => row[c].length)))
  // Text left, numbers right.
  const line = (row: string[]) => row.map((cell, c) => c < 3 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])).join('  ')
  return [line(rows[0]), widths.map(w => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n')
}

function printSection({ title, report }: Section, options: Options): void {
  console.log(`\n${title}: ${report.environment}`)
  if (report.results.length > 0)
    printCases(report)
  printCorners(report)
  if (report.demos?.length)
    printDemos(report, options)
}

function printCases(report: BenchReport): void {
  console.log('model-steps/s = steps x B per second, median of the timed blocks; plain JS = Float64Array loops, same B, same process,')
  console.log('timed in alternation with tfjs; tfjs/plain = median of the block-by-block ratios;')
  console.log('vs plain = max |w_tfjs - w_plain| / max |w_plain| after 20 steps from the same start (float32 vs float64)')
  const rows = [['case', 'B', 'backend', 'tfjs', 'plain JS', 'tfjs/plain', 'kernels/step', 'vs plain', 'tensors']]
  for (const r of report.results) {
    const tensors = r.error ? `error: ${r.error}` : r.growth === 0 && r.leaked === 0 ? 'flat' : `+${r.growth} in loop, ${r.leaked} left`
    rows.push([r.label, String(r.runs), r.backendLabel, rate(r.core), rate(r.plain), times(r.ratio), String(r.kernels), r.mismatch.toExponential(0), tensors])
  }
  console.log(table(rows))
  for (const missing of report.unavailable)
    console.log(`unavailable: ${missing}`)
}

function printCorners(report: BenchReport): void {
  if (report.corners?.length) {
    console.log('\nLive runs to the end in headless Chromium (run control, budget 8 ms per frame), at the defaults and at the worst')
    console.log('corner of the declared bounds (every parameter with a declared cost at its costly end)')
    const cornerRows = [['demo', 'config', 'backend', 'seconds', 'done', 'worst frame ms', 'after start-up', 'p95 ms', 'corner']]
    for (const c of report.corners) {
      const differs = c.which === 'default' ? '' : Object.entries(c.config).filter(([k, v]) => v !== report.corners!.find(d => d.id === c.id && d.which === 'default')?.config[k]).map(([k, v]) => `${k}=${v}`).join(' ')
      cornerRows.push([c.id, c.which, c.error ? `${c.backend}, error: ${c.error}` : c.backend, c.seconds.toFixed(1), `${Math.round(100 * c.progress)}%`, c.max.toFixed(0), `${(c.afterStart ?? Number.NaN).toFixed(0)} (worst: frame ${c.worstAt})`, c.p95.toFixed(1), differs])
    }
    console.log(table(cornerRows))
    const slow = report.corners.filter(c => c.progress < 1 || c.seconds > 60)
    console.log(`Goal, every live run within 60 s: ${slow.length === 0 ? 'met' : `not met (${slow.map(c => `${c.id} ${c.which}: ${c.seconds.toFixed(0)} s, ${Math.round(100 * c.progress)}%`).join('; ')})`}`)
  }
}

function printDemos(report: BenchReport, options: Options): void {
  if (report.demos?.length) {
    console.log(`\nDemos: training time per animation frame under the slides' run control (budget 8 ms), first ${options.quick ? 2 : 5} s of each default run`)
    const demoRows = [['demo', 'backend', '', 'frames', 'median ms', 'p95 ms', 'max ms', 'done', 'seconds']]
    for (const d of report.demos)
      demoRows.push([d.id, d.backend, d.error ? `error: ${d.error}` : '', String(d.frames), d.median.toFixed(1), d.p95.toFixed(1), d.max.toFixed(1), `${Math.round(100 * d.progress)}%`, d.seconds.toFixed(1)])
    console.log(table(demoRows))
  }
}

function printGoals(sections: Section[]): void {
  const all = sections.flatMap(({ title, report }) => report.results.filter(r => !r.error).map(r => ({ ...r, where: title })))
  console.log('\nGoals')
  const kernelGoal = (id: CaseResult['id'], what: string, limit: number) => {
    const counts = all.filter(r => r.id === id)
    if (counts.length === 0)
      return console.log(`  ${what} <= ${limit}: not measured`)
    const worst = Math.max(...counts.map(r => r.kernels))
    const detail = [...new Set(counts.map(r => `${r.kernels} on ${r.where} ${r.backend}`))].join(', ')
    console.log(`  ${what} <= ${limit}: ${worst <= limit ? 'met' : 'not met'} (${detail})`)
  }
  kernelGoal('ridge', 'kernels per ridge step', 10)
  kernelGoal('adamw', 'kernels per AdamW step', 16)

  // Per process (the goal holds in Node and in Chromium) and per case with B >= 256: the best backend's ratio.
  for (const { title } of sections) {
    const mine = all.filter(r => r.where === title && r.runs >= 256)
    const keys = [...new Set(mine.map(r => `${r.label}, B=${r.runs}`))]
    const verdicts = keys.map((key) => {
      const best = mine.filter(r => `${r.label}, B=${r.runs}` === key).reduce((a, b) => b.ratio > a.ratio ? b : a)
      return { key, best, met: best.ratio >= 2 }
    })
    const detail = verdicts.map(({ key, best }) => `${key}: ${best.backendLabel} ${rate(best.core)} vs plain ${rate(best.plain)} = ${times(best.ratio)}`).join('; ')
    const met = verdicts.length > 0 && verdicts.every(v => v.met)
    console.log(`  ${title}, at B >= 256 the best backend >= 2x plain JS: ${verdicts.length === 0 ? 'not measured' : met ? 'met' : 'not met'} (${detail})`)
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2))
  const cpus = os.cpus()
  console.log(`Machine: ${cpus[0]?.model ?? 'unknown CPU'}, ${cpus.length} cores, ${os.platform()} ${os.release()}, Node ${process.version}`)
  console.log(`Mode: ${options.quick ? 'quick (3 blocks of ~0.06 s)' : '7 blocks of ~0.2 s'} per figure, after warm-up`)
  if (options.startup !== undefined) {
    const { startupReport } = await import('../src/bench/startup')
    // ensureBrowserTools throws when it finds none.
    const lines = await startupReport({ runs: options.startup, chromiumPath: ensureBrowserTools()!, chromiumArgs, serve: serveStatic, log: line => console.log(`  ${line}`) })
    return console.log(lines.join('\n'))
  }
  const sections: Section[] = []
  if (options.node)
    sections.push(await nodeBench(options))
  if (options.browser) {
    try {
      sections.push(await browserBench(options))
    }
    catch (error) {
      // Keep the Node figures: report why Chromium gave none.
      console.log(`Chromium part failed: ${error instanceof Error ? error.message : String(error)}`)
      process.exitCode = 1
    }
  }
  if (options.mlp) {
    const { formatMlp } = await import('../src/bench/mlp')
    return sections.forEach(({ title, report }) => console.log(formatMlp(title, report.mlp ?? [], options.mlp === 'json').join('\n')))
  }
  for (const section of sections)
    printSection(section, options)
  if (options.corners === undefined)
    printGoals(sections)
}

main().catch((error: unknown) => {
  console.error(`error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`)
  process.exit(1)
})
