// Finds the Chromium the tests and the PDF export use, installing Debian's package where that is allowed.
// Never downloads a browser of its own: this must work on a machine with no internet but a package mirror.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import process from 'node:process'

const INSTALL_HINT = 'Install Chromium and poppler-utils, for example on Debian/Ubuntu:\n'
  + '  sudo apt-get update && sudo apt-get install -y chromium poppler-utils\n'
  + 'or point CHROMIUM_PATH at a Chromium or Chrome binary.'

function playwrightCacheChromium() {
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH || join(homedir(), '.cache', 'ms-playwright')
  if (!existsSync(cache))
    return undefined
  for (const dir of readdirSync(cache).filter(d => d.startsWith('chromium')).sort().reverse()) {
    for (const bin of ['chrome-linux/chrome', 'chrome-linux64/chrome']) {
      const candidate = join(cache, dir, bin)
      if (existsSync(candidate))
        return candidate
    }
  }
  return undefined
}

function findChromium() {
  if (process.env.CHROMIUM_PATH) {
    if (!existsSync(process.env.CHROMIUM_PATH))
      throw new Error(`CHROMIUM_PATH is set to ${process.env.CHROMIUM_PATH}, which does not exist.`)
    return process.env.CHROMIUM_PATH
  }
  if (existsSync('/usr/bin/chromium'))
    return '/usr/bin/chromium'
  return playwrightCacheChromium()
}

function hasCommand(name) {
  try {
    execFileSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' })
    return true
  }
  catch {
    return false
  }
}

function isDebianRoot() {
  return process.getuid?.() === 0 && existsSync('/etc/debian_version') && hasCommand('apt-get')
}

function aptInstall(packages) {
  console.log(`[chromium] installing ${packages.join(' ')} with apt-get`)
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env })
  execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: 'inherit', env })
}

/** Path of a usable Chromium, with pdftotext and pdfinfo on PATH too; throws with instructions otherwise. */
export function ensureBrowserTools() {
  let chromium = findChromium()
  const missing = []
  if (!chromium)
    missing.push('chromium')
  if (!hasCommand('pdftotext') || !hasCommand('pdfinfo') || !hasCommand('pdftoppm'))
    missing.push('poppler-utils')
  if (missing.length > 0) {
    if (!isDebianRoot())
      throw new Error(`Missing: ${missing.join(', ')}.\n${INSTALL_HINT}`)
    // Debian's chromium pulls in the fonts it needs only as recommendations; ask for a basic one.
    aptInstall([...missing, ...(missing.includes('chromium') ? ['fonts-dejavu-core'] : [])])
    chromium = findChromium()
    if (!chromium)
      throw new Error(`apt-get installed chromium but no binary was found.\n${INSTALL_HINT}`)
  }
  return chromium
}

/** Flags that keep headless Chromium from reaching outside the machine. */
export const chromiumArgs = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--enable-unsafe-swiftshader',
]

export function chromiumVersion(path) {
  try {
    return execFileSync(path, ['--version'], { encoding: 'utf8' }).trim()
  }
  catch {
    return 'unknown version'
  }
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(ensureBrowserTools())
