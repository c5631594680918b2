import { Dispatcher, type Destination } from '../../src/delivery/dispatcher'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import type { PinterestEvent } from '../../src/pinterest/schema'
import { Secret } from '../../src/secret'

const TOKEN = 'emulator-token'
const ACCOUNT = '549755885175'
const nowSeconds = () => Math.floor(Date.now() / 1000) - 60

const destination = (overrides: Partial<Destination> = {}): Destination => ({
  adAccountId: ACCOUNT,
  conversionToken: new Secret(TOKEN),
  testMode: false,
  debugMode: false,
  ...overrides,
})

const event = (id: string, extra: Record<string, unknown> = {}): PinterestEvent =>
  ({
    event_name: 'checkout',
    action_source: 'web',
    event_time: nowSeconds(),
    event_id: id,
    user_data: { em: ['b'.repeat(64)], client_ip_address: '203.0.113.7', client_user_agent: 'UA' },
    custom_data: { value: '10', currency: 'USD' },
    ...extra,
  }) as PinterestEvent

let emulator: RunningEmulator

beforeEach(async () => {
  emulator = await startEmulator({
    credentials: [
      { token: TOKEN, adAccountIds: [ACCOUNT] },
      { token: 'other-token', adAccountIds: ['777'] },
    ],
  })
})

afterEach(async () => {
  await emulator.close()
})

const fastRetries = { baseDelayMs: 10, maxDelayMs: 200 }

