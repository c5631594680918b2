import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { PostHog } from 'posthog-node'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import { type RunningServer, startServer } from '../../src/server/server'
import { serverDatabase, serverEnv } from '../helpers/server-store'

jest.setTimeout(60_000)

const TOKEN = 'pina_e2e_conversion_token'
const ACCOUNT = '549755885175'
const API_KEY = 'phx_test_key_0123456789'
const PROJECT_TOKEN = 'phc_test_project_token'

let dir: string
let emulator: RunningEmulator
let server: RunningServer

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  server = await startServer({
    port: 0,
    dbPath: serverDatabase(path.join(dir, 'pipelines.sqlite')),
    apiUrl: emulator.url,
    pollMs: 10,
    env: serverEnv({ PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }),
  })
})

afterEach(async () => {
  await server.close()
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function createFunction(): Promise<string> {
  const response = await fetch(`${server.url}/api/environments/1/hog_functions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'destination',
      name: 'Pinterest Conversions API',
      inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } },
      enabled: true,
      template_id: 'segment-actions-pinterest-conversions-api',
    }),
  })
  expect(response.status).toBe(201)
  return ((await response.json()) as { id: string }).id
}

async function waitFor<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = read()
    if (done(value) || Date.now() - started > timeoutMs) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

describe('capture to Pinterest, end to end', () => {
  it('takes events from the official posthog-node client and delivers them to the emulator', async () => {
    await createFunction()
    const client = new PostHog(PROJECT_TOKEN, { host: server.url, flushAt: 10, flushInterval: 50 })
    client.identify({ distinctId: 'user-1', properties: { email: 'Jane@Example.com' } })
    for (let i = 0; i < 25; i++) {
      client.capture({
        distinctId: 'user-1',
        event: 'Order Completed',
        uuid: `0193c000-0000-7000-8000-${String(i).padStart(12, '0')}`,
        properties: { revenue: 10 + i, currency: 'USD', $ip: '203.0.113.5', $raw_user_agent: 'node' },
      })
    }
    client.capture({ distinctId: 'user-1', event: '$autocapture' })
    await client.shutdown()
    const accepted = await waitFor(
      () => emulator.accepted(),
      (events) => events.length >= 25,
    )
    expect(accepted.map((e) => e.event_id).sort()).toEqual(Array.from({ length: 25 }, (_, i) => `0193c000-0000-7000-8000-${String(i).padStart(12, '0')}`))
    expect(accepted[0].event).toMatchObject({ event_name: 'checkout', action_source: 'web', custom_data: { currency: 'USD' } })
    expect((accepted[0].event as { user_data: { em: string[] } }).user_data.em).toHaveLength(1)
    // The runner records the results on its own thread, just after Pinterest answered.
    const counts = await waitFor(
      () => server.store.deliveries.counts(),
      (c) => c.delivered === 25,
    )
    expect(counts).toEqual({ pending: 0, delivered: 25, failed: 0, gave_up: 0 })
  })

  it('answers 401 for an unknown project token and 400 naming bad events, keeping the good ones', async () => {
    await createFunction()
    const post = (body: unknown) => fetch(`${server.url}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await post({ api_key: 'phc_nope', batch: [{ event: 'x', distinct_id: 'a' }] })).status).toBe(401)
    const mixed = await post({
      api_key: PROJECT_TOKEN,
      batch: [{ event: 'Order Completed', distinct_id: 'a', uuid: 'good-1', properties: { $ip: '203.0.113.5', $raw_user_agent: 'UA' } }, { distinct_id: 'b' }],
    })
    expect(mixed.status).toBe(400)
    expect(await mixed.json()).toEqual({
      type: 'validation_error',
      code: 'invalid_payload',
      detail: 'batch[1].event: expected a non-empty string. The other 1 event(s) were stored.',
      attr: 'batch__1__event',
    })
    const accepted = await waitFor(
      () => emulator.accepted(),
      (events) => events.length >= 1,
    )
    expect(accepted.map((e) => e.event_id)).toEqual(['good-1'])
    const dates = await post({
      api_key: PROJECT_TOKEN,
      batch: [
        { event: 'Order Completed', distinct_id: 'a', uuid: 'good-2', properties: { $ip: '203.0.113.5', $raw_user_agent: 'UA' } },
        { event: 'x', distinct_id: 'b', timestamp: 1e20 },
      ],
    })
    expect(await dates.json()).toMatchObject({ detail: 'batch[1].timestamp: expected an ISO-8601 date-time. The other 1 event(s) were stored.' })
    const bomb = await fetch(`${server.url}/e/`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body: gzipSync(Buffer.alloc(60 * 1024 * 1024, 32)) })
    expect(bomb.status).toBe(413)
    expect(await bomb.json()).toEqual({ type: 'invalid_request', code: 'payload_too_large', detail: 'The body unpacks to more than 20971520 bytes.', attr: null })
  })
})
