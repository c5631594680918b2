import type { FetchLike } from '../../src/pinterest/client'
import { ACCOUNT, addDeliveries, runUntil, TOKEN, useSenderAndEmulator } from './delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(60_000)

const OTHER = '42'
const WINDOW_MS = 60_000
const start = useSenderAndEmulator()

describe("the server's sender within Pinterest's rate limit per ad account", () => {
  it('sends 30 batches of one ad account at 6 per window while another ad account goes at once, and loses nothing', async () => {
    const setup = await start({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT, OTHER] }] })
    const { store, emulator, projectId } = setup
    // 30 functions of one ad account share its budget: each request is one function's batch of 3.
    const busy = Array.from({ length: 30 }, (_, i) => setup.addFunction(`fn-busy-${String(i).padStart(2, '0')}`))
    busy.forEach((id, i) => addDeliveries(store, projectId, id, `busy${i}`, 3))
    const quiet = setup.addFunction('fn-quiet', OTHER)
    addDeliveries(store, projectId, quiet, 'quiet', 3)
    const clock = { now: Date.now() }
    const sender = setup.sender({ apiUrl: emulator.url, requestsPerMinute: 6, paceWindowMs: WINDOW_MS, now: () => clock.now })
    const requestsTo = (account: string) => emulator.requests().filter((r) => r.ad_account_id === account).length

    await sender.runOnce()
    expect([requestsTo(ACCOUNT), requestsTo(OTHER)]).toEqual([6, 1])
    expect(sender.pacedWaitMs()).toBe(WINDOW_MS)
    // Rounds at the same instant send nothing more, and leave the waiting deliveries as they were.
    await sender.runOnce()
    clock.now += WINDOW_MS - 1
    await sender.runOnce()
    expect(requestsTo(ACCOUNT)).toBe(6)
    expect(sender.pacedWaitMs()).toBe(1)
    const waiting = busy.flatMap((id) => store.deliveries.dueFor(id, clock.now, 10))
    expect(waiting).toHaveLength(72)
    expect(new Set(waiting.map((d) => `${d.status} ${d.attempts} ${d.last_error}`))).toEqual(new Set(['pending 0 null']))
    expect(busy.flatMap((id) => store.logs.list(projectId, id, { limit: 10 }))).toEqual([])

    const perWindow = [6]
    for (let window = 1; window < 5; window++) {
      clock.now += window === 1 ? 1 : WINDOW_MS
      const before = requestsTo(ACCOUNT)
      await sender.runOnce()
      await sender.runOnce()
      perWindow.push(requestsTo(ACCOUNT) - before)
    }
    expect(perWindow).toEqual([6, 6, 6, 6, 6])
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 93, failed: 0, gave_up: 0 })
    const accepted = emulator.accepted().map((e) => e.event_id)
    expect(accepted).toHaveLength(93)
    expect(new Set(accepted).size).toBe(93)
    expect(sender.pacedWaitMs()).toBeUndefined()
  })

  it('counts each request of a batch split by a 400 against the budget', async () => {
    const setup = await start({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
    const { store, emulator, projectId } = setup
    const fnId = setup.addFunction('fn-split')
    // One event Pinterest's schema refuses: the batch of 4 goes as 4, then 2 + 2, then 1 + 1 (5 requests).
    addDeliveries(store, projectId, fnId, 'split', 4, (i) => (i === 3 ? { not_a_pinterest_field: 1 } : {}))
    const sent: number[] = []
    const fetchAndNote: FetchLike = (url, init) => {
      sent.push(Date.now())
      return fetch(url, init)
    }
    const sender = setup.sender({ apiUrl: emulator.url, fetch: fetchAndNote, requestsPerMinute: 2, paceWindowMs: 200 })
    // A half that finds no budget is not waited for in the round: it goes in a later one, when the window has room.
    await sender.runOnce()
    expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([
      [400, 4],
      [200, 2],
    ])
    await runUntil(sender, () => store.deliveries.countPending(fnId) === 0)
    expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([
      [400, 4],
      [200, 2],
      [400, 2],
      [200, 1],
      [400, 1],
    ])
    // The fifth waited for the third to leave the 200 ms window (both counted just before their fetch; less a
    // margin for the time in between). Without pacing it would follow the fourth within milliseconds.
    expect(sent[4] - sent[2]).toBeGreaterThanOrEqual(150)
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 3, failed: 1, gave_up: 0 })
  })
})
