import type { FetchLike } from '../../src/pinterest/client'
import type { Store } from '../../src/store/types'
import { addDeliveries, senderStore } from './delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(30_000)

let store: Store
afterEach(() => store.close())

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<boolean> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) return false
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  return true
}

describe("the server's sender", () => {
  it("stores a request's results as soon as it is answered, while another request of the round is still out", async () => {
    const setup = await senderStore()
    store = setup.store
    addDeliveries(store, setup.projectId, setup.addFunction('fn-a'), 'a', 2000)
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let calls = 0
    const fetchFn: FetchLike = async (_url, init) => {
      calls += 1
      if (calls === 2) await held
      const n = (JSON.parse(init.body as string).data as unknown[]).length
      return new Response(JSON.stringify({ num_events_received: n, num_events_processed: n, events: Array.from({ length: n }, () => ({ status: 'processed' })) }), { status: 200 })
    }
    const round = setup.sender({ fetch: fetchFn, concurrency: 2 }).runOnce()
    const firstSettled = await until(() => store.deliveries.counts().delivered === 1000)
    const whileHeld = store.deliveries.counts()
    release()
    expect(await round).toBe(2000)
    expect(firstSettled).toBe(true)
    expect(calls).toBe(2)
    expect(whileHeld).toEqual({ pending: 1000, delivered: 1000, failed: 0, gave_up: 0 })
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 2000, failed: 0, gave_up: 0 })
  })
})
