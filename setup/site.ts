import type { Plugin, PluginOption } from 'vite'
import { readFileSync } from 'node:fs'
import { basename } from 'node:path'
import process from 'node:process'
import { VitePWA } from 'vite-plugin-pwa'

/**
 * `scripts/build.mjs` hands the exported PDF over in `SLIDES_PDF` (and the name the site offers it under in
 * `SLIDES_PDF_NAME`); it becomes a file of the build, so that the service worker's precache list, written at the end
 * of the build, includes it.
 */
function lecturePdf(): Plugin {
  return {
    name: 'lecture-pdf',
    apply: 'build',
    generateBundle() {
      const file = process.env.SLIDES_PDF
      if (file)
        this.emitFile({ type: 'asset', fileName: process.env.SLIDES_PDF_NAME || basename(file), source: readFileSync(file) })
    },
  }
}

/**
 * The lecture's site: the PDF in the build and the offline worker with its manifest. setup/vite-plugins.ts adds them
 * when the deck being built is this lecture (not a deck that uses the project as an addon: its title and icons are
 * its own). `import.meta.env.VITE_OFFLINE_SITE` tells setup/pwa.ts that there is a worker to register.
 */
export function lectureSitePlugins(): PluginOption[] {
  return [
    { name: 'lecture-offline-flag', config: () => ({ define: { 'import.meta.env.VITE_OFFLINE_SITE': JSON.stringify('1') } }) },
    lecturePdf(),
    // The offline site. Only `vite build` writes a worker (the dev server and `slidev export` get none);
    // setup/pwa.ts registers it, outside print mode.
    VitePWA({
      // A new build waits until every tab of the old one is closed, then takes over: an open lecture is never reloaded
      // under the reader, and a page never mixes files of two builds (see README, "Hosting the site").
      registerType: 'prompt',
      injectRegister: false,
      includeAssets: [],
      manifest: {
        name: 'Norms and Weight Decay',
        short_name: 'Weight Decay',
        description: 'A live lecture on norms, l1 and l2 regularization and weight decay',
        display: 'standalone',
        theme_color: '#1e3a8a',
        background_color: '#ffffff',
        icons: [
          { src: 'pwa-192.png', sizes: '192x192', type: 'image/png' },
          { src: 'pwa-512.png', sizes: '512x512', type: 'image/png' },
          { src: 'pwa-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
      workbox: {
        // Everything the site is: slides, demos (the tfjs wasm binaries), figures, fonts, KaTeX, the PDF.
        globPatterns: ['**/*.{html,js,css,wasm,svg,png,ico,woff2,pdf,webmanifest}'],
        // Slidev's copy of index.html for hosts that serve it on a miss; the site never asks for it.
        globIgnores: ['404.html'],
        // The PDF (about 10 MB) and the tfjs bundle are over Workbox's 2 MiB default.
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        // The first visit is served from the cache as soon as it is filled; later builds wait (registerType above).
        clientsClaim: true,
        cleanupOutdatedCaches: true,
        // A shared link carries the demo's settings in the query (`?ridge-gd.lambda=3`): the same index.html.
        ignoreURLParametersMatching: [/./],
        // Hash routing: every page is index.html; any other path stays the host's 404.
        navigateFallback: null,
      },
    }),
  ]
}
