import type { EventAttempt } from '../../src/delivery/attempt'
import { decideOutcome, requestFailure } from '../../src/delivery/outcome'

const NOW = Date.parse('2026-11-29T12:00:00Z')
const WEEK = 7 * 86_400_000
const far = { atMs: NOW + 86_400_000, cause: 'event_time' as const, spanMs: WEEK }
const soon = { atMs: NOW + 1_000, cause: 'event_time' as const, spanMs: WEEK }

describe('the outcome of one request', () => {
  it('gives every event to retry the one retry time of the request, and gives up the one whose window ends first', () => {
    const results: EventAttempt[] = [
      { status: 'delivered' },
      { status: 'delivered', warning: 'unknown event name' },
      { status: 'failed', reason: 'Pinterest rejected the event (400): code 4196: bad' },
      { status: 'retry', reason: 'HTTP 503: ramped down', retryAfter: null },
      { status: 'retry', reason: 'HTTP 503: ramped down', retryAfter: null },
    ]
    expect(decideOutcome(results, [far, far, far, far, soon], NOW + 5_000)).toEqual([
      { status: 'delivered' },
      { status: 'delivered', warning: 'unknown event name' },
      { status: 'failed', reason: 'Pinterest rejected the event (400): code 4196: bad' },
      { status: 'retry', atMs: NOW + 5_000, reason: 'HTTP 503: ramped down' },
      { status: 'gave_up', reason: "gave up: its event_time 2026-11-22T12:00:01.000Z is outside Pinterest's window (7 days old) from 2026-11-29T12:00:01.000Z; last error: HTTP 503: ramped down" },
    ])
  })

  it('is a failure of the destination only when some event is to be retried, with the longest Retry-After', () => {
    expect(requestFailure([{ status: 'delivered' }, { status: 'failed', reason: 'no' }], NOW)).toBeUndefined()
    const halves: EventAttempt[] = [
      { status: 'retry', reason: 'HTTP 429: slow down', retryAfter: '2' },
      { status: 'delivered' },
      { status: 'retry', reason: 'HTTP 429: slow down', retryAfter: '30' },
      { status: 'retry', reason: 'network error: fetch failed (ECONNREFUSED)', retryAfter: null },
    ]
    expect(requestFailure(halves, NOW)).toEqual({ reason: 'HTTP 429: slow down', retryAfterMs: 30_000 })
    expect(requestFailure([{ status: 'retry', reason: 'no answer within 100 ms', retryAfter: null }], NOW)).toEqual({ reason: 'no answer within 100 ms' })
  })
})
