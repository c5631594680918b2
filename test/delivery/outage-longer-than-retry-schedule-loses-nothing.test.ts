import { createServer } from 'node:net'
import { Dispatcher, type Destination } from '../../src/delivery/dispatcher'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import type { FetchLike } from '../../src/pinterest/client'
import type { PinterestEvent } from '../../src/pinterest/schema'
import { Secret } from '../../src/secret'

jest.setTimeout(30_000)

const TOKEN = 'outage-token'
const ACCOUNT = '549755885175'
const destination: Destination = { adAccountId: ACCOUNT, conversionToken: new Secret(TOKEN), testMode: false, debugMode: false }
const event = (id: string): PinterestEvent => ({ event_name: 'checkout', action_source: 'web', event_time: Math.floor(Date.now() / 1000) - 60, event_id: id, user_data: { em: ['d'.repeat(64)] } })
// The old schedule gave up after 8 attempts; every outage here outlasts 10.
const OUTLASTING = 10
const short = { baseDelayMs: 5, maxDelayMs: 40 }

const emulators: RunningEmulator[] = []
const emulator = async (port = 0) => {
  const started = await startEmulator({ port, credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  emulators.push(started)
  return started
}
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()))
})

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => `e-${i}`)

describe('an outage longer than the old retry schedule', () => {
  it('delivers every event once Pinterest stops answering 503', async () => {
    const pinterest = await emulator()
    pinterest.setFaults({ unavailable_share: 1 })
    const dispatcher = new Dispatcher({ apiUrl: pinterest.url, retry: short, maxBatchSize: 50 })
    const outcomes = Promise.all(ids(200).map((id) => dispatcher.send(event(id), destination)))
    await until(() => pinterest.requests().filter((r) => r.status === 503).length >= OUTLASTING)
    pinterest.setFaults({})
    expect(new Set((await outcomes).map((o) => o.status))).toEqual(new Set(['delivered']))
    expect(
      pinterest
        .accepted()
        .map((e) => e.event_id)
        .sort(),
    ).toEqual(ids(200).sort())
  })

  it('delivers every event once connections stop being refused', async () => {
    const port = await freePort()
    const dispatcher = new Dispatcher({ apiUrl: `http://127.0.0.1:${port}`, retry: short })
    const outcomes = Promise.all(ids(100).map((id) => dispatcher.send(event(id), destination)))
    await until(() => dispatcher.stats.requests >= OUTLASTING)
    const pinterest = await emulator(port)
    expect(new Set((await outcomes).map((o) => o.status))).toEqual(new Set(['delivered']))
    expect(pinterest.accepted()).toHaveLength(100)
    expect(dispatcher.stats).toMatchObject({ events_delivered: 100, events_gave_up: 0, events_failed: 0 })
  })

  it('delivers every event after a run of 429s, each with its Retry-After', async () => {
    let calls = 0
    const fetchFn: FetchLike = async (_url, init) => {
      calls += 1
      if (calls <= 12) return new Response('{"code":8,"message":"slow down"}', { status: 429, headers: { 'Retry-After': '0.02' } })
      const data = JSON.parse(init.body as string).data as unknown[]
      return new Response(JSON.stringify({ num_events_received: data.length, num_events_processed: data.length, events: data.map(() => ({ status: 'processed' })) }), { status: 200 })
    }
    const dispatcher = new Dispatcher({ fetch: fetchFn, retry: short })
    const outcomes = await Promise.all(ids(30).map((id) => dispatcher.send(event(id), destination)))
    expect(outcomes.map((o) => o.status)).toEqual(ids(30).map(() => 'delivered'))
    expect(outcomes[0].attempts).toBe(13)
    expect(calls).toBe(13)
  })
})