describe('dispatcher against the Pinterest emulator', () => {
  it('retries a 429 after its Retry-After and then delivers', async () => {
    emulator.setFaults({ next_statuses: [429], retry_after_seconds: 1 })
    const dispatcher = new Dispatcher({ apiUrl: emulator.url, retry: { ...fastRetries, maxDelayMs: 5000 }, random: () => 0 })
    const started = Date.now()
    const outcome = await dispatcher.send(event('e-429'), destination())
    expect(outcome).toEqual({ status: 'delivered', attempts: 2 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000)
    expect(emulator.requests().map((r) => r.status)).toEqual([429, 200])
    expect(emulator.accepted().map((e) => e.event_id)).toEqual(['e-429'])
  })

  it('gets through several 503s', async () => {
    emulator.setFaults({ next_statuses: [503, 503, 503] })
    const dispatcher = new Dispatcher({ apiUrl: emulator.url, retry: fastRetries })
    const outcomes = await Promise.all([dispatcher.send(event('a'), destination()), dispatcher.send(event('b'), destination())])
    expect(outcomes).toEqual([
      { status: 'delivered', attempts: 4 },
      { status: 'delivered', attempts: 4 },
    ])
    expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([
      [503, 2],
      [503, 2],
      [503, 2],
      [200, 2],
    ])
  })

  it('times out on a server that never answers, retries, and gives up with the reason', async () => {
    emulator.setFaults({ hang_share: 1 })
    // The dispatcher's clock moves 1 ms at each reading and 150 ms at each request, never with real time, so
    // late timers on a busy machine cannot use up the 300 ms before the first request.
    let clockMs = 0
    const timedFetch = async (url: string, init: RequestInit) => {
      try {
        return await fetch(url, init)
      } finally {
        clockMs += 150
      }
    }
    const now = () => (clockMs += 1)
    const dispatcher = new Dispatcher({ apiUrl: emulator.url, fetch: timedFetch, now, timeoutMs: 200, retry: { ...fastRetries, maxRetryMs: 300 } })
    const outcome = await dispatcher.send(event('slow'), destination())
    expect(outcome).toMatchObject({ status: 'gave_up', reason: 'gave up: retries stop 300 ms after hand-over; last error: no answer within 200 ms' })
    expect(outcome.attempts).toBeGreaterThanOrEqual(2)
    expect(emulator.requests()).toHaveLength(outcome.attempts)
  })

  it('delivers 999 of 1000 when one event is invalid, and names the reason for the one', async () => {
    const dispatcher = new Dispatcher({ apiUrl: emulator.url })
    const events = Array.from({ length: 1000 }, (_, i) => (i === 617 ? event('bad-617', { category_name: 'Lamps' }) : event(`ok-${i}`)))
    const outcomes = await Promise.all(events.map((e) => dispatcher.send(e, destination())))
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(999)
    expect(outcomes[617]).toEqual({
      status: 'failed',
      attempts: 1,
      reason: expect.stringMatching(/^Pinterest rejected the event \(400\): code 4196: .*category_name/),
    })
    const accepted = new Set(emulator.accepted().map((e) => e.event_id))
    expect(accepted.size).toBe(999)
    expect(accepted.has('bad-617')).toBe(false)
    expect(emulator.requests().length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(1000)) + 1)
  })

  it('sends events handed over as UTF-8 bytes, mixed with text, and still isolates the one invalid event', async () => {
    const dispatcher = new Dispatcher({ apiUrl: emulator.url })
    const utf8 = new TextEncoder()
    const outcomes = await Promise.all(
      Array.from({ length: 300 }, (_, i) => {
        const e = i === 123 ? event('bad-123', { category_name: 'Lamps' }) : event(`b-${i}`, { custom_data: { value: '10', currency: 'USD', content_name: `Lampe à poser 💡 ${i}` } })
        const json = i % 2 === 0 ? utf8.encode(JSON.stringify(e)) : JSON.stringify(e)
        return dispatcher.sendSerialised({ eventId: e.event_id, json }, destination())
      }),
    )
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(299)
    expect(outcomes[123]).toMatchObject({ status: 'failed', reason: expect.stringMatching(/category_name/) })
    const accepted = new Map(emulator.accepted().map((e) => [e.event_id, e]))
    expect(accepted.size).toBe(299)
    const contentName = (id: string) => (accepted.get(id)?.event?.custom_data as { content_name?: string } | undefined)?.content_name
    expect(contentName('b-200')).toBe('Lampe à poser 💡 200')
    expect(contentName('b-201')).toBe('Lampe à poser 💡 201')
  })

  it('reports a rejected token and an inaccessible ad account clearly, without retrying', async () => {
    const dispatcher = new Dispatcher({ apiUrl: emulator.url, retry: fastRetries })
    const badToken = dispatcher.send(event('t'), destination({ conversionToken: new Secret('wrong-token') }))
    const otherAccount = dispatcher.send(event('a'), destination({ adAccountId: '777' }))
    expect(await badToken).toEqual({ status: 'failed', attempts: 1, reason: expect.stringMatching(/^conversion token rejected by Pinterest \(401\)/) })
    expect(await otherAccount).toEqual({ status: 'failed', attempts: 1, reason: expect.stringMatching(/^ad account not accessible with this token \(403\)/) })
    expect(
      emulator
        .requests()
        .map((r) => r.status)
        .sort(),
    ).toEqual([401, 403])
  })

  it('maps per-event failures of a 200 back to their events', async () => {
    emulator.setFaults({ fail_event_ids: ['e2', 'e4'] })
    const dispatcher = new Dispatcher({ apiUrl: emulator.url })
    const outcomes = await Promise.all(['e1', 'e2', 'e3', 'e4'].map((id) => dispatcher.send(event(id), destination())))
    expect(outcomes).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'failed', attempts: 1, reason: 'emulated failure' },
      { status: 'delivered', attempts: 1 },
      { status: 'failed', attempts: 1, reason: 'emulated failure' },
    ])
    expect(emulator.requests()).toHaveLength(1)
    expect(dispatcher.stats).toMatchObject({ events_delivered: 2, events_failed: 2, requests: 1 })
  })

  it("gives up an event already outside Pinterest's 7-day window without sending it", async () => {
    const dispatcher = new Dispatcher({ apiUrl: emulator.url })
    const eventTime = nowSeconds() - 8 * 24 * 3600
    const outcomes = await Promise.all([dispatcher.send(event('fresh'), destination()), dispatcher.send(event('old', { event_time: eventTime }), destination())])
    const windowEnd = new Date((eventTime + 7 * 24 * 3600) * 1000).toISOString()
    expect(outcomes).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'gave_up', attempts: 0, reason: `gave up: its event_time ${new Date(eventTime * 1000).toISOString()} is outside Pinterest's window (7 days old) from ${windowEnd}` },
    ])
    expect(emulator.requests().map((r) => r.num_events)).toEqual([1])
    expect(dispatcher.stats).toMatchObject({ events_delivered: 1, events_gave_up: 1, events_failed: 0 })
  })

  it('sends with ?test=true in test mode, which Pinterest does not record', async () => {
    const dispatcher = new Dispatcher({ apiUrl: emulator.url })
    expect(await dispatcher.send(event('t1'), destination({ testMode: true }))).toEqual({ status: 'delivered', attempts: 1 })
    expect(emulator.accepted()).toEqual([])
    expect(emulator.testEvents().map((e) => e.event_id)).toEqual(['t1'])
  })

  it('flushes pending events on shutdown', async () => {
    const dispatcher = new Dispatcher({ apiUrl: emulator.url, lingerMs: 60_000 })
    const outcomes = Array.from({ length: 5 }, (_, i) => dispatcher.send(event(`s${i}`), destination()))
    expect(emulator.requests()).toHaveLength(0)
    await dispatcher.shutdown()
    expect((await Promise.all(outcomes)).every((o) => o.status === 'delivered')).toBe(true)
    expect(emulator.requests().map((r) => r.num_events)).toEqual([5])
  })
})
