/**
 * PostHog's `status` of a hog function as the hog_functions GET answers it: `state` 1 is healthy, 2 degraded.
 * This server degrades a destination when Pinterest refuses its credentials; it then says why and what it holds.
 */
export interface FunctionStatus {
  state: number
  rating?: number
  tokens?: number
  reason?: string
  held_since?: string
  held_deliveries?: number
  http_status?: number
  fix?: string[]
}

/** What a held destination shows: why, since when, how many deliveries wait, and which inputs resume them. */
export interface Held {
  reason: string
  since: string
  count: number
  fix: string[]
}

const DEGRADED = 2

/** The hold the status describes, or null for a healthy (or missing, or unreadable) status. */
export function heldOf(status: FunctionStatus | null | undefined): Held | null {
  if (!status || status.state !== DEGRADED) return null
  const count = typeof status.held_deliveries === 'number' && Number.isFinite(status.held_deliveries) ? status.held_deliveries : 0
  return {
    reason: status.reason ?? 'Pinterest refused this destination’s credentials.',
    since: status.held_since ?? '',
    count,
    fix: status.fix ?? [],
  }
}

/** "1 delivery held", "2,000 deliveries held". */
export function heldCountText(count: number): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? 'delivery' : 'deliveries'} held`
}

/** "2026-12-01 14:20 UTC": the instant, in minutes, the same for every viewer; '' for an unreadable one. */
export function utcMinute(iso: string): string {
  const ms = Date.parse(iso)
  if (!Number.isFinite(ms)) return ''
  const text = new Date(ms).toISOString()
  return `${text.slice(0, 10)} ${text.slice(11, 16)} UTC`
}
