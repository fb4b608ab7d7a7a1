/** A slide title as plain text: its inline math (`$\lambda$`) without TeX, since the view shows it outside KaTeX. */
export function plainTitle(title: string): string {
  const greek: Record<string, string> = { alpha: 'α', beta: 'β', gamma: 'γ', eta: 'η', lambda: 'λ', mu: 'μ', sigma: 'σ', rho: 'ρ', theta: 'θ', ell: 'ℓ' }
  return title.replace(/\$([^$]*)\$/g, (_, tex: string) => tex
    .replace(/\\([a-z]+)/gi, (whole, name: string) => greek[name] ?? (name.length > 1 ? '' : whole))
    .replace(/[{}\\]/g, '')
    .replace(/\s+/g, ' ')
    .trim())
}

/** What the demo view reads of a slide's route (Slidev augments vue-router's RouteMeta only inside its own build). */
export interface SlideMeta { slide?: { title?: string, frontmatter?: Record<string, unknown> } }
export const slideMeta = (route: { meta: unknown } | undefined): SlideMeta => (route?.meta ?? {}) as SlideMeta
