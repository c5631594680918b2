import { DEFAULT_LIMITS, EventProcessor } from '../../../src/server/pipeline/event-processor'
import { FunctionRegistry } from '../../../src/server/pipeline/function-registry'
import type { CapturedEvent, Store } from '../../../src/store/types'
import { anotherPostgresStore, openTestStore, type TestStore } from '../../helpers/stores'

jest.setTimeout(30_000)

const order = (uuid: string): CapturedEvent => ({ uuid, event: 'Order Completed', distinct_id: 'jane', timestamp: new Date(Date.now() - 60_000).toISOString(), properties: { $ip: '203.0.113.9' } })
const orders = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => order(`${prefix}-${i}`))

describe('a worker mapping a busy project on postgres', () => {
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

  // No destinations: what is processed shows in the turns and the watermarks alone.
  const processor = (store: Store) => new EventProcessor(store, new FunctionRegistry(store.functions), { ...DEFAULT_LIMITS, batchEvents: 500 })

  it('keeps it between turns, so the other worker maps none of its events, and lets go once nothing is pending', () => {
    const p = a.projects.create('P').id
    a.events.append(p, orders('first', 1_200))
    const [mapping, other] = [processor(a), processor(b)]
    const turns: [number | undefined, number | undefined][] = []
    for (let i = 0; i < 3; i++) turns.push([mapping.runTurn()?.processed, other.runTurn()?.processed])
    expect(turns).toEqual([
      [500, 0],
      [500, 0],
      [200, undefined],
    ])
    // Kept while events keep coming: the new ones are the same worker's too.
    a.events.append(p, orders('more', 10))
    expect([other.runTurn()?.processed, mapping.runTurn()?.processed]).toEqual([0, 10])
    // Nothing pending: the next round lets go, and the other worker takes the project's next events.
    expect(mapping.runTurn()).toBeUndefined()
    a.events.append(p, orders('later', 3))
    expect(other.runTurn()?.processed).toBe(3)
    // Now the other worker keeps it.
    a.events.append(p, orders('last', 2))
    expect([mapping.runTurn()?.processed, other.runTurn()?.processed]).toEqual([0, 2])
    expect(b.events.countPending()).toBe(0)
  })

  it('lets go of it when turning to another project, which the other worker may then map', () => {
    const [p, q] = ['P', 'Q'].map((name) => a.projects.create(name).id)
    a.events.append(p, orders('p', 600))
    const [mapping, other] = [processor(a), processor(b)]
    expect(mapping.runTurn()?.processed).toBe(500)
    a.events.append(q, orders('q', 5))
    // The round's next project is Q: P is free for the other worker meanwhile.
    expect(mapping.runTurn()?.processed).toBe(100)
    expect(mapping.runTurn()?.processed).toBe(5)
    a.events.append(p, orders('p-more', 7))
    expect(other.runTurn()?.processed).toBe(7)
  })
})
