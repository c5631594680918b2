import type { HttpAttempt } from '../pinterest/client'
import { ConversionResponseSchema, errorMessage } from '../pinterest/response'
import { isRetryableStatus } from './retry-policy'

/**
 * Pinterest refused the destination's credentials (401: the conversion token, 403: the ad account with it):
 * no event of this destination can go until they change.
 */
export type CredentialsRejected = 401 | 403

/** What one delivery attempt decided for one event. */
export type EventAttempt =
  | { status: 'delivered'; warning?: string }
  | { status: 'failed'; reason: string; credentialsRejected?: CredentialsRejected }
  | { status: 'retry'; reason: string; retryAfter: string | null }
  /** Not sent: the ad account had no request budget left; it may go at `atMs` (no attempt, no failure). */
  | { status: 'deferred'; atMs: number }

/** A request the sender did not make, for want of budget (a split half, when waiting would hold up others). */
export interface Deferred {
  kind: 'deferred'
  atMs: number
}

export type Send<T> = (events: T[]) => Promise<HttpAttempt | Deferred>

/**
 * Sends events once and decides each one's fate. A 400 for several events is split in halves until
 * the bad events stand alone, so one bad event cannot sink the other 999 of its batch.
 */
export async function attemptDelivery<T>(send: Send<T>, events: T[]): Promise<EventAttempt[]> {
  const answer = await send(events)
  if (answer.kind === 'deferred') return events.map(() => ({ status: 'deferred', atMs: answer.atMs }))
  if (answer.kind === 'network') return events.map(() => ({ status: 'retry', reason: answer.error, retryAfter: null }))
  if (answer.status === 400 && events.length > 1) {
    const middle = Math.ceil(events.length / 2)
    const first = await attemptDelivery(send, events.slice(0, middle))
    const second = await attemptDelivery(send, events.slice(middle))
    return [...first, ...second]
  }
  if (answer.status >= 200 && answer.status < 300) return perEventResults(answer.body, events.length)
  const outcome = classifyError(answer.status, answer.body, answer.retryAfter)
  return events.map(() => outcome)
}

function classifyError(status: number, body: unknown, retryAfter: string | null): EventAttempt {
  const message = errorMessage(body)
  if (status === 401) return { status: 'failed', reason: `conversion token rejected by Pinterest (401): ${message}`, credentialsRejected: 401 }
  if (status === 403) return { status: 'failed', reason: `ad account not accessible with this token (403): ${message}`, credentialsRejected: 403 }
  if (status === 400) return { status: 'failed', reason: `Pinterest rejected the event (400): ${message}` }
  if (status === 422) return { status: 'failed', reason: `Pinterest did not process the events (422): ${message}` }
  if (isRetryableStatus(status)) return { status: 'retry', reason: `HTTP ${status}: ${message}`, retryAfter }
  return { status: 'failed', reason: `HTTP ${status}: ${message}` }
}

function perEventResults(body: unknown, count: number): EventAttempt[] {
  const parsed = ConversionResponseSchema.safeParse(body)
  // Pinterest said 200, so the events arrived; without per-event entries there is nothing more to learn.
  if (!parsed.success || parsed.data.events.length !== count) {
    return Array.from({ length: count }, () => ({ status: 'delivered', warning: 'the answer had no per-event results' }))
  }
  return parsed.data.events.map((entry): EventAttempt => {
    if (entry.status === 'failed') return { status: 'failed', reason: entry.error_message ?? 'failed without a message' }
    return entry.warning_message ? { status: 'delivered', warning: entry.warning_message } : { status: 'delivered' }
  })
}
