import { SyncPgConnection } from '../../src/store/postgres/sync-connection'
import type { CapturedEvent } from '../../src/store/types'
import { openTestStore, STORE_KINDS } from '../helpers/stores'

const LIMITS = { events: 100, bytes: 1_000_000, eventBytes: 1_000_000 }
const ALL_FAILED = { status: ['failed', 'gave_up'] as ('failed' | 'gave_up')[] }
const event = (uuid: string): CapturedEvent => ({ uuid, event: 'Order Completed', distinct_id: 'user-1', properties: {}, timestamp: '2026-12-01T10:00:00.000Z' })

describe.each(STORE_KINDS)('a failed delivery, on %s', (kind) => {
  it('is listed with the uuid, name, distinct id and time of its event while the event is kept, and with null once it is not', async () => {
    const opened = await openTestStore(kind)
    const { store } = opened
    store.events.append(1, [event('uuid-1')])
    const [stored] = store.events.pending(1, LIMITS)
    const delivery = { project_id: 1, function_id: 'fn-1', mapping: 'Checkout', event_uuid: 'uuid-1', payload: '{}', next_attempt_at: 0, first_seen_at: 0 }
    store.deliveries.add([
      { ...delivery, event_id: 'kept', event_row_id: stored.id },
      { ...delivery, event_id: 'gone', event_row_id: stored.id + 100 },
    ])
    const due = store.deliveries.dueFor('fn-1', 10, 10)
    store.deliveries.settle(
      due.map((d) => ({ id: d.id, status: 'failed' as const, attempts: 1, next_attempt_at: 0, last_error: 'email is not hashed' })),
      5,
    )
    const { results } = store.deliveries.failed('fn-1', ALL_FAILED, { limit: 10, offset: 0 })
    expect(results.map((d) => [d.event_id, d.reason, d.event])).toEqual([
      ['gone', 'rejected', null],
      ['kept', 'rejected', { uuid: 'uuid-1', event: 'Order Completed', distinct_id: 'user-1', timestamp: '2026-12-01T10:00:00.000Z' }],
    ])
    await opened.close()
  })
})

test('on Postgres, a failed delivery whose stored event is not JSON is listed with its event fields null', async () => {
  const opened = await openTestStore('postgres')
  const raw = new SyncPgConnection(opened.location)
  const id = raw.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (1, \'{"uuid": "u", not json\', 0) RETURNING id').pluck().get() as number
  raw.close()
  const { store } = opened
  store.deliveries.add([{ project_id: 1, function_id: 'fn-1', mapping: 'Checkout', event_uuid: 'u', event_id: 'e', payload: '{}', next_attempt_at: 0, first_seen_at: 0, event_row_id: id }])
  const [due] = store.deliveries.dueFor('fn-1', 10, 10)
  store.deliveries.settle([{ id: due.id, status: 'failed', attempts: 1, next_attempt_at: 0, last_error: 'email is not hashed' }], 5)
  expect(store.deliveries.failed('fn-1', ALL_FAILED, { limit: 10, offset: 0 }).results.map((d) => d.event)).toEqual([{ uuid: null, event: null, distinct_id: null, timestamp: null }])
  await opened.close()
})
