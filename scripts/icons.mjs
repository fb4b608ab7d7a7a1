// `node scripts/icons.mjs`: the installed site's icons (public/pwa-*.png), drawn from public/favicon.svg by Chromium.
// Run it again after changing the favicon; the PNGs are committed.
import { readFileSync } from 'node:fs'
import { chromium } from 'playwright-chromium'
import { chromiumArgs, ensureBrowserTools } from './chromium.mjs'

const svg = readFileSync('public/favicon.svg', 'utf8')
const inner = svg.replace(/^<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '')
// Maskable: the launcher crops to its own shape, keeping only the middle 80 %: a full-bleed background, the mark inside.
const maskable = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#1e3a8a"/><g transform="translate(6.4 6.4) scale(0.8)">${inner}</g></svg>`
const icons = [
  ['public/pwa-192.png', svg, 192],
  ['public/pwa-512.png', svg, 512],
  ['public/pwa-maskable-512.png', maskable, 512],
]

const browser = await chromium.launch({ executablePath: ensureBrowserTools(), args: chromiumArgs })
for (const [file, source, size] of icons) {
  const page = await browser.newPage({ viewport: { width: size, height: size } })
  await page.setContent(`<style>html,body{margin:0}svg{display:block;width:${size}px;height:${size}px}</style>${source}`)
  await page.screenshot({ path: file, omitBackground: true })
  await page.close()
  console.log(`${file} (${size}x${size})`)
}
await browser.close()
