import type { SerialisedEvent } from '../pinterest/client'
import { attemptDelivery, type EventAttempt, type Send } from './attempt'
import type { Breaker, Ticket } from './breaker'
import type { Deadline } from './deadline'
import { decideOutcome, type EventSettlement, type FinalSettlement, giveUp, requestFailure } from './outcome'

/** An event to send, with the moment retrying it must stop. */
export interface RequestItem {
  event: SerialisedEvent
  deadline: Deadline
}

/** A change of a destination's state that earns its one log line. */
export type BreakerChange = { kind: 'opened'; reason: string } | { kind: 'recovered' }

export interface RequestResult {
  /** One per item, in order. */
  settlements: EventSettlement[]
  change?: BreakerChange
}

/** The items whose deadline has passed (given up without a request) apart from those still worth sending. */
export function splitExpired<T extends RequestItem>(
  items: readonly T[],
  nowMs: number,
  lastError?: (item: T) => string | undefined,
): { live: T[]; expired: { item: T; settlement: FinalSettlement }[] } {
  const live: T[] = []
  const expired: { item: T; settlement: FinalSettlement }[] = []
  for (const item of items) {
    if (nowMs < item.deadline.atMs) live.push(item)
    else expired.push({ item, settlement: giveUp(item.deadline, lastError?.(item)) })
  }
  return { live, expired }
}

/**
 * The request step of the delivery core, the same for the dispatcher and the server: one request (split
 * on a 400 by attemptDelivery), the destination's breaker told how it went, and each event's settlement
 * with one retry time for the whole request.
 */
export async function deliverRequest(send: Send<SerialisedEvent>, items: readonly RequestItem[], breaker: Breaker, ticket: Ticket, now: () => number): Promise<RequestResult> {
  let results: EventAttempt[]
  try {
    results = await attemptDelivery(
      send,
      items.map((item) => item.event),
    )
  } catch (error) {
    // Last line of defence: every event handed over must still end in exactly one outcome.
    const reason = `unexpected failure while sending: ${error instanceof Error ? error.message : String(error)}`
    results = items.map(() => ({ status: 'failed', reason }))
  }
  const deadlines = items.map((item) => item.deadline)
  // Nothing went (no budget): the breaker learnt nothing, and a probe may go with the next batch.
  if (results.every((result) => result.status === 'deferred')) {
    breaker.cancel(ticket)
    return { settlements: decideOutcome(results, deadlines, Number.POSITIVE_INFINITY) }
  }
  const nowMs = now()
  const failure = requestFailure(results, nowMs)
  if (!failure) {
    const recovered = breaker.succeeded()
    return { settlements: decideOutcome(results, deadlines, Number.POSITIVE_INFINITY), ...(recovered ? { change: { kind: 'recovered' } } : {}) }
  }
  const { retryAtMs, opened } = breaker.failed(ticket, nowMs, failure)
  return { settlements: decideOutcome(results, deadlines, retryAtMs), ...(opened ? { change: { kind: 'opened', reason: failure.reason } } : {}) }
}
