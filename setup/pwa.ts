/**
 * Registers the offline worker that `vite build` writes for the lecture (setup/site.ts). Only the built site has one; a printed
 * page (`?print`, what `slidev export` and the PDF come from) is left without, so it always reads the files it prints.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !import.meta.env.VITE_OFFLINE_SITE || !('serviceWorker' in navigator) || new URLSearchParams(window.location.search).has('print'))
    return
  const base = import.meta.env.BASE_URL
  afterFirstView(() => {
    // A failed registration (a host that blocks workers, a private window) leaves the site working online.
    navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).catch((error: unknown) => {
      console.warn('Offline copy not available:', error)
    })
  })
}

/**
 * When the worker is registered: after the page's first contentful paint (the title, or the demo view's list) and
 * AFTER_PAINT_MS more, in idle time. Installing it fetches the whole site (about 260 files, 6 MB with the PDF);
 * registered at start-up, its script was asked for 200 ms in, before Slidev's player, and the install ran while the
 * title slide's own chunks were still on their way: the title came 10-20 % later (npm run bench -- --startup).
 * The page's `load` event is too early a sign: Slidev loads the player and the slides after it, in chains of imports.
 * A page that never paints (a tab opened in the background) registers LOAD_FALLBACK_MS after `load`.
 */
export const AFTER_PAINT_MS = 1000
export const LOAD_FALLBACK_MS = 5000

/** Runs `task` once, after the first view has been drawn and the main thread is idle. */
export function afterFirstView(task: () => void): void {
  let done = false
  const run = () => {
    if (done)
      return
    done = true
    if (typeof window.requestIdleCallback === 'function')
      window.requestIdleCallback(() => task(), { timeout: 2000 })
    else
      task()
  }
  try {
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName('first-contentful-paint').length > 0) {
        observer.disconnect()
        window.setTimeout(run, AFTER_PAINT_MS)
      }
    }).observe({ type: 'paint', buffered: true })
  }
  catch {
    // No paint timing here: the fallback below.
  }
  const fallback = () => window.setTimeout(run, LOAD_FALLBACK_MS)
  if (document.readyState === 'complete')
    fallback()
  else
    window.addEventListener('load', fallback, { once: true })
}
