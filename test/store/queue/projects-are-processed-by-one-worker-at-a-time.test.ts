import type { CapturedEvent, Store } from '../../../src/store/types'
import { anotherPostgresStore, openTestStore, type TestStore } from '../../helpers/stores'

const event = (uuid: string): CapturedEvent => ({ uuid, event: 'e', distinct_id: 'd', properties: {}, timestamp: '2026-12-01T00:00:00.000Z' })
const LIMITS = { events: 100, bytes: 1_000_000, eventBytes: 1_000_000 }

/** Waits a bounded time for `condition` (a server noticing a closed connection), not a speed assertion. */
async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe("a project's events with two workers on postgres", () => {
  let opened: TestStore
  let a: Store
  let b: Store
  let p: number
  let q: number
  beforeEach(async () => {
    opened = await openTestStore('postgres')
    a = opened.store
    b = anotherPostgresStore(opened)
    p = a.projects.create('P').id
    q = a.projects.create('Q').id
    a.events.append(p, [event('p1'), event('p2')])
    a.events.append(q, [event('q1')])
  })
  afterEach(async () => {
    b.close()
    await opened.close()
  })

  it('are claimed by one worker at a time: the other skips them until they are released, and takes other projects', () => {
    expect(a.events.claim(p)).toBe(true)
    expect(b.events.claim(p)).toBe(false)
    expect(b.events.claim(q)).toBe(true)
    expect(a.events.claim(q)).toBe(false)
    a.events.release(p)
    expect(b.events.claim(p)).toBe(true)
    expect(a.events.claim(p)).toBe(false)
  })

  it("leave a live worker's batch alone when another worker starts or claims other projects, and its finish counts no failure", () => {
    expect(a.events.claim(p)).toBe(true)
    const batch = a.events.pending(p, LIMITS)
    a.events.begin(p, batch[0].id, batch[1].id)
    // A worker starting beside it.
    expect(b.events.claim(p)).toBe(false)
    expect(b.events.claim(q)).toBe(true)
    b.events.release(q)
    a.events.markProcessedThrough(p, batch[1].id, 1)
    a.events.release(p)
    a.events.append(p, [event('p3')])
    expect(b.events.claim(p)).toBe(true)
    expect(b.events.pending(p, LIMITS).map((e) => [e.event?.uuid, e.failures])).toEqual([['p3', 0]])
  })

  it('pass from a worker whose connection closed mid-batch to the other at once, with a failure counted for each event of its batch', async () => {
    expect(a.events.claim(p)).toBe(true)
    const batch = a.events.pending(p, LIMITS)
    a.events.begin(p, batch[0].id, batch[1].id)
    a.close()
    await eventually(() => b.events.claim(p))
    expect(b.events.pending(p, LIMITS).map((e) => [e.event?.uuid, e.failures])).toEqual([['p1', 1]])
    b.events.release(p)
    // Counted once: the batch is forgotten. Each of its events comes alone, with its failure.
    expect(b.events.claim(p)).toBe(true)
    const [p1] = b.events.pending(p, LIMITS)
    expect([p1.event?.uuid, p1.failures]).toEqual(['p1', 1])
    b.events.markProcessedThrough(p, p1.id, 1)
    expect(b.events.pending(p, LIMITS).map((e) => [e.event?.uuid, e.failures])).toEqual([['p2', 1]])
  })
})
