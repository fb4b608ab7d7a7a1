/**
 * Whether a demo on a slide should train now. One decision for every demo:
 * - 'print': exporting to PDF; compute the finished run of the default configuration at once.
 * - 'live': the slide is the one shown in the audience view or the presenter's main pane.
 * - 'still': overview thumbnails, the presenter's next-slide preview, preloaded hidden slides;
 *   draw what is there, train nothing.
 */
export type DemoMode = 'print' | 'live' | 'still'

export interface DemoModeInput {
  isPrintMode: boolean
  /** Slidev's render context: 'slide', 'presenter', 'overview', 'previewNext' or 'none'. */
  renderContext: string
  /** The demo's slide number. */
  page: number
  /** The slide the navigation is on. */
  currentPage: number
  /** false while the browser tab is hidden. */
  documentVisible: boolean
}

export function demoMode(input: DemoModeInput): DemoMode {
  if (input.isPrintMode)
    return 'print'
  const shownContext = input.renderContext === 'slide' || input.renderContext === 'presenter'
  if (shownContext && input.page === input.currentPage && input.documentVisible)
    return 'live'
  return 'still'
}
