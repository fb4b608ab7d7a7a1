// Code on the slides runs as shown: every TypeScript block that imports this project's core is run with tsx,
// and the values its comments promise (`// name [a, b]`) are what it prints.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

const root = resolve('.')
const pages = readdirSync(join(root, 'pages')).filter(f => f.endsWith('.md')).map(f => join('pages', f))

const blocks = pages.flatMap(page => [...readFileSync(join(root, page), 'utf8').matchAll(/```ts\n([\s\S]*?)```/g)]
  .map(match => ({ page, code: match[1] }))
  .filter(block => block.code.includes('./src/')))

/** `// adam-l2 [0.607, 0.976] (ridge); adamw [0.987, 0.998]` -> the promised numbers by name. */
function promises(code: string): Map<string, number[]> {
  const out = new Map<string, number[]>()
  for (const line of code.split('\n').filter(l => l.includes('console.log('))) {
    const comment = line.split('// ').slice(1).join('// ')
    for (const [, name, list] of comment.matchAll(/([\w-]+) \[([^\]]+)\]/g))
      out.set(name, list.split(',').map(Number))
  }
  return out
}

describe('code on the slides', () => {
  it('finds the blocks that use the core', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(1)
  })

  for (const [i, block] of blocks.entries()) {
    it(`runs block ${i + 1} of ${block.page} as shown and prints what its comments say`, () => {
      const dir = join(root, '.cache', 'slide-code')
      mkdirSync(dir, { recursive: true })
      const file = join(dir, `block-${i}.mts`)
      // The slide imports from the repository root; the copy lives in .cache.
      writeFileSync(file, block.code.replaceAll('\'./src/', `'${root}/src/`))
      const output = execFileSync(process.execPath, ['--import', 'tsx', file], { cwd: root, encoding: 'utf8' })
      const expected = promises(block.code)
      expect(expected.size).toBeGreaterThan(0)
      for (const [name, values] of expected) {
        const line = output.split('\n').find(l => l.startsWith(`${name} `))
        expect(line, `a printed line for ${name}`).toBeDefined()
        const printed = [...line!.matchAll(/-?\d+\.\d+(?:e-?\d+)?/g)].map(m => Number(m[0]))
        expect(printed).toHaveLength(values.length)
        printed.forEach((v, k) => {
          const digits = String(values[k]).split('.')[1]?.length ?? 0
          expect(Math.abs(v - values[k]), `${name}[${k}]`).toBeLessThanOrEqual(0.5 * 10 ** -digits + 1e-12)
        })
      }
    }, 60_000)
  }
})
