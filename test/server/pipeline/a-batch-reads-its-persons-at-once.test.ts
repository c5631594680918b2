import { DEFAULT_LIMITS, EventProcessor } from '../../../src/server/pipeline/event-processor'
import { FunctionRegistry } from '../../../src/server/pipeline/function-registry'
import type { CapturedEvent } from '../../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../../helpers/stores'

jest.setTimeout(30_000)

const event = (uuid: string, name: string, distinctId: string, properties: Record<string, unknown>): CapturedEvent => ({
  uuid,
  event: name,
  distinct_id: distinctId,
  timestamp: new Date(Date.now() - 60_000).toISOString(),
  properties,
})

describe.each(STORE_KINDS)('a batch of events, on %s', (kind) => {
  let opened: TestStore
  beforeEach(async () => {
    opened = await openTestStore(kind)
  })
  afterEach(() => opened.close())

  it('reads the persons of all its distinct ids, anonymous ones of $identify included, in one call', () => {
    const { store } = opened
    const p = store.projects.create('P').id
    store.persons.write(p, { persons: [{ id: 'person-jane', properties: '{"plan":"pro"}' }], links: [{ distinctId: 'jane', personId: 'person-jane' }], merged: [] })
    store.events.append(p, [
      event('e1', 'Viewed', 'jane', { $set: { email: 'jane@x.example' } }),
      event('e2', 'Viewed', 'anon-1', { $set: { utm_source: 'pinterest' } }),
      event('e3', '$identify', 'bob', { $anon_distinct_id: 'anon-1' }),
      event('e4', 'Viewed', 'jane', {}),
    ])
    const findMany = jest.spyOn(store.persons, 'findMany')
    const find = jest.spyOn(store.persons, 'find')
    const processor = new EventProcessor(store, new FunctionRegistry(store.functions), DEFAULT_LIMITS)
    expect(processor.runTurn()?.processed).toBe(4)
    expect(findMany.mock.calls.map(([projectId, ids]) => [projectId, [...ids].sort()])).toEqual([[p, ['anon-1', 'bob', 'jane']]])
    expect(find).not.toHaveBeenCalled()
    expect(store.persons.find(p, 'jane')?.properties).toEqual({ plan: 'pro', email: 'jane@x.example' })
    expect(store.persons.find(p, 'anon-1')?.id).toBe(store.persons.find(p, 'bob')?.id)
    expect(store.persons.find(p, 'bob')?.properties).toEqual({ utm_source: 'pinterest' })
  })
})
