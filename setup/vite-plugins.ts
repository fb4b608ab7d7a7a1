import type { ResolvedSlidevOptions } from '@slidev/types'
import type { Plugin } from 'vite'
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineVitePluginsSetup } from '@slidev/types'
import { lectureSitePlugins } from './site'

/**
 * `virtual:demo-slides`: which slide shows which demo, read from the slides' own markdown when the site is built,
 * for the demo view (`#/demos`). The built site ships no slide source (its notes hold the exercises' answers), so
 * this is the one place that can see the tags. A demo is a component `components/<Name>Demo.vue` used on a slide;
 * its experiments are the declarations it imports (`src/experiments/<id>.ts` exports `<name>Experiment`).
 */
export interface DemoSlide {
  /** The slide's number (its route `#/<no>`). */
  no: number
  /** The component's tag, as the slide writes it. */
  tag: string
  /** Ids of the experiments the component can run. */
  experiments: string[]
}

const virtualId = 'virtual:demo-slides'

function experimentsOf(root: string, tag: string): string[] {
  const source = readFileSync(join(root, 'components', `${tag}.vue`), 'utf8')
  const ids = [...source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'\.\.\/src\/experiments\/([\w-]+)'/g)]
    .filter(([, names]) => /\w+Experiment\b/.test(names))
    .map(([, , id]) => id)
  return [...new Set(ids)]
}

export function demoSlides(options: { data: { slides: ReadonlyArray<{ content?: string }> }, userRoot: string }): DemoSlide[] {
  const out: DemoSlide[] = []
  options.data.slides.forEach((slide, index) => {
    for (const [, tag] of (slide.content ?? '').matchAll(/<([A-Z]\w*Demo)[\s/>]/g)) {
      if (existsSync(join(options.userRoot, 'components', `${tag}.vue`)) && !out.some(d => d.no === index + 1 && d.tag === tag))
        out.push({ no: index + 1, tag, experiments: experimentsOf(options.userRoot, tag) })
    }
  })
  return out
}

function demoSlidesPlugin(options: ResolvedSlidevOptions): Plugin {
  return {
    name: 'norms-wd:demo-slides',
    resolveId: id => id === virtualId ? `\0${virtualId}` : undefined,
    load: id => id === `\0${virtualId}` ? `export const demoSlides = ${JSON.stringify(demoSlides(options))}` : undefined,
  }
}

/** Whether the deck being built is this lecture itself (not a deck that lists the project under `addons:`). */
function isLecture(options: ResolvedSlidevOptions): boolean {
  const here = realpathSync(fileURLToPath(new URL('..', import.meta.url)))
  return realpathSync(options.userRoot) === here
}

export default defineVitePluginsSetup(options => [demoSlidesPlugin(options), ...(isLecture(options) ? lectureSitePlugins() : [])])
