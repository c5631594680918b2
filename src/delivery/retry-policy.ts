import { MAX_AGE_SECONDS } from '../pinterest/time'

/**
 * When to try again, shared by the in-memory dispatcher (CLI, plugin) and the server's sender. The budget
 * is time, not attempts: an outage is not a reason to give up while Pinterest would still take the event.
 */
export interface RetryPolicy {
  /** After the first failure of a destination the wait is up to this long; each further failure doubles the bound. */
  baseDelayMs: number
  /** The doubling stops here. A Retry-After from Pinterest is honoured in full, even above this. */
  maxDelayMs: number
  /** An event is given up once its event_time is older than this: Pinterest takes the last 7 days, never more. */
  maxEventAgeMs: number
  /** An event is given up this long after it was handed over, whatever its event_time (a short-lived plugin sets it). */
  maxRetryMs: number
}

/** Pinterest's window for event_time, in milliseconds. */
export const PINTEREST_WINDOW_MS = MAX_AGE_SECONDS * 1000

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  baseDelayMs: 1000,
  maxDelayMs: 5 * 60 * 1000,
  maxEventAgeMs: PINTEREST_WINDOW_MS,
  maxRetryMs: Number.POSITIVE_INFINITY,
}

/** The defaults with the given overrides; the event age never exceeds Pinterest's window. */
export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...withoutUndefined(overrides) }
  return { ...policy, maxEventAgeMs: Math.min(policy.maxEventAgeMs, PINTEREST_WINDOW_MS) }
}

function withoutUndefined(values: Partial<RetryPolicy>): Partial<RetryPolicy> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined))
}

/** Timeouts, rate limits and server errors pass; a bad request, token or account will not. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

/** Retry-After as seconds or an HTTP date, in milliseconds from now; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined
  const text = header.trim()
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000)
  const date = Date.parse(text)
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs)
}

/**
 * The wait after a destination's `failures`-th failure in a row: exponential backoff with full jitter
 * (a random wait between 0 and the bound), so that many senders hit by one outage do not come back at
 * the same instant. The bound stops at maxDelayMs; Retry-After is a floor above it.
 */
export function backoffDelayMs(failures: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(52, Math.max(0, failures - 1)))
  return Math.max(Math.floor(random() * bound), retryAfterMs ?? 0)
}
