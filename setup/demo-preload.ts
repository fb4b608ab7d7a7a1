/// <reference types="@slidev/types/client" />
/**
 * Slidev mounts the slides next to the current one at once, and every other slide 3 s after the deck opens. A demo
 * slide brings its component and TensorFlow.js (about 1 MB of script, and the wasm binaries once a run starts) with
 * it, so the title slide would fetch and parse them all while the audience waits. Demo slides (`layout: demo`) are
 * left out of that early preloading: each is loaded and mounted, as Slidev would have, once the current slide comes
 * within DEMO_PRELOAD_DISTANCE of it. Printing and the overview mount every slide themselves and are not affected.
 */
import type { Router } from 'vue-router'
import { slides } from '#slidev/slides'

/** How many slides ahead (or behind) a demo slide is loaded: time for its modules before it is shown. */
export const DEMO_PRELOAD_DISTANCE = 2

/** What this needs of a slide's route (Slidev augments vue-router's RouteMeta only inside its own build). */
interface PreloadableSlide {
  no: number
  meta: { slide: { frontmatter: { layout?: string, preload?: boolean } }, __preloaded?: boolean }
  load: () => Promise<unknown>
}

export function deferDemoSlides(router: Router): void {
  const demos = (slides.value as unknown as PreloadableSlide[]).filter(route => route.meta.slide.frontmatter.layout === 'demo' && route.meta.slide.frontmatter.preload !== false)
  for (const route of demos)
    route.meta.slide.frontmatter.preload = false
  router.afterEach((to) => {
    const current = Number(to.params.no)
    if (!Number.isInteger(current))
      return
    for (const route of demos) {
      if (Math.abs(route.no - current) <= DEMO_PRELOAD_DISTANCE && route.meta.slide.frontmatter.preload === false) {
        route.meta.slide.frontmatter.preload = true
        route.meta.__preloaded = true
        void route.load()
      }
    }
  })
}
