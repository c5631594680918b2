import { openSqliteStore } from '../../src/store/sqlite/database'

const event = (name: string, distinctId: string, properties: Record<string, unknown>) => ({ uuid: name, event: name, distinct_id: distinctId, properties, timestamp: '2026-11-29T00:00:00.000Z' })

describe('persons', () => {
  it('merges the anonymous person into the identified one on $identify', () => {
    const store = openSqliteStore(':memory:')
    store.persons.apply(1, event('$pageview', 'anon-1', { $set: { utm_source: 'pinterest', email: 'old@x.example' } }))
    store.persons.apply(1, event('Signed Up', 'user-1', { $set: { email: 'jane@x.example' } }))
    store.persons.apply(1, event('$identify', 'user-1', { $anon_distinct_id: 'anon-1' }))
    const person = store.persons.find(1, 'user-1')
    expect(person?.properties).toEqual({ utm_source: 'pinterest', email: 'jane@x.example' })
    expect(store.persons.find(1, 'anon-1')?.id).toBe(person?.id)
    store.close()
  })
})
