import type { Page } from 'playwright-chromium'
// What the end-to-end tests share: the slides as the source defines them, and where the build and PDF are.
import { existsSync, mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { load } from '@slidev/parser/fs'

export interface SourceSlide {
  no: number
  title: string
  /** The title's text outside inline math (`$...$`), in pieces: what a page's text must contain. */
  titleText: string[]
  note: string
  /** The slide's markdown, to find the demos on it. */
  content: string
  /** Ids of the demos on the slide (`data-demo` of their roots), from the components the markdown uses. */
  demos: string[]
}

/** The demo component each experiment id is shown by; a test checks every demo slide against it. */
export const demoComponents: Record<string, string> = {
  RidgeDemo: 'ridge-gd',
  OverfittingDemo: 'overfitting',
  LambdaSweepDemo: 'lambda-sweep',
  GeometryDemo: 'l1-l2-geometry',
  PathsDemo: 'regularization-paths',
  DecayStepDemo: 'decay-step',
  AdamWDemo: 'adam-vs-adamw',
  BiasVarianceDemo: 'bias-variance',
  LandscapeDemo: 'landscape-momentum',
  ClassificationDemo: 'classification',
  EffectiveLrDemo: 'effective-lr',
  EquilibriumDemo: 'equilibrium-sgd',
  HyperballDemo: 'hyperball',
  BatchNoiseDemo: 'batch-size-noise',
  LowPrecisionDemo: 'low-precision',
  ReluRescalingDemo: 'relu-rescaling',
  NetworkLambdaGridDemo: 'network-lambda-grid',
}

/** Text as a page shows it: typographic quotes as typed ones, runs of white space as one space. */
export function plainText(text: string): string {
  return text.replace(/[\u2018\u2019]/g, '\'').replace(/[\u201C\u201D]/g, '"').replace(/\s+/g, ' ')
}

/** The slides as Slidev sees them: `src:` includes resolved, hidden and disabled ones left out. */
export async function sourceSlides(): Promise<SourceSlide[]> {
  const root = resolve('.')
  const data = await load({ roots: [root], userRoot: root }, resolve('slides.md'))
  const shown = data.slides.filter(slide => !slide.frontmatter.hide && !slide.frontmatter.disabled)
  return shown.map((slide, i) => {
    const content = slide.content ?? ''
    const demos = Object.entries(demoComponents).filter(([tag]) => new RegExp(`<${tag}[\\s/>]`).test(content)).map(([, id]) => id)
    const title = slide.title ?? ''
    const titleText = title.split(/\$[^$]*\$/).map(part => plainText(part).trim()).filter(Boolean)
    return { no: i + 1, title, titleText, note: slide.note ?? '', content, demos }
  })
}

function artefact(variable: string, what: string, command: string): string {
  const path = process.env[variable]
  if (!path || !existsSync(path))
    throw new Error(`${what} not found (${variable}=${path ?? ''}). Run \`npm test\`, or ${command} and set ${variable}.`)
  return path
}

export const deckDist = () => artefact('DECK_DIST', 'Built deck', '`npx slidev build --out <dir>`')
export const deckPdf = () => artefact('DECK_PDF', 'Exported PDF', '`npm run export -- --output <file>`')
export const chromiumPath = () => artefact('CHROMIUM_PATH', 'Chromium', 'install chromium')
/** The student site (no notes, no presenter view) built under `siteBase()`, with the PDF inside. */
export const siteDist = () => artefact('SITE_DIST', 'Built student site', '`node scripts/build.mjs --base /courses/wd/ --out <dir>`')
/** The path the student site is built for and served under, with slashes at both ends (`/courses/wd/`). */
export function siteBase(): string {
  const base = process.env.SITE_BASE || '/'
  return `/${base}/`.replace(/\/+/g, '/')
}

/** Elements of the shown slide that stick out of its 16:9 frame (clipped or not), as short descriptions. */
export function overflowing(page: Page, no: number): Promise<string[]> {
  return page.locator(`[data-slidev-no="${no}"]`).first().evaluate((slide) => {
    const frame = slide.getBoundingClientRect()
    const out: string[] = []
    for (const element of Array.from(slide.querySelectorAll('*'))) {
      // KaTeX's MathML copy is visually hidden by design; shapes inside an SVG are clipped to it (KaTeX braces), the SVG itself is checked.
      if (element.closest('.katex-mathml') || element.parentElement?.closest('svg'))
        continue
      const box = element.getBoundingClientRect()
      if (box.width === 0 || box.height === 0)
        continue
      const tolerance = 2
      if (box.left < frame.left - tolerance || box.top < frame.top - tolerance || box.right > frame.right + tolerance || box.bottom > frame.bottom + tolerance) {
        const text = (element.textContent ?? '').trim().slice(0, 40)
        out.push(`<${element.tagName.toLowerCase()} class="${element.getAttribute('class') ?? ''}"> "${text}" at ${Math.round(box.right - frame.left)}x${Math.round(box.bottom - frame.top)} of ${Math.round(frame.width)}x${Math.round(frame.height)}`)
      }
    }
    // A demo layout's main part must end above its caption: it may not spill over the text under it.
    const caption = slide.querySelector('.demo-caption')?.getBoundingClientRect()
    if (caption) {
      for (const element of Array.from(slide.querySelectorAll('.demo-main *'))) {
        if (element.closest('.katex-mathml') || element.parentElement?.closest('svg'))
          continue
        const box = element.getBoundingClientRect()
        if (box.width > 0 && box.height > 0 && box.bottom > caption.top + 2 && box.top < caption.bottom)
          out.push(`<${element.tagName.toLowerCase()} class="${element.getAttribute('class') ?? ''}"> "${(element.textContent ?? '').trim().slice(0, 40)}" covers the caption (${Math.round(box.bottom - caption.top)} px)`)
      }
    }
    // Report the outermost offenders only: their children follow them out.
    return out.slice(0, 5)
  })
}

/** Where browser tests leave the screenshots and texts a person looks at after a run (`.cache/test/shots`). */
export function shotsDir(): string {
  const dir = resolve('.cache/test/shots')
  mkdirSync(dir, { recursive: true })
  return dir
}
