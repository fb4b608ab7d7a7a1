import process from 'node:process'
import { definePreparserSetup } from '@slidev/types'

/**
 * What `scripts/build.mjs` sets for one build, through the environment (Slidev reads its config from the headmatter,
 * and has no option per build for these):
 * - `SLIDES_PRESENTER=false`: no presenter view (the student site; the notes go with `--without-notes`);
 * - `SLIDES_DOWNLOAD=<url>`: the PDF the site's Download button fetches (`download:` in the headmatter).
 * The dev server and `slidev export` never see them.
 */
export default definePreparserSetup(({ headmatter, mode }) => {
  const { SLIDES_PRESENTER, SLIDES_DOWNLOAD } = process.env
  if (mode !== 'build' || (!SLIDES_PRESENTER && !SLIDES_DOWNLOAD))
    return []
  const head = JSON.stringify(headmatter)
  return [{
    async transformSlide(_content, frontmatter) {
      // The headmatter is the first slide's frontmatter; Slidev reads the deck's config from it after this.
      if (JSON.stringify(frontmatter) !== head)
        return undefined
      if (SLIDES_PRESENTER)
        frontmatter.presenter = SLIDES_PRESENTER !== 'false'
      if (SLIDES_DOWNLOAD)
        frontmatter.download = SLIDES_DOWNLOAD
      return undefined // the slide's content unchanged
    },
  }]
})
