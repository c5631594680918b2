import { PersonBatch } from '../../src/server/pipeline/person-batch'
import type { Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

const event = (name: string, distinctId: string, properties: Record<string, unknown>) => ({ uuid: name, event: name, distinct_id: distinctId, properties, timestamp: '2026-11-29T00:00:00.000Z' })

const newBatch = (store: Store) => new PersonBatch((distinctId) => store.persons.find(1, distinctId))

describe.each(STORE_KINDS)('persons, on %s', (kind) => {
  let opened: TestStore
  beforeEach(async () => {
    opened = await openTestStore(kind)
  })
  afterEach(() => opened.close())

  it('merges the anonymous person into the identified one on $identify, across batches', () => {
    const store = opened.store
    for (const e of [
      event('$pageview', 'anon-1', { $set: { utm_source: 'pinterest', email: 'old@x.example' } }),
      event('Signed Up', 'user-1', { $set: { email: 'jane@x.example' } }),
      event('$identify', 'user-1', { $anon_distinct_id: 'anon-1' }),
    ]) {
      const batch = newBatch(store)
      batch.apply(e)
      store.persons.write(1, batch.changes())
    }
    const person = store.persons.find(1, 'user-1')
    expect(person?.properties).toEqual({ utm_source: 'pinterest', email: 'jane@x.example' })
    expect(store.persons.find(1, 'anon-1')?.id).toBe(person?.id)
  })

  it('merges within one batch, moving the other distinct ids of the merged person too', () => {
    const store = opened.store
    const first = newBatch(store)
    first.apply(event('$pageview', 'anon-1', { $set: { utm_source: 'pinterest' } }))
    first.apply(event('$identify', 'device-2', { $anon_distinct_id: 'anon-1' }))
    store.persons.write(1, first.changes())
    const anonymousId = store.persons.find(1, 'device-2')?.id

    const batch = newBatch(store)
    batch.apply(event('Signed Up', 'user-1', { $set: { email: 'jane@x.example' } }))
    const merged = batch.apply(event('$identify', 'user-1', { $anon_distinct_id: 'anon-1' }))
    const later = batch.apply(event('Checkout', 'device-2', { $set: { plan: 'pro' } }))
    store.persons.write(1, batch.changes())

    expect(merged.person?.properties).toEqual({ utm_source: 'pinterest', email: 'jane@x.example' })
    expect(later.person).toEqual({ id: merged.person?.id, properties: { utm_source: 'pinterest', email: 'jane@x.example', plan: 'pro' } })
    for (const distinctId of ['user-1', 'anon-1', 'device-2']) expect(store.persons.find(1, distinctId)?.properties).toEqual(later.person?.properties)
    expect(merged.person?.id).not.toBe(anonymousId)
  })
})
