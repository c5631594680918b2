import { type Destination, Dispatcher } from '../../src/delivery/dispatcher'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import type { PinterestEvent } from '../../src/pinterest/schema'
import { Secret } from '../../src/secret'

const TOKEN = 'emulator-token'
const ACCOUNT = '549755885175'

const destination: Destination = { adAccountId: ACCOUNT, conversionToken: new Secret(TOKEN), testMode: false, debugMode: false }
const event = (id: string): PinterestEvent =>
  ({ event_name: 'checkout', action_source: 'web', event_time: Math.floor(Date.now() / 1000) - 60, event_id: id, user_data: { em: ['b'.repeat(64)] } }) as PinterestEvent

let emulator: RunningEmulator

beforeEach(async () => {
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
})

afterEach(async () => {
  await emulator.close()
})

describe('shutdown out of time', () => {
  it("ends a request's wait for its ad account's budget: the event is given up unsent, and shutdown returns", async () => {
    // The clock stands still, so the budget of one request a minute never comes back: only the shutdown can end the wait.
    const now = Date.now()
    const dispatcher = new Dispatcher({ apiUrl: emulator.url, maxBatchSize: 1, requestsPerMinute: 1, shutdownTimeoutMs: 200, now: () => now })
    const first = dispatcher.send(event('first'), destination)
    const second = dispatcher.send(event('second'), destination)
    await dispatcher.shutdown()
    expect(await first).toEqual({ status: 'delivered', attempts: 1 })
    expect(await second).toEqual({ status: 'gave_up', attempts: 0, reason: "shut down while waiting to retry; last error: waiting for the ad account's budget of requests" })
    expect(emulator.accepted().map((e) => e.event_id)).toEqual(['first'])
    expect(dispatcher.stats.requests).toBe(1)
  })
})
