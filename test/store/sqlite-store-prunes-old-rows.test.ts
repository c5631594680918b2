import { openSqliteStore } from '../../src/store/sqlite/database'

const LIMITS = { events: 10, bytes: 1_000_000, eventBytes: 1_000_000 }

describe('SQLite store pruning', () => {
  it('deletes processed events, delivered, failed and given-up rows and logs older than the cut-off, and nothing else', () => {
    const store = openSqliteStore(':memory:')
    const project = store.projects.create('P')
    const event = { uuid: 'u', event: 'e', distinct_id: 'd', properties: {}, timestamp: '2026-11-29T00:00:00.000Z' }
    const now = jest.spyOn(Date, 'now')
    now.mockReturnValue(1_000)
    store.events.append(project.id, [event])
    now.mockReturnValue(9_000)
    store.events.append(project.id, [
      { ...event, uuid: 'v' },
      { ...event, uuid: 'w' },
    ])
    now.mockRestore()
    const [, recent] = store.events.pending(project.id, LIMITS)
    store.events.markProcessedThrough(project.id, recent.id, 9_500)
    const delivery = { project_id: project.id, function_id: 'f', mapping: 'Checkout', event_uuid: 'u', event_id: 'u', payload: '{}', next_attempt_at: 0, first_seen_at: 0 }
    store.deliveries.add(['a', 'b', 'c', 'd', 'e'].map((id) => ({ ...delivery, event_id: id })))
    const [a, b, c, d] = store.deliveries.dueFor('f', 10, 10)
    store.deliveries.settle([{ id: a.id, status: 'delivered', attempts: 1, next_attempt_at: 0, last_error: null }], 1_000)
    store.deliveries.settle([{ id: b.id, status: 'gave_up', attempts: 8, next_attempt_at: 0, last_error: 'gave up' }], 1_000)
    store.deliveries.settle([{ id: c.id, status: 'delivered', attempts: 1, next_attempt_at: 0, last_error: null }], 9_000)
    store.deliveries.settle([{ id: d.id, status: 'failed', attempts: 1, next_attempt_at: 0, last_error: 'rejected' }], 1_000)
    const log = { project_id: project.id, function_id: 'f', level: 'info' as const, message: 'm', instance_id: null }
    store.logs.add([
      { ...log, timestamp: '2026-01-01T00:00:00.000Z' },
      { ...log, timestamp: '2026-11-29T00:00:00.000Z' },
    ])

    expect(store.events.prune(5_000)).toBe(1)
    expect(store.events.pending(project.id, LIMITS).map((e) => e.event?.uuid)).toEqual(['w'])
    expect(store.deliveries.prune(5_000)).toBe(3)
    expect(store.logs.prune('2026-06-01T00:00:00.000Z')).toBe(1)
    expect(store.events.countPending()).toBe(1)
    expect(store.deliveries.counts()).toEqual({ pending: 1, delivered: 1, failed: 0, gave_up: 0 })
    expect(store.logs.list(project.id, 'f', { limit: 10 }).map((l) => l.timestamp)).toEqual(['2026-11-29T00:00:00.000Z'])
    store.close()
  })
})
