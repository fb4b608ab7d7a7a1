import type { Ref } from 'vue'
import { useMutationObserver } from '@vueuse/core'
import { ref } from 'vue'

export type Rgb = [number, number, number]

/** [r, g, b] of a CSS colour text (#rgb, #rrggbb, rgb(), rgba()); undefined when it is none of those. */
export function parseRgb(text: string): Rgb | undefined {
  const c = text.trim()
  const hex = /^#([\da-f]{3}|[\da-f]{6})$/i.exec(c)
  if (hex) {
    const h = hex[1].length === 3 ? [...hex[1]].map(ch => ch + ch).join('') : hex[1]
    return [0, 2, 4].map(i => Number.parseInt(h.slice(i, i + 2), 16)) as Rgb
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)/i.exec(c)
  return rgb ? [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])] : undefined
}

/**
 * Colours for a canvas, `var(--x)` resolved on `root`, remembered until the theme changes (a class on <html>):
 * reading a custom property every frame forces a style recalculation in the middle of the frame (measured: the
 * largest part of the classification demo's drawing time at its worst corner). `themeTick` counts theme changes,
 * for a repaint.
 */
export function useCssColors(root: Ref<HTMLElement | undefined>): { rgbOf: (color: string) => Rgb | undefined, themeTick: Ref<number> } {
  const themeTick = ref(0)
  const cache = new Map<string, Rgb>()
  if (typeof document !== 'undefined') {
    useMutationObserver(document.documentElement, () => {
      cache.clear()
      themeTick.value++
    }, { attributes: true, attributeFilter: ['class'] })
  }
  function rgbOf(color: string): Rgb | undefined {
    const known = cache.get(color)
    if (known)
      return known
    const variable = /^var\((--[\w-]+)\)$/.exec(color.trim())
    if (variable && !(root.value && typeof getComputedStyle === 'function'))
      return undefined
    const value = parseRgb(variable ? getComputedStyle(root.value!).getPropertyValue(variable[1]) : color)
    // Not remembered when unreadable: the stylesheet may not have applied yet.
    if (value)
      cache.set(color, value)
    return value
  }
  return { rgbOf, themeTick }
}
