import { Dispatcher, type Destination, type Outcome } from '../../src/delivery/dispatcher'
import type { PinterestEvent } from '../../src/pinterest/schema'
import { Secret } from '../../src/secret'

const TOKEN = 'pina_dispatcher_secret'
const target = (overrides: Partial<Destination> = {}): Destination => ({
  adAccountId: '549755885175',
  conversionToken: new Secret(TOKEN),
  testMode: false,
  debugMode: false,
  ...overrides,
})

const event = (id: string): PinterestEvent => ({
  event_name: 'checkout',
  action_source: 'web',
  event_time: 1795947300,
  event_id: id,
  user_data: { em: ['a'.repeat(64)] },
})

interface Call {
  url: string
  headers: Record<string, string>
  ids: string[]
}

/** A fetch double answering from a script; records every request. */
function fakePinterest(script: (call: Call, index: number) => { status: number; body?: unknown; headers?: Record<string, string> }) {
  const calls: Call[] = []
  let active = 0
  let maxActive = 0
  const fetchFn = async (url: string, init: RequestInit): Promise<Response> => {
    const text = typeof init.body === 'string' ? init.body : new TextDecoder().decode(init.body as Uint8Array)
    const body = JSON.parse(text) as { data: PinterestEvent[] }
    const call = { url, headers: init.headers as Record<string, string>, ids: body.data.map((e) => e.event_id) }
    calls.push(call)
    active += 1
    maxActive = Math.max(maxActive, active)
    await new Promise((resolve) => setTimeout(resolve, 5))
    active -= 1
    const answer = script(call, calls.length - 1)
    const responseBody = answer.body ?? {
      num_events_received: call.ids.length,
      num_events_processed: call.ids.length,
      events: call.ids.map(() => ({ status: 'processed', error_message: null, warning_message: null })),
    }
    return new Response(JSON.stringify(responseBody), { status: answer.status, headers: answer.headers })
  }
  return { fetchFn, calls, maxActive: () => maxActive }
}

const fast = { baseDelayMs: 5, maxDelayMs: 20 }

