// `npm run build [-- options]`: the static site, with the lecture PDF in it, working offline after the first visit.
//   (default)        the student site: no presenter view, no speaker notes (they hold the exercises' answers)
//   --lecturer       the lecturer's site: presenter view (#/presenter/1) and notes, as `npm run dev` shows them
//   --base <path>    the path the site is hosted under (default /), e.g. /courses/wd/
//   --out <dir>      where to write it (default dist)
//   --pdf <file>     put this PDF in (one `npm run export` made) instead of exporting it here
//   --no-pdf         no PDF and no Download button
import { spawnSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import process from 'node:process'
import { parseArgs } from 'node:util'

const PDF_NAME = 'norms-and-weight-decay.pdf'

const { values } = parseArgs({
  options: {
    'lecturer': { type: 'boolean', default: false },
    'base': { type: 'string', default: '/' },
    'out': { type: 'string', default: 'dist' },
    'pdf': { type: 'string' },
    'no-pdf': { type: 'boolean', default: false },
  },
})
const base = `/${values.base}/`.replace(/\/+/g, '/')
const env = { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' }

function run(command, args) {
  console.log(`\n[build] ${[command, ...args].join(' ')}`)
  const result = spawnSync(command, args, { stdio: 'inherit', env })
  if (result.status !== 0)
    process.exit(result.status ?? 1)
}

if (!values['no-pdf']) {
  // The file keeps the name the site offers it under. The same exporter as `npm run export`: demos finished.
  let pdf = values.pdf && resolve(values.pdf)
  if (!pdf) {
    mkdirSync('.cache/build', { recursive: true })
    pdf = resolve('.cache/build', PDF_NAME)
    run('node', ['scripts/export.mjs', '--output', pdf])
  }
  env.SLIDES_PDF = pdf // setup/site.ts puts it into the build, as PDF_NAME
  env.SLIDES_PDF_NAME = PDF_NAME
  env.SLIDES_DOWNLOAD = `${base}${PDF_NAME}` // setup/preparser.ts: the Download button
}
if (!values.lecturer)
  env.SLIDES_PRESENTER = 'false' // setup/preparser.ts
run('npx', ['slidev', 'build', '--base', base, '--out', values.out, ...values.lecturer ? [] : ['--without-notes']])
console.log(`\n[build] ${values.lecturer ? 'lecturer' : 'student'} site for ${base} in ${values.out}`)
