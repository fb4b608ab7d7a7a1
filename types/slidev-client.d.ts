// The part of `@slidev/client` this project uses, typed for `vue-tsc`.
// Slidev ships its client as TypeScript source that only type-checks inside Slidev's own repository
// (build-time globals, vue-router augmentations), so tsconfig maps the import here instead.
// At build and run time the real package is used; the browser tests exercise these calls.
import type { RenderContext } from '@slidev/types'
import type { ComputedRef, Ref } from 'vue'

export declare function useNav(): {
  isPrintMode: ComputedRef<boolean>
  isPresenter: ComputedRef<boolean>
  currentSlideNo: ComputedRef<number>
  total: ComputedRef<number>
}

export declare function useSlideContext(): {
  $page: Ref<number>
  $clicks: Ref<number>
  $renderContext: Ref<RenderContext>
  $nav: Ref<{ currentSlideNo: number, isPrintMode: boolean }>
}

export declare function useDarkMode(): { isDark: Ref<boolean> }
