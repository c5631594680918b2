import type { CapturedEvent, Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'
import { applyPersons, capturedEvent } from '../helpers/persons'

const event = capturedEvent

function capture(store: Store, projectId: number, events: CapturedEvent[]): void {
  store.events.append(projectId, events)
  applyPersons(store, projectId, events)
}

function deliver(store: Store, projectId: number, uuids: string[]): void {
  store.deliveries.add(uuids.map((uuid) => ({ project_id: projectId, function_id: 'fn-1', mapping: 'm', event_uuid: uuid, event_id: uuid, payload: '{}', next_attempt_at: 0, first_seen_at: 0 })))
}

const LIMITS = { events: 100, bytes: 1_000_000, eventBytes: 1_000_000 }
const remainingEvents = (store: Store) => [1, 2].flatMap((p) => store.events.pending(p, LIMITS)).map((e) => `${e.project_id}:${e.event?.uuid}`)

describe.each(STORE_KINDS)('deleting a person, on %s', (kind) => {
  let opened: TestStore
  beforeEach(async () => {
    opened = await openTestStore(kind)
  })
  afterEach(() => opened.close())

  it('removes the person, all its distinct ids, their events, undelivered deliveries and log lines, and nothing else', () => {
    const store = opened.store
    capture(store, 1, [
      event('e1', '$pageview', 'anon-1', { $set: { email: 'jane@example.com' } }),
      event('e2', 'Signed Up', 'user-1', { $set: { phone: '+15551234567' } }),
      event('e3', '$identify', 'user-1', { $anon_distinct_id: 'anon-1' }),
      event('e4', '$pageview', 'user-2', { $set: { email: 'other@example.com' } }),
    ])
    capture(store, 2, [event('e5', '$pageview', 'user-1', { $set: { email: 'same-id-other-project@example.com' } })])
    deliver(store, 1, ['e1', 'e2', 'e4'])
    const [first] = store.deliveries.dueFor('fn-1', 1, 10)
    store.deliveries.settle([{ id: first.id, status: 'delivered', attempts: 1, next_attempt_at: 0, last_error: null }], 1)
    store.logs.add(
      ['e1', 'e2', 'e4'].map((uuid) => ({ project_id: 1, function_id: 'fn-1', timestamp: '2026-11-29T00:00:00.000Z', level: 'info' as const, message: `sent ${uuid}`, instance_id: uuid })),
    )

    expect(store.persons.delete(1, 'anon-1')).toEqual({ persons: 1, distinctIds: 2, events: 3, deliveries: 1, logs: 2 })
    expect(store.persons.find(1, 'user-1')).toBeUndefined()
    expect(store.persons.find(1, 'anon-1')).toBeUndefined()
    expect(store.persons.find(1, 'user-2')?.properties).toEqual({ email: 'other@example.com' })
    expect(store.persons.find(2, 'user-1')?.properties).toEqual({ email: 'same-id-other-project@example.com' })
    expect(remainingEvents(store)).toEqual(['1:e4', '2:e5'])
    // The delivered row (e1) stays as the record of what was sent; e2's pending one is gone.
    expect(store.deliveries.counts()).toMatchObject({ pending: 1, delivered: 1 })
    expect(store.deliveries.dueFor('fn-1', 1, 10).map((d) => d.event_uuid)).toEqual(['e4'])
    expect(store.logs.list(1, 'fn-1', { limit: 10 }).map((l) => l.message)).toEqual(['sent e4'])
  })

  it('removes the events of a distinct id that has no person', () => {
    const store = opened.store
    capture(store, 1, [event('e1', 'Viewed', 'visitor-9'), event('e2', 'Viewed', 'visitor-9'), event('e3', 'Viewed', 'visitor-8')])
    expect(store.persons.delete(1, 'visitor-9')).toEqual({ persons: 0, distinctIds: 0, events: 2, deliveries: 0, logs: 0 })
    expect(remainingEvents(store)).toEqual(['1:e3'])
    expect(store.persons.delete(1, 'nobody')).toEqual({ persons: 0, distinctIds: 0, events: 0, deliveries: 0, logs: 0 })
  })
})
