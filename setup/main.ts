import type { AppSetup } from '@slidev/types'
import { deferDemoSlides } from './demo-preload'
import { registerServiceWorker } from './pwa'
import './keyboard'

/** Longest a print waits for its slides here; Playwright, which runs the exporter, gives up on a wait at 30 s. */
const HOLD_LIMIT_MS = 25_000

/** Releases the exporter's wait (index.html) once every printed slide has rendered its layout. */
function releasePrintHold() {
  const hold = document.getElementById('print-hold')
  if (!hold)
    return
  if (!new URLSearchParams(window.location.search).has('print')) {
    hold.remove()
    return
  }
  const started = performance.now()
  const check = () => {
    // Print mode mounts every slide's page at once; a page shows its layout once the slide's module has loaded.
    const pages = [...document.querySelectorAll('.slidev-page')]
    const rendered = pages.length > 0 && pages.every(page => page.querySelector('.slidev-layout'))
    if (rendered || performance.now() - started > HOLD_LIMIT_MS)
      hold.remove()
    else
      setTimeout(check, 100)
  }
  check()
}

const setup: AppSetup = ({ router }) => {
  if (typeof document !== 'undefined') {
    releasePrintHold()
    registerServiceWorker()
  }
  deferDemoSlides(router)
}

export default setup
