import type { RunningServer } from '../../src/server/server'
import { firstProject } from './pipeline-server'

const recent = () => new Date(Date.now() - 60_000).toISOString()
const UA = { $raw_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)' }
const order = (uuid: string, properties: Record<string, unknown>) => ({ event: 'Order Completed', distinct_id: `person-${uuid}`, uuid, timestamp: recent(), properties })

/**
 * Captures the events whose match quality the server and page tests check. Checkout: 4 sent (2 with email, 1
 * with phone and click id, all with IP address and user agent), 1 with no identifier. Page Visit: 1 sent, 1 with
 * no identifier, 1 older than Pinterest's 7 days.
 */
export async function captureMatchQualityEvents(server: RunningServer): Promise<void> {
  const batch = [
    order('c1', { ...UA, epik: 'dj0yJnU9', $set: { email: 'jane@example.com', phone: '+1 503 555 0142' } }),
    order('c2', { ...UA, $set: { email: 'joe@example.com' } }),
    order('c3', { ...UA }),
    order('c4', { ...UA }),
    order('c5', {}),
    { event: '$pageview', distinct_id: 'v1', uuid: 'p1', timestamp: recent(), properties: { ...UA } },
    { event: '$pageview', distinct_id: 'v2', uuid: 'p2', timestamp: recent(), properties: {} },
    { event: '$pageview', distinct_id: 'v3', uuid: 'p3', timestamp: new Date(Date.now() - 8 * 86_400_000).toISOString(), properties: { ...UA } },
  ]
  const captured = await fetch(`${server.url}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: firstProject.token, batch }) })
  if (captured.status !== 200) throw new Error(`capture answered ${captured.status}`)
}
