import type { FunctionStatus } from './function-status'

/** A destination as the hog_functions list answers it (the fields the page shows). */
export interface Destination {
  id: string
  name: string
  description: string
  enabled: boolean
  updated_at: string
  icon_url?: string | null
  template?: { id: string; name: string; icon_url?: string | null } | null
  /** PostHog's status: degraded while Pinterest refuses the credentials and deliveries are held. */
  status?: FunctionStatus | null
}

/** The list as shown: matching `search` in name, description or template name; paused ones only when asked. */
export function visibleDestinations<T extends Destination>(all: T[], search: string, showPaused: boolean): T[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean)
  return all.filter((d) => {
    if (!showPaused && !d.enabled) return false
    const haystack = `${d.name} ${d.description} ${d.template?.name ?? ''}`.toLowerCase()
    return words.every((w) => haystack.includes(w))
  })
}

/** "3 minutes ago", "2 hours ago", "5 days ago": how long before `nowMs` the instant `iso` was. */
export function timeAgo(iso: string, nowMs: number): string {
  const seconds = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000))
  if (!Number.isFinite(seconds)) return ''
  const units: [number, string][] = [
    [86_400, 'day'],
    [3_600, 'hour'],
    [60, 'minute'],
  ]
  for (const [size, unit] of units) {
    const n = Math.floor(seconds / size)
    if (n >= 1) return `${n} ${unit}${n === 1 ? '' : 's'} ago`
  }
  return 'just now'
}

/** A template as the catalogue lists it. */
export interface TemplateSummary {
  id: string
  name: string
  description: string
  icon_url?: string | null
  category?: string[]
}

export function matchingTemplates<T extends TemplateSummary>(all: T[], search: string): T[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean)
  return all.filter((t) => {
    const haystack = `${t.name} ${t.description} ${(t.category ?? []).join(' ')}`.toLowerCase()
    return words.every((w) => haystack.includes(w))
  })
}
