import { PINTEREST_WINDOW_MS } from './retry-policy'

/**
 * Why a delivery failed or was given up, as a code for filtering and counting (the failed-deliveries list,
 * a job's failures) and a label for people. The delivery core words each outcome (attempt.ts, outcome.ts,
 * deadline.ts); the code is read from those words once, when the outcome is stored.
 */
export const DELIVERY_REASONS = {
  rejected: 'Pinterest rejected the event',
  outside_window: "Outside Pinterest's 7-day window",
  gave_up: 'Retries ran out before the deadline',
  credentials: 'Pinterest refused the token or ad account',
  function_unavailable: 'The destination was deleted or cannot run',
  other: 'Another error',
} as const

export type DeliveryReason = keyof typeof DELIVERY_REASONS

/** Why a job's item was refused before anything was sent; a job's failures also count the delivery reasons above. */
export const JOB_REASONS = {
  event_not_kept: 'The stored event is no longer kept',
  mapping_gone: 'The mapping no longer exists',
  not_mapped: 'The mapping skipped the event or failed on it',
} as const

export type JobReason = keyof typeof JOB_REASONS
export type FailureReason = DeliveryReason | JobReason

export const FAILURE_LABELS: Record<FailureReason, string> = { ...DELIVERY_REASONS, ...JOB_REASONS }

export const isDeliveryReason = (code: string): code is DeliveryReason => Object.hasOwn(DELIVERY_REASONS, code)

// The words the delivery core writes (see test/delivery/failure-reasons-classify-what-the-core-writes.test.ts).
const REFUSED_CREDENTIALS = [/conversion token rejected by Pinterest \(401\)/, /ad account not accessible with this token \(403\)/]
const OUTSIDE_WINDOW = [/^gave up: its event_time .* is outside Pinterest's window/, /^gave up: it was handed over more than /]

/** The code of a stored failure (`failed` or `gave_up` with its last error). */
export function failureReasonOf(status: 'failed' | 'gave_up', lastError: string | null): DeliveryReason {
  const text = lastError ?? ''
  if (status === 'gave_up') {
    // A held delivery that outlived the window on resume: the credentials were why it was not sent.
    if (REFUSED_CREDENTIALS.some((pattern) => pattern.test(text))) return 'credentials'
    if (OUTSIDE_WINDOW.some((pattern) => pattern.test(text))) return 'outside_window'
    return 'gave_up'
  }
  if (text.startsWith('the function ')) return 'function_unavailable'
  if (REFUSED_CREDENTIALS.some((pattern) => pattern.test(text))) return 'credentials'
  if (text.startsWith('HTTP ') || text.startsWith('unexpected failure')) return 'other'
  // Pinterest's own per-event error (any text), or its 400/422 for the event.
  return 'rejected'
}

/** Whether an event of this event_time (Unix seconds) can still be sent to Pinterest at `nowMs`. */
export function insideWindow(eventTimeS: number | undefined, nowMs: number): boolean {
  return eventTimeS !== undefined && eventTimeS * 1000 > nowMs - PINTEREST_WINDOW_MS
}
