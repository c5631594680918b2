import type { CredentialsRejected, EventAttempt } from './attempt'
import { type Deadline, describeDeadline } from './deadline'
import { parseRetryAfter } from './retry-policy'

/** What became of one event after one request: the states every caller records, under these names. */
export type EventSettlement =
  | { status: 'delivered'; warning?: string }
  /**
   * Pinterest rejected it for good (or it cannot be sent): retrying would not help. With
   * `credentialsRejected` it was the destination's token or ad account, not the event: the in-memory
   * dispatcher fails it all the same (nothing can change its credentials), the server holds it until they change.
   */
  | { status: 'failed'; reason: string; credentialsRejected?: CredentialsRejected }
  /** `notSent`: the request was not made (no budget left): no attempt to count, nothing failed. */
  | { status: 'retry'; atMs: number; reason: string; notSent?: true }
  /** It could not be delivered before its deadline: given up after retrying. */
  | { status: 'gave_up'; reason: string }

/** A settlement that ends the event's delivery. */
export type FinalSettlement = Exclude<EventSettlement, { status: 'retry' }>

/** Why a request failed as a whole (no answer, 5xx, 429, 408), and the Retry-After it carried. */
export interface RequestFailure {
  reason: string
  retryAfterMs?: number
}

/**
 * Whether the destination failed this request: any event to retry means the request (or one of its
 * halves) got no usable answer. The longest Retry-After of the answers counts.
 */
export function requestFailure(results: readonly EventAttempt[], nowMs: number): RequestFailure | undefined {
  let failure: RequestFailure | undefined
  for (const result of results) {
    if (result.status !== 'retry') continue
    const retryAfterMs = parseRetryAfter(result.retryAfter, nowMs)
    if (!failure) failure = { reason: result.reason, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) }
    else if (retryAfterMs !== undefined && retryAfterMs > (failure.retryAfterMs ?? -1)) failure.retryAfterMs = retryAfterMs
  }
  return failure
}

/** Why an event waits that was not sent: its ad account's budget of requests was used. */
export const DEFERRED_REASON = "waiting for the ad account's budget of requests"

/**
 * Each event's settlement after a request. `retryAtMs` is the one retry time decided for the whole
 * request; an event whose deadline comes before it is given up now rather than held in vain.
 */
export function decideOutcome(results: readonly EventAttempt[], deadlines: readonly Deadline[], retryAtMs: number): EventSettlement[] {
  return results.map((result, i): EventSettlement => {
    if (result.status === 'delivered') return result.warning ? { status: 'delivered', warning: result.warning } : { status: 'delivered' }
    if (result.status === 'deferred') return { status: 'retry', atMs: result.atMs, reason: DEFERRED_REASON, notSent: true }
    if (result.status === 'failed')
      return result.credentialsRejected ? { status: 'failed', reason: result.reason, credentialsRejected: result.credentialsRejected } : { status: 'failed', reason: result.reason }
    if (retryAtMs >= deadlines[i].atMs) return giveUp(deadlines[i], result.reason)
    return { status: 'retry', atMs: retryAtMs, reason: result.reason }
  })
}

/** An event whose deadline passed before it could be sent (again). */
export function giveUp(deadline: Deadline, lastError?: string): Extract<EventSettlement, { status: 'gave_up' }> {
  return { status: 'gave_up', reason: `gave up: ${describeDeadline(deadline)}${lastError ? `; last error: ${lastError}` : ''}` }
}
