import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'

/** Every .ts file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
    ? sources(join(dir, entry.name))
    : entry.name.endsWith('.ts') ? [join(dir, entry.name)] : [])
}

describe('layering', () => {
  it('src/ imports nothing from outside src/ (the training core stays framework-free and reusable)', () => {
    const root = resolve('src')
    const files = sources(root)
    expect(files.length).toBeGreaterThan(20)
    const outside: string[] = []
    for (const file of files) {
      const text = readFileSync(file, 'utf8')
      for (const match of text.matchAll(/(?:from|import)\s*(?:\(\s*)?'(\.{1,2}\/[^']+)'/g)) {
        const target = resolve(dirname(file), match[1])
        if (relative(root, target).startsWith('..'))
          outside.push(`${relative(root, file)} -> ${match[1]}`)
      }
    }
    expect(outside).toEqual([])
  })
})
