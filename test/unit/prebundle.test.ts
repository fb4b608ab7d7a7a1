import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import viteConfig from '../../vite.config'

// A package that the dev server meets only once a slide loads is pre-bundled then, and Vite reloads the page:
// during `slidev export` that reload prints blank pages. So every package the slides' code imports must be listed
// up front in vite.config.ts (Slidev's own scan starts from its main.ts and never reaches our components).
const CLIENT_DIRS = ['components', 'composables', 'layouts', 'src/core', 'src/experiments']
// Slidev aliases vue and vue-router itself, serves @vueuse/core unbundled (its exclude list) and is @slidev/client.
const PROVIDED_BY_SLIDEV = new Set(['vue', 'vue-router', '@vueuse/core', '@slidev/client'])
/** Modules that are no package: Slidev's (`#slidev/...`), our build's (`virtual:...`), and this project's own name. */
const ownName = (JSON.parse(readFileSync('package.json', 'utf8')) as { name: string }).name
const notAPackage = (spec: string) => spec.startsWith('#') || spec.startsWith('virtual:') || spec === ownName || spec.startsWith(`${ownName}/`)

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory())
      return files(path)
    return /\.(?:ts|vue)$/.test(name) ? [path] : []
  })
}

/** Bare specifiers of static and dynamic imports whose target Vite can read (a string literal). */
function bareImports(source: string): string[] {
  const found = [...source.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)'([^'./][^']*)'/gm)].map(m => m[1]!)
  return found.filter(s => !s.startsWith('node:') && !s.includes('?'))
}

describe('the dev server pre-bundles every package the slides import', () => {
  const include = new Set(viteConfig.optimizeDeps?.include ?? [])
  const sources = CLIENT_DIRS.flatMap(files)

  it('finds the client sources', () => {
    expect(sources.length).toBeGreaterThan(40)
  })

  it('lists each imported package in optimizeDeps.include', () => {
    const missing = new Set<string>()
    for (const path of sources) {
      for (const spec of bareImports(readFileSync(path, 'utf8'))) {
        if (!include.has(spec) && !PROVIDED_BY_SLIDEV.has(spec) && !spec.startsWith('@slidev/') && !notAPackage(spec))
          missing.add(`${spec} (${path})`)
      }
    }
    expect([...missing]).toEqual([])
  })

  it('would notice an unlisted dynamic import', () => {
    expect(bareImports(`await import('@tensorflow/tfjs')`)).toEqual(['@tensorflow/tfjs'])
    expect(bareImports(`import * as tf from '@tensorflow/tfjs-core'\nimport 'd3-array'`)).toEqual(['@tensorflow/tfjs-core', 'd3-array'])
  })
})
