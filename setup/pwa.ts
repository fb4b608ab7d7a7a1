/**
 * Registers the offline worker that `vite build` writes for the lecture (setup/site.ts). Only the built site has one; a printed
 * page (`?print`, what `slidev export` and the PDF come from) is left without, so it always reads the files it prints.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !import.meta.env.VITE_OFFLINE_SITE || !('serviceWorker' in navigator) || new URLSearchParams(window.location.search).has('print'))
    return
  const base = import.meta.env.BASE_URL
  // A failed registration (a host that blocks workers, a private window) leaves the site working online.
  navigator.serviceWorker.register(`${base}sw.js`, { scope: base }).catch((error: unknown) => {
    console.warn('Offline copy not available:', error)
  })
}
