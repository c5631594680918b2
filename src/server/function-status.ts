import { type DeliveryHold, PENDING_COUNT_CAP, type StoredFunction } from '../store/types'

/** PostHog's HogFunctionState numbers (the hog watcher's): the ones this server gives. */
export const FUNCTION_STATE = { healthy: 1, degraded: 2 } as const

/**
 * PostHog's `status` of a hog function ({state, rating, tokens}) and, when the function is degraded because
 * Pinterest refused its credentials, why and what it holds: `reason` (a sentence for people), `held_since`,
 * `held_deliveries`, `http_status` and `fix`, the inputs whose change resumes the deliveries.
 */
export type FunctionStatus =
  | { state: typeof FUNCTION_STATE.healthy; rating: 1; tokens: 0 }
  | {
      state: typeof FUNCTION_STATE.degraded
      rating: 0
      tokens: 0
      reason: string
      held_since: string
      held_deliveries: number
      http_status: 401 | 403
      fix: ['conversion_token', 'ad_account_id']
    }

export const HEALTHY: FunctionStatus = { state: FUNCTION_STATE.healthy, rating: 1, tokens: 0 }

/** The status of a function given its stored hold, if any; `heldDeliveries` is only counted for a held one. */
export function functionStatus(fn: StoredFunction, hold: DeliveryHold | undefined, heldDeliveries: () => number): FunctionStatus {
  // A hold of earlier credentials no longer applies (the save that changed them also deletes it).
  if (!hold || hold.credentials_version !== fn.credentials_version) return HEALTHY
  const held = heldDeliveries()
  return {
    state: FUNCTION_STATE.degraded,
    rating: 0,
    tokens: 0,
    reason: `Pinterest refused this destination's credentials (${hold.reason}). ${heldWords(held)} held, not failed: save a changed conversion token or ad account ID to send them; those older than Pinterest's 7-day window by then fail.`,
    held_since: new Date(hold.held_at).toISOString(),
    held_deliveries: held,
    http_status: hold.http_status,
    fix: ['conversion_token', 'ad_account_id'],
  }
}

/** The held count as the status has always said it (no separators), or the cap's words above it (the alert monitor counts up to the cap). */
const heldWords = (held: number) => (held > PENDING_COUNT_CAP ? countOf(held, 'delivery is', 'deliveries are') : `${held} ${held === 1 ? 'delivery is' : 'deliveries are'}`)

/** A count of deliveries in words: one read up to the cap and found above it is "more than 100,000". */
export function countOf(n: number, one: string, many: string): string {
  if (n > PENDING_COUNT_CAP) return `more than ${PENDING_COUNT_CAP.toLocaleString('en-US')} ${many}`
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`
}
