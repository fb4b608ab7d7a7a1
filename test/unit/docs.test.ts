// What derives from the experiment declarations and nowhere else: the README's table, the sliders' ranges.
import { readdirSync, readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { endMarker, experimentsMarkdown, startMarker, withTable } from '../../src/cli/docs'
import { experiments } from '../../src/experiments/registry'

describe('derived from the declarations', () => {
  it('the README\'s table of experiments and parameters is the generated one (`npm run docs` rewrites it)', () => {
    const readme = readFileSync('README.md', 'utf8')
    expect(readme).toContain(startMarker)
    expect(readme).toContain(endMarker)
    expect(withTable(readme), 'README.md is out of date: run `npm run docs`').toBe(readme)
    const table = experimentsMarkdown()
    for (const e of experiments) {
      expect(table).toContain(`#### \`${e.id}\``)
      for (const name of Object.keys(e.params))
        expect(table).toContain(`| \`${name}\` |`)
    }
  })

  it('no component gives a slider a range, a step or a scale of its own: they come from the declaration', () => {
    const offenders: string[] = []
    for (const dir of ['components', 'components/demo']) {
      for (const file of readdirSync(dir).filter(f => f.endsWith('.vue'))) {
        const text = readFileSync(`${dir}/${file}`, 'utf8')
        for (const tag of text.match(/<DemoSlider\b(?:[^>"']|"[^"]*"|'[^']*')*>/g) ?? []) {
          if (/\s:?(?:min|max|step|log)\b/.test(tag) || !/\s:param=/.test(tag))
            offenders.push(`${dir}/${file}: ${tag}`)
        }
        // A plain range input outside DemoSlider would bypass the declaration.
        if (file !== 'DemoSlider.vue' && /type="range"/.test(text))
          offenders.push(`${dir}/${file}: a range input of its own`)
      }
    }
    expect(offenders).toEqual([])
  })
})
