import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import type { FetchLike } from '../../src/pinterest/client'
import type { Store } from '../../src/store/types'
import { ACCOUNT, addDeliveries, senderStore, TOKEN } from './delivery-sender-fixtures'

const DAY_S = 86_400
// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(30_000)

let store: Store
let emulator: RunningEmulator | undefined
afterEach(async () => {
  await emulator?.close()
  emulator = undefined
  store.close()
})

const rateLimited =
  (retryAfter: string): FetchLike =>
  async () =>
    new Response('{"code":8,"message":"slow down"}', { status: 429, headers: { 'Retry-After': retryAfter } })
const all = (fnId: string) => store.deliveries.dueFor(fnId, Number.MAX_SAFE_INTEGER, 100)
const metrics = (projectId: number, fnId: string) => Object.fromEntries(store.metrics.series(projectId, fnId, '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z').map((m) => [m.name, m.count]))

describe("the server's sender", () => {
  it('stores the retry at Retry-After in full, even far above maxDelayMs', async () => {
    const setup = await senderStore()
    store = setup.store
    const fnId = setup.addFunction('fn-a')
    addDeliveries(store, setup.projectId, fnId, 'a', 3)
    const before = Date.now()
    await setup.sender({ fetch: rateLimited('30'), retry: { baseDelayMs: 10, maxDelayMs: 1000 } }).runOnce()
    const after = Date.now()
    const rows = all(fnId)
    expect(rows.map((r) => [r.status, r.attempts, r.last_error])).toEqual([0, 1, 2].map(() => ['pending', 1, 'HTTP 429: code 8: slow down']))
    expect(new Set(rows.map((r) => r.next_attempt_at)).size).toBe(1)
    expect(rows[0].next_attempt_at).toBeGreaterThanOrEqual(before + 30_000)
    expect(rows[0].next_attempt_at).toBeLessThanOrEqual(after + 30_000)
  })

  it("gives up at once when Retry-After points past the end of Pinterest's window", async () => {
    const setup = await senderStore()
    store = setup.store
    const fnId = setup.addFunction('fn-a')
    addDeliveries(store, setup.projectId, fnId, 'a', 2)
    await setup.sender({ fetch: rateLimited(String(8 * DAY_S)) }).runOnce()
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 0, failed: 0, gave_up: 2 })
    expect(all(fnId)).toEqual([])
    expect(metrics(setup.projectId, fnId)).toEqual({ fetch: 1, gave_up: 2 })
  })

  it('gives up an event outside the 7-day window, counted as gave_up, apart from one Pinterest rejected, counted as failed', async () => {
    const setup = await senderStore()
    store = setup.store
    emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
    const fnId = setup.addFunction('fn-a')
    const oldTime = Math.floor(Date.now() / 1000) - 8 * DAY_S
    addDeliveries(store, setup.projectId, fnId, 'e', 3, (i) => (i === 1 ? { category_name: 'Lamps' } : i === 2 ? { event_time: oldTime } : {}))
    await setup.sender({ apiUrl: emulator.url }).runOnce()

    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 1, failed: 1, gave_up: 1 })
    expect(emulator.accepted().map((e) => e.event_id)).toEqual(['e-0'])
    expect(metrics(setup.projectId, fnId)).toEqual({ succeeded: 1, failed: 1, gave_up: 1, fetch: 3 })
    const errors = store.logs
      .list(setup.projectId, fnId, { level: ['error'], limit: 10 })
      .map((l) => l.message)
      .sort()
    const iso = (s: number) => new Date(s * 1000).toISOString()
    expect(errors).toEqual([
      expect.stringMatching(/^event e-1 \(Checkout\) failed: Pinterest rejected the event \(400\): code 4196: .*category_name/),
      `event e-2 (Checkout) gave up: its event_time ${iso(oldTime)} is outside Pinterest's window (7 days old) from ${iso(oldTime + 7 * DAY_S)}`,
    ])
  })

  it('gives up, with the last error, an event whose window ends before its next retry', async () => {
    const setup = await senderStore()
    store = setup.store
    emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }], faults: { next_statuses: [503] } })
    const fnId = setup.addFunction('fn-a')
    // The window ends 30 s from now: time for a busy machine's first attempt, and before the retry 60 s on.
    const edgeTime = Math.floor(Date.now() / 1000) - 7 * DAY_S + 30
    addDeliveries(store, setup.projectId, fnId, 'edge', 1, () => ({ event_time: edgeTime }))
    await setup.sender({ apiUrl: emulator.url, retry: { baseDelayMs: 60_000 }, random: () => 1 }).runOnce()
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 0, failed: 0, gave_up: 1 })
    const [line] = store.logs.list(setup.projectId, fnId, { level: ['error'], limit: 10 })
    expect(line.message).toMatch(
      /^event edge-0 \(Checkout\) gave up: its event_time .* is outside Pinterest's window \(7 days old\) from .*; last error: HTTP 503: code 4197: The endpoint has been ramped down/,
    )
    expect(metrics(setup.projectId, fnId)).toEqual({ fetch: 1, gave_up: 1 })
  })
})