describe('dispatcher', () => {
  it('sends 2500 events as 1000 + 1000 + 500 with the bearer token, and delivers all', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, apiUrl: 'http://pinterest.test/' })
    const outcomes = await Promise.all(Array.from({ length: 2500 }, (_, i) => dispatcher.send(event(`e${i}`), target())))
    expect(pinterest.calls.map((c) => c.ids.length)).toEqual([1000, 1000, 500])
    expect(pinterest.calls[0].url).toBe('http://pinterest.test/v5/ad_accounts/549755885175/events')
    expect(pinterest.calls[0].headers.Authorization).toBe(`Bearer ${TOKEN}`)
    expect(new Set(outcomes.map((o) => o.status))).toEqual(new Set(['delivered']))
    expect(dispatcher.stats).toMatchObject({ events_delivered: 2500, requests: 3, batches: 3, batch_sizes: { '≤500': 1, '≤1000': 2 } })
  })

  it('keeps ad accounts and the test flag in separate requests, with ?test=true', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, apiUrl: 'http://pinterest.test' })
    await Promise.all([
      dispatcher.send(event('a'), target()),
      dispatcher.send(event('b'), target({ adAccountId: '42' })),
      dispatcher.send(event('c'), target({ testMode: true })),
      dispatcher.send(event('d'), target()),
    ])
    const byUrl = Object.fromEntries(pinterest.calls.map((c) => [c.url, c.ids]))
    expect(byUrl).toEqual({
      'http://pinterest.test/v5/ad_accounts/549755885175/events': ['a', 'd'],
      'http://pinterest.test/v5/ad_accounts/42/events': ['b'],
      'http://pinterest.test/v5/ad_accounts/549755885175/events?test=true': ['c'],
    })
  })

  it('bounds concurrent requests per ad account', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, maxBatchSize: 10, maxConcurrencyPerAccount: 2 })
    await Promise.all(Array.from({ length: 200 }, (_, i) => dispatcher.send(event(`e${i}`), target())))
    expect(pinterest.calls).toHaveLength(20)
    expect(pinterest.maxActive()).toBe(2)
  })

  it('retries a 429 after Retry-After and then delivers', async () => {
    const pinterest = fakePinterest((_, i) => (i === 0 ? { status: 429, body: { code: 8, message: 'slow down' }, headers: { 'Retry-After': '0.05' } } : { status: 200 }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, retry: fast, random: () => 0 })
    const started = Date.now()
    const outcome = await dispatcher.send(event('x'), target())
    expect(outcome).toEqual({ status: 'delivered', attempts: 2 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(50)
    expect(dispatcher.stats).toMatchObject({ events_retried: 1, events_delivered: 1, requests: 2 })
  })

  it('keeps retrying until the retry deadline, then gives up with the last reason', async () => {
    // The dispatcher's clock moves 1 ms at each reading and 60 ms at each request, never with real time, so
    // late timers on a busy machine cannot use up the 150 ms before the first request.
    let clockMs = 0
    const pinterest = fakePinterest(() => {
      clockMs += 60
      return { status: 503, body: { code: 4197, message: 'ramped down' } }
    })
    const now = () => (clockMs += 1)
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, now, retry: { ...fast, maxRetryMs: 150 } })
    const outcome = await dispatcher.send(event('x'), target())
    expect(outcome).toMatchObject({ status: 'gave_up', reason: 'gave up: retries stop 150 ms after hand-over; last error: HTTP 503: code 4197: ramped down' })
    expect(outcome.attempts).toBeGreaterThanOrEqual(2)
    expect(pinterest.calls).toHaveLength(outcome.attempts)
  })

  it('gives up at once when Retry-After points past the deadline', async () => {
    const pinterest = fakePinterest(() => ({ status: 429, body: { code: 8, message: 'later' }, headers: { 'Retry-After': '60' } }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, retry: { ...fast, maxRetryMs: 10_000 } })
    expect(await dispatcher.send(event('x'), target())).toEqual({ status: 'gave_up', attempts: 1, reason: 'gave up: retries stop 10 s after hand-over; last error: HTTP 429: code 8: later' })
    expect(pinterest.calls).toHaveLength(1)
  })

  it('does not retry 401 or 403', async () => {
    const pinterest = fakePinterest((call) => (call.url.includes('/42/') ? { status: 403, body: { code: 29, message: 'no' } } : { status: 401, body: { code: 2, message: 'Authentication failed.' } }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, retry: fast })
    const [a, b] = await Promise.all([dispatcher.send(event('a'), target()), dispatcher.send(event('b'), target({ adAccountId: '42' }))])
    expect(a).toEqual({ status: 'failed', attempts: 1, reason: 'conversion token rejected by Pinterest (401): code 2: Authentication failed.' })
    expect(b).toEqual({ status: 'failed', attempts: 1, reason: 'ad account not accessible with this token (403): code 29: no' })
    expect(pinterest.calls).toHaveLength(2)
  })

  it('flushes pending events on shutdown instead of waiting for the linger time', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, lingerMs: 60_000 })
    const outcomes: Promise<Outcome>[] = [dispatcher.send(event('1'), target()), dispatcher.send(event('2'), target())]
    await dispatcher.shutdown()
    expect(await Promise.all(outcomes)).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'delivered', attempts: 1 },
    ])
    expect(await dispatcher.send(event('3'), target())).toEqual({ status: 'failed', attempts: 0, reason: 'the dispatcher is shut down' })
  })

  it('gives up retries still waiting when shutdown runs out of time', async () => {
    const pinterest = fakePinterest(() => ({ status: 429, body: { code: 8, message: 'later' }, headers: { 'Retry-After': '30' } }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, shutdownTimeoutMs: 50 })
    const outcome = dispatcher.send(event('1'), target())
    await dispatcher.flush()
    await dispatcher.shutdown()
    expect(await outcome).toEqual({ status: 'gave_up', attempts: 1, reason: 'shut down while waiting to retry; last error: HTTP 429: code 8: later' })
  })

  it('logs configuration, requests and responses in debug mode without the token', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const lines: string[] = []
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, logger: (level, message) => lines.push(`${level} ${message}`) })
    await dispatcher.send(event('1'), target({ debugMode: true }))
    const text = lines.join('\n')
    expect(text).not.toContain(TOKEN)
    expect(lines).toHaveLength(3)
    expect(lines[0]).toMatch(/^debug destination configuration \{"api_url":"https:\/\/api.pinterest.com","ad_account_id":"549755885175","conversion_token":"\*\*\*REDACTED\*\*\*"/)
    expect(lines[1]).toMatch(
      /^debug request POST https:\/\/api.pinterest.com\/v5\/ad_accounts\/549755885175\/events headers \{"Content-Type":"application\/json","Authorization":"Bearer \*\*\*REDACTED\*\*\*"\} body \{"data":\[\{"event_name":"checkout"/,
    )
    expect(lines[2]).toBe('debug response 200 {"num_events_received":1,"num_events_processed":1,"events":[{"status":"processed","error_message":null,"warning_message":null}]}')
  })

  it('logs a body handed over as UTF-8 bytes as text', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const lines: string[] = []
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, logger: (level, message) => lines.push(`${level} ${message}`) })
    const json = new TextEncoder().encode('{"event_id":"é-1"}')
    await dispatcher.sendSerialised({ eventId: 'é-1', json }, target({ debugMode: true }))
    expect(lines[1]).toMatch(/ body \{"data":\[\{"event_id":"é-1"\}\]\}$/)
    expect(pinterest.calls.map((c) => c.ids)).toEqual([['é-1']])
  })

  it('fails an event whose bytes were transferred away after handover, and still delivers the rest of its batch', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, lingerMs: 50 })
    const utf8 = new TextEncoder()
    const jsons = ['a', 'b', 'c'].map((id) => utf8.encode(JSON.stringify(event(id))))
    const outcomes = ['a', 'b', 'c'].map((id, i) => dispatcher.sendSerialised({ eventId: id, json: jsons[i] }, target()))
    structuredClone(jsons[1].buffer, { transfer: [jsons[1].buffer] })
    expect(await Promise.all(outcomes)).toEqual([
      { status: 'delivered', attempts: 1 },
      { status: 'failed', attempts: 0, reason: 'event b has no text to send (empty, or its buffer was transferred away)' },
      { status: 'delivered', attempts: 1 },
    ])
    expect(pinterest.calls.map((c) => c.ids)).toEqual([['a', 'c']])
  })

  it('settles a batch as failed, not lost, when sending throws unexpectedly', async () => {
    const pinterest = fakePinterest(() => ({ status: 200 }))
    const logger = (_level: string, message: string) => {
      if (message.startsWith('request')) throw new Error('log sink is full')
    }
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, logger })
    const outcomes = await Promise.all(['x', 'y'].map((id) => dispatcher.send(event(id), target({ debugMode: true }))))
    expect(outcomes).toEqual([
      { status: 'failed', attempts: 1, reason: 'unexpected failure while sending: log sink is full' },
      { status: 'failed', attempts: 1, reason: 'unexpected failure while sending: log sink is full' },
    ])
    await dispatcher.drain()
    expect(dispatcher.stats).toMatchObject({ events_failed: 2, events_delivered: 0 })
  })

  it('settles every event exactly once under mixed answers', async () => {
    let n = 0
    const pinterest = fakePinterest((call) => {
      n += 1
      if (n % 3 === 0) return { status: 503 }
      return {
        status: 200,
        body: {
          num_events_received: call.ids.length,
          num_events_processed: 0,
          events: call.ids.map((id) => ({ status: Number(id.slice(1)) % 7 === 0 ? 'failed' : 'processed', error_message: 'bad' })),
        },
      }
    })
    const dispatcher = new Dispatcher({ fetch: pinterest.fetchFn, maxBatchSize: 50, retry: { ...fast, maxRetryMs: 200 }, random: () => 0.5 })
    const outcomes = await Promise.all(Array.from({ length: 500 }, (_, i) => dispatcher.send(event(`e${i}`), target())))
    const { events_delivered, events_failed, events_gave_up } = dispatcher.stats
    expect(events_delivered + events_failed + events_gave_up).toBe(500)
    expect(outcomes.filter((o) => o.status === 'delivered')).toHaveLength(events_delivered)
    expect(outcomes.filter((o) => o.status === 'failed')).toHaveLength(events_failed)
  })
})
