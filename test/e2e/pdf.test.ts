// The exported PDF: one page per slide, every title in its text, and the demo page showing a finished run.
import type { Buffer } from 'node:buffer'
import { execFileSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { deckPdf, plainText, sourceSlides } from './deck'

const slides = await sourceSlides()

function pageText(pdf: string, page?: number): string {
  const range = page ? ['-f', String(page), '-l', String(page)] : []
  // -raw keeps the content stream's order: a title stays whole even beside a figure with text of its own.
  return execFileSync('pdftotext', ['-raw', ...range, pdf, '-'], { encoding: 'utf8' })
}

/** Renders one page to a binary PPM and returns its pixels (RGB). */
function pagePixels(pdf: string, page: number): { width: number, height: number, rgb: Buffer } {
  const ppm = execFileSync('pdftoppm', ['-r', '100', '-f', String(page), '-l', String(page), pdf], { maxBuffer: 64 << 20 })
  const [magic, width, height, max] = ppm.subarray(0, 64).toString('latin1').split(/\s+/)
  expect(magic).toBe('P6')
  const headerLength = `${magic}\n${width} ${height}\n${max}\n`.length
  return { width: Number(width), height: Number(height), rgb: ppm.subarray(headerLength) }
}

/**
 * How many pixel rows hold a pixel of this colour. A training curve falls across many rows;
 * a legend swatch or a flat theory line covers only a few, so an empty plot scores low.
 */
function rowsWithColour(image: ReturnType<typeof pagePixels>, [r, g, b]: [number, number, number], tolerance = 60): number {
  let rows = 0
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = 3 * (y * image.width + x)
      if (Math.abs(image.rgb[i] - r) + Math.abs(image.rgb[i + 1] - g) + Math.abs(image.rgb[i + 2] - b) < tolerance) {
        rows++
        break
      }
    }
  }
  return rows
}

/** Rows holding a saturated pixel: drawn data (curves, bars, heatmaps), not text, axes or buttons. */
function rowsWithSaturatedColour(image: ReturnType<typeof pagePixels>): number {
  let rows = 0
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const i = 3 * (y * image.width + x)
      const channels = [image.rgb[i], image.rgb[i + 1], image.rgb[i + 2]]
      if (Math.max(...channels) - Math.min(...channels) > 90) {
        rows++
        break
      }
    }
  }
  return rows
}

describe('the exported PDF', () => {
  it('has one page per slide', () => {
    const info = execFileSync('pdfinfo', [deckPdf()], { encoding: 'utf8' })
    expect(Number(/Pages:\s+(\d+)/.exec(info)?.[1])).toBe(slides.length)
  })

  it('holds every slide\'s title on its page', () => {
    for (const slide of slides) {
      const text = plainText(pageText(deckPdf(), slide.no))
      for (const part of slide.titleText)
        expect(text, `page ${slide.no}`).toContain(part)
    }
  })

  it('shows the ridge demo\'s finished run, with both curves drawn', () => {
    const demo = slides.find(s => s.demos.includes('ridge-gd'))!
    const text = pageText(deckPdf(), demo.no)
    // The configuration line in place of the controls: the slider's value and the seed, from the declaration's labels.
    expect(text.replace(/\s+/g, ' ')).toMatch(/Ran with λ of the second run = 0\.5, .*seed = 1 \(finished\)\./)
    expect(text).toContain('gradient step t')
    const image = pagePixels(deckPdf(), demo.no)
    // The two runs (--demo-c1 #0072b2, --demo-c2 #d55e00) both fall from their start to their minimum across the plot.
    expect(rowsWithColour(image, [0x00, 0x72, 0xB2])).toBeGreaterThan(40)
    expect(rowsWithColour(image, [0xD5, 0x5E, 0x00])).toBeGreaterThan(20)
  })

  for (const slide of slides.filter(s => s.demos.length > 0)) {
    it(`shows ${slide.demos[0]} (page ${slide.no}) finished, with its data drawn`, () => {
      const text = pageText(deckPdf(), slide.no).replace(/\s+/g, ' ')
      // One line with the configuration it ran, and none of the controls, which do nothing on paper.
      expect(text).toMatch(/Ran with .+ \(finished\)\./)
      expect(text).not.toMatch(/\b(?:Pause|Play|Run again)\b|wasm|SIMD|WebGL|\bcpu\b/)
      // A demo in trouble shows an alert with a 'Reset to defaults' button.
      expect(text).not.toMatch(/Diverged|Reset to defaults/)
      expect(rowsWithSaturatedColour(pagePixels(deckPdf(), slide.no))).toBeGreaterThan(60)
    })
  }
})
