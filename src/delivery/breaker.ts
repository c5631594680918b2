import type { RequestFailure } from './outcome'
import { backoffDelayMs, type RetryPolicy } from './retry-policy'

/** A request let through by the breaker; a probe is the one request of a destination that is down. */
export interface Ticket {
  probe: boolean
}

/**
 * One destination's health. Closed: batches go at full speed. When a request fails as a whole (no
 * answer, 5xx, 429) it opens: nothing goes until the backoff time, then one batch goes as a probe; the
 * probe's success closes it again, its failure doubles the backoff bound. The retry time of a failed
 * request is the next probe time, so held events and the probe come due together.
 */
export class Breaker {
  private state: 'closed' | 'open' | 'probing' = 'closed'
  private failures = 0
  private probeAtMs = 0

  constructor(
    private readonly policy: RetryPolicy,
    private readonly random: () => number,
  ) {}

  /** A ticket when a batch may go now (the probe when the destination is down and its time came), else undefined. */
  admit(nowMs: number): Ticket | undefined {
    if (this.state === 'closed') return { probe: false }
    if (this.state === 'probing' || nowMs < this.probeAtMs) return undefined
    this.state = 'probing'
    return { probe: true }
  }

  /** A ticket that sent nothing (its events had all expired): the probe may go with the next batch. */
  cancel(ticket: Ticket): void {
    if (ticket.probe && this.state === 'probing') this.state = 'open'
  }

  /** Undefined while closed; otherwise when a probe may go (Infinity while one is out). */
  get heldUntilMs(): number | undefined {
    if (this.state === 'closed') return undefined
    return this.state === 'probing' ? Number.POSITIVE_INFINITY : this.probeAtMs
  }

  get isClosed(): boolean {
    return this.state === 'closed'
  }

  /**
   * A request of this destination failed as a whole: the time its events are due again, and whether the
   * destination just became unavailable. A request that was already out when another one opened the
   * breaker changes nothing but can push the probe out with its Retry-After.
   */
  failed(ticket: Ticket, nowMs: number, failure: RequestFailure): { retryAtMs: number; opened: boolean } {
    const floor = nowMs + (failure.retryAfterMs ?? 0)
    if (ticket.probe || this.state === 'closed') {
      const opened = this.state === 'closed'
      this.failures += 1
      this.probeAtMs = nowMs + backoffDelayMs(this.failures, this.policy, this.random, failure.retryAfterMs)
      this.state = 'open'
      return { retryAtMs: this.probeAtMs, opened }
    }
    if (this.state === 'open') this.probeAtMs = Math.max(this.probeAtMs, floor)
    return { retryAtMs: Math.max(floor, this.state === 'open' ? this.probeAtMs : nowMs), opened: false }
  }

  /** Pinterest answered a request: full speed again. True when that ends an outage. */
  succeeded(): boolean {
    const recovered = this.state !== 'closed'
    this.state = 'closed'
    this.failures = 0
    return recovered
  }
}

/** The one log line when a destination becomes unavailable. */
export function unavailableMessage(held: number, reason: string): string {
  return `Pinterest unavailable, holding ${held} ${held === 1 ? 'delivery' : 'deliveries'}: ${reason}`
}

/** The one log line when it is back. */
export function recoveredMessage(held: number): string {
  return `Pinterest recovered, sending ${held} held ${held === 1 ? 'delivery' : 'deliveries'}`
}
