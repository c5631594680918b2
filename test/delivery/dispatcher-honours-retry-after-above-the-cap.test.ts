import { Dispatcher, type Destination } from '../../src/delivery/dispatcher'
import type { FetchLike } from '../../src/pinterest/client'
import { Secret } from '../../src/secret'

const destination: Destination = { adAccountId: '549755885175', conversionToken: new Secret('t'), testMode: false, debugMode: false }
const event = { event_name: 'checkout', action_source: 'web' as const, event_time: Math.floor(Date.now() / 1000), event_id: 'x', user_data: { em: ['e'.repeat(64)] } }

describe('Retry-After', () => {
  it('is waited out in full even when it is longer than maxDelayMs', async () => {
    const times: number[] = []
    const fetchFn: FetchLike = async () => {
      times.push(Date.now())
      if (times.length === 1) return new Response('{"code":8,"message":"slow down"}', { status: 429, headers: { 'Retry-After': '0.3' } })
      return new Response('{"num_events_received":1,"num_events_processed":1,"events":[{"status":"processed"}]}', { status: 200 })
    }
    const dispatcher = new Dispatcher({ fetch: fetchFn, retry: { baseDelayMs: 5, maxDelayMs: 20 }, random: () => 0 })
    expect(await dispatcher.send(event, destination)).toEqual({ status: 'delivered', attempts: 2 })
    expect(times).toHaveLength(2)
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(300)
  })
})
