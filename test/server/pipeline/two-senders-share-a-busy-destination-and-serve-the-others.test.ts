import { type RunningEmulator, startEmulator } from '../../../src/emulator/server'
import { loadHogParser } from '../../../src/hog/parser'
import type { FetchLike } from '../../../src/pinterest/client'
import { DeliverySender, type SenderOptions } from '../../../src/server/pipeline/delivery-sender'
import { FunctionRegistry } from '../../../src/server/pipeline/function-registry'
import type { Store } from '../../../src/store/types'
import { insertPinterestFunction } from '../../helpers/stored-function'
import { anotherPostgresStore, openTestStore, type TestStore } from '../../helpers/stores'
import { ACCOUNT, addDeliveries, TOKEN } from '../delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(60_000)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('two workers sending on one postgres', () => {
  let opened: TestStore
  let a: Store
  let b: Store
  let emulator: RunningEmulator
  let projectId: number
  beforeAll(async () => {
    await loadHogParser()
    emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT, '42'] }] })
  })
  afterAll(() => emulator.close())
  beforeEach(async () => {
    opened = await openTestStore('postgres')
    a = opened.store
    b = anotherPostgresStore(opened)
    projectId = a.projects.create('P').id
    emulator.reset()
  })
  afterEach(async () => {
    b.close()
    await opened.close()
  })

  const addFunction = (id: string, account = ACCOUNT) =>
    insertPinterestFunction(a, { id, project_id: projectId, name: `Pinterest ${id}`, inputs: { ad_account_id: { value: account } }, secrets: { conversion_token: TOKEN } }).id
  const sender = (store: Store, options: SenderOptions = {}) => new DeliverySender(store, new FunctionRegistry(store.functions), { apiUrl: emulator.url, concurrency: 1, ...options })
  /** Counts the requests a worker sends, optionally holding each one for `holdMs` before it goes. */
  const counted = (holdMs = 0): { fetch: FetchLike; requests: number[] } => {
    const requests: number[] = []
    return {
      requests,
      fetch: async (url, init) => {
        requests.push((JSON.parse(String(init?.body)) as { data: unknown[] }).data.length)
        if (holdMs > 0) await sleep(holdMs)
        return fetch(url, init)
      },
    }
  }
  const acceptedIds = () => emulator.accepted().map((e) => e.event_id)

  it("send a busy destination's batches side by side, each event once, and a quiet destination's in their first rounds", async () => {
    addDeliveries(a, projectId, addFunction('fn-busy'), 'busy', 2_500)
    addDeliveries(a, projectId, addFunction('fn-quiet', '42'), 'quiet', 10)
    const [first, second] = [counted(), counted()]
    await Promise.all([sender(a, { fetch: first.fetch }).runOnce(), sender(b, { fetch: second.fetch }).runOnce()])

    const ids = acceptedIds()
    expect(ids.filter((id) => id.startsWith('quiet-')).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `quiet-${i}`).sort())
    expect(new Set(ids).size).toBe(ids.length)
    // Each worker took a full batch of the busy destination at once: neither waited for the other's.
    expect(first.requests[0]).toBe(1_000)
    expect(second.requests[0]).toBe(1_000)
    expect(ids.filter((id) => id.startsWith('busy-'))).toHaveLength(2_500)
    expect(a.deliveries.counts()).toMatchObject({ pending: 0, delivered: 2_510 })
  })

  it('keep a batch whose request outlasts the lease from the other worker, by extending the lease, and settle it', async () => {
    addDeliveries(a, projectId, addFunction('fn-slow'), 'slow', 5)
    // The request outlasts the 3 s lease by far; extended each second, the lease survives timers that fire
    // up to 2 s late on a loaded machine, where a shorter lease had run out between two extensions.
    const slow = counted(7_500)
    const other = counted()
    const inFlight = sender(a, { fetch: slow.fetch, leaseMs: 3_000 }).runOnce()
    await sleep(5_000)
    expect(await sender(b, { fetch: other.fetch, leaseMs: 3_000 }).runOnce()).toBe(0)
    expect(await inFlight).toBe(5)
    expect([slow.requests, other.requests]).toEqual([[5], []])
    expect(acceptedIds().sort()).toEqual(['slow-0', 'slow-1', 'slow-2', 'slow-3', 'slow-4'])
    expect(a.deliveries.counts()).toMatchObject({ pending: 0, delivered: 5 })
  })

  it("send again, with the same event ids, a dead worker's batch once its lease ran out", async () => {
    addDeliveries(a, projectId, addFunction('fn-orphan'), 'orphan', 3)
    // A worker claimed them and died before sending (its lease, 600 ms, is all that is left of it).
    // One time for the claim and the survivor's clock, however long closing the dead worker's store takes.
    let clock = Date.now()
    expect(b.deliveries.claim('fn-orphan', { dueBy: clock + 1_000, atMs: clock, leaseMs: 600, limit: 1_000 }).rows).toHaveLength(3)
    b.close()
    const survivor = sender(a, { leaseMs: 600, now: () => clock })
    expect(await survivor.runOnce()).toBe(0)
    clock += 700
    expect(await survivor.runOnce()).toBe(3)
    expect(acceptedIds().sort()).toEqual(['orphan-0', 'orphan-1', 'orphan-2'])
    b = anotherPostgresStore(opened)
  })
})
