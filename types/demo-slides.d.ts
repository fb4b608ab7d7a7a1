// The demo slides, found in the slides' markdown at build time (setup/vite-plugins.ts).
declare module 'virtual:demo-slides' {
  import type { DemoSlide } from '../setup/vite-plugins'

  export const demoSlides: DemoSlide[]
}
