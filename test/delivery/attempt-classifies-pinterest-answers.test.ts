import { attemptDelivery, type Send } from '../../src/delivery/attempt'
import type { HttpAttempt } from '../../src/pinterest/client'
import type { PinterestEvent } from '../../src/pinterest/schema'

function event(id: string): PinterestEvent {
  return { event_name: 'checkout', action_source: 'web', event_time: 1795947300, event_id: id, user_data: { em: ['a'.repeat(64)] } }
}

const answer = (status: number, body: unknown, retryAfter: string | null = null): HttpAttempt => ({ kind: 'response', status, body, retryAfter, requestId: null })

describe('one delivery attempt', () => {
  it('maps a 200 answer back to each event', async () => {
    const send: Send<PinterestEvent> = async () =>
      answer(200, {
        num_events_received: 3,
        num_events_processed: 2,
        events: [
          { status: 'processed', error_message: null, warning_message: null },
          { status: 'failed', error_message: 'event_time is too old', warning_message: null },
          { status: 'processed', error_message: null, warning_message: 'unknown event name' },
        ],
      })
    expect(await attemptDelivery(send, [event('1'), event('2'), event('3')])).toEqual([
      { status: 'delivered' },
      { status: 'failed', reason: 'event_time is too old' },
      { status: 'delivered', warning: 'unknown event name' },
    ])
  })

  it.each([
    [401, { code: 2, message: 'Authentication failed.' }, 'failed', 'conversion token rejected by Pinterest (401): code 2: Authentication failed.'],
    [
      403,
      { code: 29, message: 'You are not permitted to access that resource.' },
      'failed',
      'ad account not accessible with this token (403): code 29: You are not permitted to access that resource.',
    ],
    [422, { code: 1, message: 'Not all events were processed', details: { a: 1 } }, 'failed', 'Pinterest did not process the events (422): code 1: Not all events were processed details: {"a":1}'],
    [404, 'not found', 'failed', 'HTTP 404: not found'],
    [429, { code: 8, message: 'Rate limited' }, 'retry', 'HTTP 429: code 8: Rate limited'],
    [503, { code: 4197, message: 'Ramped down' }, 'retry', 'HTTP 503: code 4197: Ramped down'],
    [408, '', 'retry', 'HTTP 408: no error message'],
  ])('HTTP %i gives %s for every event', async (status, body, kind, reason) => {
    const results = await attemptDelivery(async () => answer(status, body, '2'), [event('1'), event('2')])
    const rejected = status === 401 || status === 403 ? { credentialsRejected: status } : {}
    const expected = kind === 'retry' ? { status: 'retry', reason, retryAfter: '2' } : { status: 'failed', reason, ...rejected }
    expect(results).toEqual([expected, expected])
  })

  it('turns a network error into a retry for every event', async () => {
    const results = await attemptDelivery(async () => ({ kind: 'network', error: 'no answer within 100 ms' }), [event('1')])
    expect(results).toEqual([{ status: 'retry', reason: 'no answer within 100 ms', retryAfter: null }])
  })

  it('splits a rejected batch until the bad events stand alone', async () => {
    const bad = new Set(['e3', 'e6'])
    const requests: number[] = []
    const send: Send<PinterestEvent> = async (events) => {
      requests.push(events.length)
      const culprit = events.find((e) => bad.has(e.event_id))
      if (culprit) return answer(400, { code: 4196, message: `Invalid request: ${culprit.event_id}` })
      return answer(200, { num_events_received: events.length, num_events_processed: events.length, events: events.map(() => ({ status: 'processed' })) })
    }
    const events = Array.from({ length: 8 }, (_, i) => event(`e${i + 1}`))
    const results = await attemptDelivery(send, events)
    expect(results.map((r) => r.status)).toEqual(['delivered', 'delivered', 'failed', 'delivered', 'delivered', 'failed', 'delivered', 'delivered'])
    expect(results[2]).toEqual({ status: 'failed', reason: 'Pinterest rejected the event (400): code 4196: Invalid request: e3' })
    expect(requests).toEqual([8, 4, 2, 2, 1, 1, 4, 2, 1, 1, 2])
  })

  it('treats a 200 without per-event entries as delivered, with a warning', async () => {
    expect(await attemptDelivery(async () => answer(200, 'OK'), [event('1')])).toEqual([{ status: 'delivered', warning: 'the answer had no per-event results' }])
  })
})
