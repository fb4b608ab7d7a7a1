import { describe, expect, it } from 'vitest'
import { demoMode } from '../../src/core/demo-mode'

const shown = { isPrintMode: false, renderContext: 'slide', page: 3, currentPage: 3, documentVisible: true }

describe('demoMode', () => {
  it('trains on the current slide in the audience and presenter views', () => {
    expect(demoMode(shown)).toBe('live')
    expect(demoMode({ ...shown, renderContext: 'presenter' })).toBe('live')
  })

  it('stays still in thumbnails, previews, on other slides and in hidden tabs', () => {
    expect(demoMode({ ...shown, renderContext: 'overview' })).toBe('still')
    expect(demoMode({ ...shown, renderContext: 'previewNext' })).toBe('still')
    expect(demoMode({ ...shown, currentPage: 2 })).toBe('still')
    expect(demoMode({ ...shown, documentVisible: false })).toBe('still')
  })

  it('computes the finished run when printing', () => {
    expect(demoMode({ ...shown, isPrintMode: true, currentPage: 1 })).toBe('print')
  })
})
