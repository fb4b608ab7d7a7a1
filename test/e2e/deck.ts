// What the end-to-end tests share: the slides as the source defines them, and where the build and PDF are.
import { existsSync } from 'node:fs'
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
