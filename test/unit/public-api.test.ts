// @vitest-environment happy-dom
// The addon's public API: the names a deck may import, and nothing else. A change here is a change for every deck
// built on the addon (examples/lr-schedules is one; its test builds it against these names): make it on purpose.
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { resolve } from 'node:path'
import { describe, expect, it, vi } from 'vitest'

// useDemoMode reads Slidev's context; outside a deck only the module's shape matters here.
vi.mock('@slidev/client', () => ({ useNav: vi.fn(), useSlideContext: vi.fn() }))

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))

describe('the addon', () => {
  it('follows Slidev\'s addon convention', () => {
    expect(pkg.name).toMatch(/^slidev-addon-/)
    expect(pkg.keywords).toEqual(expect.arrayContaining(['slidev-addon', 'slidev']))
  })

  it('exports the core and the Vue entry only; deep imports do not resolve', () => {
    expect(pkg.exports).toEqual({ '.': './src/index.ts', './vue': './composables/index.ts', './package.json': './package.json' })
    // Node resolves a package's own name from inside it through the same `exports` map a deck sees.
    const require = createRequire(resolve('package.json'))
    expect(require.resolve(pkg.name)).toBe(resolve('src/index.ts'))
    expect(require.resolve(`${pkg.name}/vue`)).toBe(resolve('composables/index.ts'))
    expect(() => require.resolve(`${pkg.name}/src/core/trainer.ts`)).toThrow(/not defined by "exports"/)
    expect(() => require.resolve(`${pkg.name}/components/demo/DemoShell.vue`)).toThrow(/not defined by "exports"/)
  })

  it('ships every folder Slidev reads from an addon', () => {
    for (const folder of ['components', 'composables', 'layouts', 'setup', 'src', 'styles', 'public', 'index.html', 'vite.config.ts', 'types'])
      expect(pkg.files, folder).toContain(folder)
  })

  it('has the core API it documents (docs/guide.md)', async () => {
    const api = await import('../../src/index')
    expect(Object.keys(api).sort()).toEqual([
      'circles',
      'classification2d',
      'createRng',
      'createSchedule',
      'createTrainer',
      'd2lRegression',
      'defineExperiment',
      'deriveSeed',
      'ensureGradients',
      'getBackend',
      'initBackend',
      'linearRegression',
      'listValues',
      'logisticRegression',
      'mlp',
      'normalMatrix',
      'optimizerNames',
      'reluUnit',
      'resolveConfig',
      'scheduleNames',
      'seedParam',
      'softmaxRegression',
      'spiral',
      'standardize',
      'worstCorner',
    ])
  })

  it('has the Vue API it documents', async () => {
    const api = await import('../../composables/index')
    expect(Object.keys(api).sort()).toEqual([
      'BarChart',
      'ContourPlot',
      'DemoReadout',
      'DemoShell',
      'DemoSlider',
      'FieldPlot',
      'HistogramPlot',
      'LinePlot',
      'PlotLegend',
      'SeriesPanels',
      'VectorPlane',
      'useDemoMode',
      'useExperimentRun',
      'useParamControl',
      'useViewControl',
    ])
  })
})
