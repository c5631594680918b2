import { Dispatcher, type Destination } from '../../src/delivery/dispatcher'
import type { FetchLike } from '../../src/pinterest/client'
import { Secret } from '../../src/secret'

jest.setTimeout(20_000)

const destination: Destination = { adAccountId: '549755885175', conversionToken: new Secret('t'), testMode: false, debugMode: false }
const event = (id: string) => ({ event_name: 'checkout', action_source: 'web' as const, event_time: Math.floor(Date.now() / 1000), event_id: id, user_data: { em: ['f'.repeat(64)] } })

describe('a destination that is down', () => {
  it('gets one probe per backoff instead of every batch, one log line when it goes down and one when it is back, then full batches', async () => {
    let down = true
    const failed: number[] = []
    const succeeded: number[] = []
    const fetchFn: FetchLike = async (_url, init) => {
      const size = (JSON.parse(init.body as string).data as unknown[]).length
      if (down) {
        failed.push(size)
        return new Response('{"code":4197,"message":"ramped down"}', { status: 503 })
      }
      succeeded.push(size)
      return new Response(JSON.stringify({ num_events_received: size, num_events_processed: size, events: Array.from({ length: size }, () => ({ status: 'processed' })) }), { status: 200 })
    }
    const lines: string[] = []
    // random 1: every wait is the full bound, 20 ms then 40 ms: at most one probe per 20 ms.
    const dispatcher = new Dispatcher({
      fetch: fetchFn,
      maxBatchSize: 10,
      maxConcurrencyPerAccount: 4,
      retry: { baseDelayMs: 20, maxDelayMs: 40 },
      random: () => 1,
      logger: (level, message) => lines.push(`${level} ${message}`),
    })
    const outcomes = Promise.all(Array.from({ length: 500 }, (_, i) => dispatcher.send(event(`e-${i}`), destination)))
    const started = Date.now()
    await new Promise((resolve) => setTimeout(resolve, 600))
    down = false
    const outageMs = Date.now() - started
    expect(new Set((await outcomes).map((o) => o.status))).toEqual(new Set(['delivered']))

    // 50 batches of 10: without the breaker each would fail on every retry (hundreds of requests).
    // With it: the first requests out at once (4 slots), then one probe per wait of at least 20 ms.
    expect(failed.length).toBeGreaterThanOrEqual(2)
    expect(failed.length).toBeLessThanOrEqual(4 + Math.ceil(outageMs / 20) + 1)
    expect(lines).toEqual([
      'warn Pinterest unavailable, holding 500 deliveries: HTTP 503: code 4197: ramped down (ad account 549755885175)',
      'info Pinterest recovered, sending 490 held deliveries (ad account 549755885175)',
    ])
    expect(succeeded.reduce((a, b) => a + b, 0)).toBe(500)
    expect(succeeded.filter((size) => size !== 10)).toEqual([])
  })
})
