export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number
  /** The first retry waits up to this long; each later one up to twice as long as the one before. */
  baseDelayMs: number
  /** No single wait is longer, Retry-After included. */
  maxDelayMs: number
  /** An event older than this (since it was handed over) is given up instead of retried. */
  maxAgeMs: number
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 500,
  maxDelayMs: 60_000,
  maxAgeMs: 60 * 60 * 1000,
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
 * Exponential backoff with full jitter (a random wait between 0 and the exponential bound), so that
 * many clients hit by the same outage do not come back at the same instant. A Retry-After from
 * Pinterest is a floor; the result never exceeds maxDelayMs.
 */
export function retryDelayMs(failedAttempts: number, policy: RetryPolicy, random: () => number, retryAfterMs?: number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failedAttempts - 1))
  const jittered = Math.floor(random() * bound)
  return Math.min(policy.maxDelayMs, Math.max(jittered, retryAfterMs ?? 0))
}

export type RetryDecision = { retry: true; delayMs: number } | { retry: false; reason: string }

/** Whether an event that failed `attempts` times, first handed over at `firstSeenMs`, gets another try. */
export function decideRetry(
  attempts: number,
  firstSeenMs: number,
  nowMs: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): RetryDecision {
  if (attempts >= policy.maxAttempts) return { retry: false, reason: `gave up after ${attempts} attempts` }
  const delayMs = retryDelayMs(attempts, policy, random, retryAfterMs)
  if (nowMs + delayMs - firstSeenMs > policy.maxAgeMs) {
    return { retry: false, reason: `gave up after ${attempts} attempts: older than ${Math.round(policy.maxAgeMs / 1000)} s` }
  }
  return { retry: true, delayMs }
}
