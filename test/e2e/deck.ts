// What the end-to-end tests share: the slides as the source defines them, and where the build and PDF are.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { parseSync } from '@slidev/parser'

export interface SourceSlide {
  no: number
  title: string
  note: string
}

export function sourceSlides(): SourceSlide[] {
  const markdown = readFileSync(resolve('slides.md'), 'utf8')
  const shown = parseSync(markdown, resolve('slides.md')).slides.filter(slide => !slide.frontmatter.hide && !slide.frontmatter.disabled)
  return shown.map((slide, i) => ({ no: i + 1, title: slide.title ?? '', note: slide.note ?? '' }))
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
