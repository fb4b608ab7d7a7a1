import type { DemoMode } from '../src/core/demo-mode'
import { useNav, useSlideContext } from '@slidev/client'
import { useDocumentVisibility } from '@vueuse/core'
import { computed } from 'vue'
import { demoMode } from '../src/core/demo-mode'

/** Reads Slidev's context once and says whether the demo on this slide should train now. */
export function useDemoMode() {
  const { $page, $nav, $renderContext } = useSlideContext()
  const { isPrintMode } = useNav()
  const visibility = useDocumentVisibility()
  return computed<DemoMode>(() => demoMode({
    isPrintMode: isPrintMode.value,
    renderContext: $renderContext.value,
    page: $page.value,
    // `$nav` rather than `useNav()`: it is right in print mode too (slidev#2310).
    currentPage: $nav.value.currentSlideNo,
    documentVisible: visibility.value !== 'hidden',
  }))
}
