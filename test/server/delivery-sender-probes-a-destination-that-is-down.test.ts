import { ACCOUNT, addDeliveries, runUntil, TOKEN, useSenderAndEmulator } from './delivery-sender-fixtures'

jest.setTimeout(30_000)

const start = useSenderAndEmulator()

describe("the server's sender and a destination that is down", () => {
  it('sends only probes, about one per backoff, logs once on the way down and once on the way up, then sends full batches', async () => {
    const setup = await start({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }], faults: { unavailable_share: 1 } })
    const { store, emulator } = setup
    const fnId = setup.addFunction('fn-a')
    addDeliveries(store, setup.projectId, fnId, 'a', 3000)
    // random 1: every wait is the full bound, 20 ms then 40 ms: at most one probe per 20 ms.
    const sender = setup.sender({ apiUrl: emulator.url, retry: { baseDelayMs: 20, maxDelayMs: 40 }, random: () => 1, concurrency: 4 })
    await sender.runOnce()
    expect(emulator.requests()).toHaveLength(3)
    const started = Date.now()
    // At least 600 ms and a probe: a round that a busy machine delays past the 600 ms still sees one.
    await runUntil(sender, () => Date.now() - started >= 600 && emulator.requests().length >= 4)
    emulator.setFaults({})
    const outageMs = Date.now() - started
    const failed = emulator.requests().length
    await runUntil(sender, () => store.deliveries.counts().pending === 0)

    // Three batches of 1000 go out at once; then one probe per wait, where every batch retried on its own would fail each time.
    expect(failed).toBeGreaterThanOrEqual(4)
    expect(failed).toBeLessThanOrEqual(3 + Math.ceil(outageMs / 20) + 1)
    const statuses = emulator.requests().map((r) => [r.status, r.num_events])
    expect(statuses.slice(0, 3)).toEqual([
      [503, 1000],
      [503, 1000],
      [503, 1000],
    ])
    expect(statuses.slice(3, failed).every(([status, n]) => status === 503 && n === 1000)).toBe(true)
    expect(statuses.slice(failed)).toEqual([
      [200, 1000],
      [200, 1000],
      [200, 1000],
    ])
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 3000, failed: 0, gave_up: 0 })
    const lines = store.logs
      .list(setup.projectId, fnId, { limit: 100 })
      .map((l) => [l.level, l.message])
      .reverse()
    expect(lines).toEqual([
      ['warn', 'Pinterest unavailable, holding 3000 deliveries: HTTP 503: code 4197: The endpoint has been ramped down and is currently not accepting any traffic.'],
      ['info', 'Pinterest recovered, sending 2000 held deliveries'],
    ])
  })
})
