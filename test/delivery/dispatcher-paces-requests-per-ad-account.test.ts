import { type Destination, Dispatcher } from '../../src/delivery/dispatcher'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import type { PinterestEvent } from '../../src/pinterest/schema'
import { Secret } from '../../src/secret'

const TOKEN = 'emulator-token'
const BUSY = '549755885175'
const QUIET = '777'
const WINDOW_MS = 300

const destination = (adAccountId: string): Destination => ({ adAccountId, conversionToken: new Secret(TOKEN), testMode: false, debugMode: false })
const event = (id: string): PinterestEvent =>
  ({ event_name: 'checkout', action_source: 'web', event_time: Math.floor(Date.now() / 1000) - 60, event_id: id, user_data: { em: ['b'.repeat(64)] } }) as PinterestEvent

let emulator: RunningEmulator

beforeEach(async () => {
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [BUSY, QUIET] }] })
})

afterEach(async () => {
  await emulator.close()
})

const requestsTo = (account: string) => emulator.requests().filter((r) => r.ad_account_id === account).length
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function until(done: () => boolean): Promise<void> {
  const started = Date.now()
  while (!done()) {
    if (Date.now() - started > 10_000) throw new Error('condition not reached within 10 s')
    await pause(10)
  }
}

describe("the dispatcher within Pinterest's rate limit per ad account", () => {
  it('sends 2 requests per window to a busy ad account, by its clock, while another goes at once, and settles every event', async () => {
    const clock = { now: Date.now() }
    const dispatcher = new Dispatcher({ apiUrl: emulator.url, maxBatchSize: 1, requestsPerMinute: 2, paceWindowMs: WINDOW_MS, now: () => clock.now })
    const outcomes = [...Array.from({ length: 6 }, (_, i) => dispatcher.send(event(`busy-${i}`), destination(BUSY))), dispatcher.send(event('quiet-0'), destination(QUIET))]
    const perWindow: number[] = []
    for (let window = 0; window < 3; window++) {
      const before = requestsTo(BUSY)
      await until(() => requestsTo(BUSY) === before + 2)
      // The clock stands still: waiting longer than the window lets nothing more go.
      await pause(WINDOW_MS + 100)
      perWindow.push(requestsTo(BUSY) - before)
      if (window === 0) expect(requestsTo(QUIET)).toBe(1)
      clock.now += WINDOW_MS
    }
    expect(perWindow).toEqual([2, 2, 2])
    expect(await Promise.all(outcomes)).toEqual(Array.from({ length: 7 }, () => ({ status: 'delivered', attempts: 1 })))
    expect(
      emulator
        .accepted()
        .map((e) => e.event_id)
        .sort(),
    ).toEqual(['busy-0', 'busy-1', 'busy-2', 'busy-3', 'busy-4', 'busy-5', 'quiet-0'])
    expect(dispatcher.stats.requests).toBe(7)
  })
})
