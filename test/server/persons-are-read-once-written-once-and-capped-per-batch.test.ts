import { PersonBatch } from '../../src/server/pipeline/person-batch'
import type { CapturedEvent, StoredPerson } from '../../src/store/types'

const event = (distinctId: string, properties: Record<string, unknown>, name = 'Order Completed'): CapturedEvent => ({
  uuid: `u-${Math.random()}`,
  event: name,
  distinct_id: distinctId,
  properties,
  timestamp: '2026-11-29T00:00:00.000Z',
})

function storedPerson(id: string, properties: Record<string, unknown>): StoredPerson {
  return { id, properties, bytes: Buffer.byteLength(JSON.stringify(properties)) }
}

describe('the persons of a batch', () => {
  it('reads each distinct id once and writes each changed person once, however many events it has', () => {
    const reads: string[] = []
    const stored = storedPerson('p-1', { plan: 'free' })
    const batch = new PersonBatch((distinctId) => {
      reads.push(distinctId)
      return distinctId === 'jane' ? stored : undefined
    })
    for (let i = 0; i < 500; i++) batch.apply(event('jane', { $set: { visits: i } }))
    for (let i = 0; i < 10; i++) batch.apply(event('nobody', {}))
    const last = batch.apply(event('jane', {}))

    expect(reads).toEqual(['jane', 'nobody'])
    expect(last.person).toEqual({ id: 'p-1', properties: { plan: 'free', visits: 499 } })
    expect(batch.changes()).toEqual({ persons: [{ id: 'p-1', properties: '{"plan":"free","visits":499}' }], links: [], merged: [] })
  })

  it('gives each event the person as it was after that event', () => {
    const batch = new PersonBatch(() => undefined)
    const first = batch.apply(event('jane', { $set: { step: 1 } }))
    const second = batch.apply(event('jane', { $set: { step: 2 }, $set_once: { first_seen: 'a', step: 0 } }))
    expect(first.person?.properties).toEqual({ step: 1 })
    expect(second.person?.properties).toEqual({ first_seen: 'a', step: 2 })
    expect(batch.changes().links).toEqual([{ distinctId: 'jane', personId: first.person?.id }])
  })

  it('refuses an update that would take the properties over the limit, and keeps the person as it was', () => {
    const limit = 1_000
    const batch = new PersonBatch(() => undefined, limit)
    batch.apply(event('jane', { $set: { a: 'x'.repeat(600) } }))
    const refused = batch.apply(event('jane', { $set: { b: 'y'.repeat(600) } }))
    const replaced = batch.apply(event('jane', { $set: { a: 'z'.repeat(900) } }))

    expect(refused.refused).toMatch(/^its properties would be about 1\d\d\d bytes, over the limit of 1000$/)
    expect(refused.refused).not.toContain('yyy')
    expect(refused.person?.properties).toEqual({ a: 'x'.repeat(600) })
    // Replacing a value frees its bytes: 900 in place of 600 fits.
    expect(replaced.refused).toBeUndefined()
    expect(replaced.person?.properties).toEqual({ a: 'z'.repeat(900) })
  })

  it('measures the serialised size exactly enough to take an update that just fits and refuse one that does not', () => {
    const start = { name: 'Jane', tags: ['a', 'b'], nested: { é: 1 } }
    const update = { $set: { name: 'Jane Doe', city: 'Zürich' }, $set_once: { first: true, name: 'ignored' } }
    const after = { first: true, name: 'Jane Doe', tags: ['a', 'b'], nested: { é: 1 }, city: 'Zürich' }
    const exact = Buffer.byteLength(JSON.stringify(after))
    const fits = new PersonBatch(() => storedPerson('p-1', start), exact + 1).apply(event('jane', update))
    const over = new PersonBatch(() => storedPerson('p-1', start), exact - 2).apply(event('jane', update))
    expect(fits).toEqual({ person: { id: 'p-1', properties: after } })
    expect(over.refused).toBeDefined()
  })
})
