// Nothing the site runs turns text into markup or code: the address's values (`?<id>.<param>=...`) and every other
// string reach the page only through Vue's text interpolation. A grep over every source the built site contains.
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'

/** What the build takes in: components, layouts, setup, the training core, the slides. */
const roots = ['components', 'composables', 'layouts', 'setup', 'src', 'pages', 'styles', 'slides.md', 'index.html', 'vite.config.ts']
const extensions = /\.(?:vue|ts|mts|js|mjs|md|html)$/

function files(path: string): string[] {
  let stat
  try {
    stat = statSync(path)
  }
  catch {
    return []
  }
  if (stat.isFile())
    return extensions.test(path) ? [path] : []
  return readdirSync(path).flatMap(name => files(join(path, name)))
}

const sinks: Array<[string, RegExp]> = [
  ['v-html', /\bv-html\b/],
  ['innerHTML', /\binnerHTML\b/],
  ['outerHTML', /\bouterHTML\b/],
  ['insertAdjacentHTML', /\binsertAdjacentHTML\b/],
  ['document.write', /\bdocument\.write(?:ln)?\s*\(/],
  ['createContextualFragment', /\bcreateContextualFragment\b/],
  ['srcdoc', /\bsrcdoc\b/],
  ['eval', /(?<![.\w])eval\s*\(/],
  ['new Function', /\bnew\s+Function\s*\(/],
  ['string timer', /\bset(?:Timeout|Interval)\s*\(\s*['"`]/],
]

describe('sources of the site', () => {
  const sources = roots.flatMap(root => files(root))

  it('are found', () => {
    expect(sources.length).toBeGreaterThan(50)
    expect(sources.some(f => f.endsWith('useExperimentRun.ts'))).toBe(true)
  })

  it('never inject text as HTML or evaluate it as code', () => {
    const found: string[] = []
    for (const file of sources) {
      const lines = readFileSync(file, 'utf8').split('\n')
      lines.forEach((line, i) => {
        for (const [name, pattern] of sinks) {
          if (pattern.test(line))
            found.push(`${file}:${i + 1}: ${name}: ${line.trim().slice(0, 100)}`)
        }
      })
    }
    expect(found).toEqual([])
  })
})
