import { DEFAULT_LIMITS, EventProcessor } from '../../../src/server/pipeline/event-processor'
import { FunctionRegistry } from '../../../src/server/pipeline/function-registry'
import type { CapturedEvent, Store } from '../../../src/store/types'
import { anotherPostgresStore, openTestStore, type TestStore } from '../../helpers/stores'

jest.setTimeout(30_000)

const order = (uuid: string): CapturedEvent => ({ uuid, event: 'Order Completed', distinct_id: 'jane', timestamp: new Date(Date.now() - 60_000).toISOString(), properties: { $ip: '203.0.113.9' } })

describe('two event processors on one postgres', () => {
  let opened: TestStore
  let a: Store
  let b: Store
  beforeEach(async () => {
    opened = await openTestStore('postgres')
    a = opened.store
    b = anotherPostgresStore(opened)
  })
  afterEach(async () => {
    b.close()
    await opened.close()
  })

  const processor = (store: Store) => new EventProcessor(store, new FunctionRegistry(store.functions), DEFAULT_LIMITS)

  it("map another project while one project's turn is the other worker's, and that project after it", () => {
    // No destinations: what is processed shows in the watermarks alone.
    const [p, q] = ['P', 'Q'].map((name) => {
      const id = a.projects.create(name).id
      a.events.append(id, [order(`${name}-1`), order(`${name}-2`)])
      return id
    })
    // Worker A is in the middle of P's turn.
    expect(a.events.claim(p)).toBe(true)
    const worker = processor(b)
    const turns = [worker.runTurn(), worker.runTurn()].map((turn) => turn?.processed)
    expect(turns).toEqual([0, 2])
    expect([b.events.countPending(p), b.events.countPending(q)]).toEqual([2, 0])

    a.events.release(p)
    while (worker.runTurn() !== undefined) {}
    expect(b.events.countPending()).toBe(0)
  })

  it('start beside a live worker without counting its batch as failed', () => {
    const p = a.projects.create('P').id
    a.events.append(p, [order('e1'), order('e2')])
    expect(a.events.claim(p)).toBe(true)
    const batch = a.events.pending(p, { events: 10, bytes: 1e6, eventBytes: 1e6 })
    a.events.begin(p, batch[0].id, batch[1].id)
    const worker = processor(b)
    expect(worker.runTurn()?.processed).toBe(0)
    // Worker A finishes its batch: nothing was counted against its events.
    a.events.markProcessedThrough(p, batch[1].id, 1)
    a.events.release(p)
    a.events.append(p, [order('e3')])
    expect(b.events.claim(p)).toBe(true)
    expect(b.events.pending(p, { events: 10, bytes: 1e6, eventBytes: 1e6 }).map((e) => [e.event?.uuid, e.failures])).toEqual([['e3', 0]])
    b.events.release(p)
  })
})
