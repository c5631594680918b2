import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import { type RunningServer, startServer } from '../../src/server/server'
import { fixtureEvent } from '../helpers/fixtures'
import { serverDatabase, serverEnv } from '../helpers/server-store'

jest.setTimeout(60_000)

const TOKEN = 'pina_SECRET_observability_token'
const ACCOUNT = '549755885175'
const API_KEY = 'phx_obs_key_0123456789'
const PROJECT_TOKEN = 'phc_obs_project'

let dir: string
let emulator: RunningEmulator
let server: RunningServer
let functionId: string
const bodies: string[] = []

async function api(method: string, url: string, body?: unknown) {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  bodies.push(text)
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-obs-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }], faults: { fail_event_ids: ['fail-me'] } })
  server = await startServer({
    port: 0,
    dbPath: serverDatabase(path.join(dir, 'db.sqlite')),
    apiUrl: emulator.url,
    pollMs: 10,
    env: serverEnv({ PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }),
  })
  const created = await api('POST', '/api/projects/1/hog_functions/', {
    type: 'destination',
    template_id: 'segment-actions-pinterest-conversions-api',
    inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN }, debug_mode: { value: true } },
  })
  functionId = created.body.id
  const recent = new Date(Date.now() - 60_000).toISOString()
  const batch = [
    { event: 'Order Completed', distinct_id: 'a', uuid: 'ok-1', timestamp: recent, properties: { $ip: '203.0.113.1', $raw_user_agent: 'UA' } },
    { event: 'Order Completed', distinct_id: 'b', uuid: 'fail-me', timestamp: recent, properties: { $ip: '203.0.113.1', $raw_user_agent: 'UA' } },
    { event: '$pageview', distinct_id: 'c', uuid: 'skip-1', timestamp: recent, properties: {} },
    { event: '$autocapture', distinct_id: 'd', uuid: 'filtered-1', timestamp: recent, properties: {} },
  ]
  const captured = await fetch(`${server.url}/e/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: PROJECT_TOKEN, batch }) })
  expect(captured.status).toBe(200)
  const started = Date.now()
  while (server.store.deliveries.counts().pending + server.store.events.countPending() > 0 || server.store.deliveries.counts().delivered === 0) {
    if (Date.now() - started > 20_000) break
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
})

afterAll(async () => {
  await server.close()
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
  for (const body of bodies) expect(body).not.toContain(TOKEN)
})

describe('invocations, logs and metrics', () => {
  it('counts succeeded, failed, gave_up, skipped, filtered and fetch', async () => {
    const totals = await api('GET', `/api/projects/1/hog_functions/${functionId}/metrics/totals/`)
    expect(totals.body).toEqual({ totals: { succeeded: 1, failed: 1, gave_up: 0, filtered: 1, skipped: 1, fetch: 1 } })
    const series = await api('GET', `/api/environments/1/hog_functions/${functionId}/metrics/?after=-1d`)
    expect(series.body.labels).toHaveLength(1)
    expect(series.body.series.find((s: { name: string }) => s.name === 'succeeded').values).toEqual([1])
  })

  it('lists logs with level and search filters, without the token', async () => {
    const errors = await api('GET', `/api/projects/1/hog_functions/${functionId}/logs/?level=error`)
    expect(errors.body.results.map((l: { message: string }) => l.message)).toEqual(['event fail-me (Checkout) failed: emulated failure'])
    const skipped = await api('GET', `/api/projects/1/hog_functions/${functionId}/logs/?search=skipped`)
    expect(skipped.body.results).toHaveLength(1)
    expect(skipped.body.results[0]).toMatchObject({ level: 'info', instance_id: 'skip-1', message: expect.stringMatching(/^Page Visit skipped for event skip-1: no identifier/) })
    const debug = await api('GET', `/api/projects/1/hog_functions/${functionId}/logs/?level=debug`)
    const messages: string[] = debug.body.results.map((l: { message: string }) => l.message)
    expect(messages).toContain('event ok-1 (Checkout) delivered')
    expect(messages.find((m) => m.startsWith('request POST'))).toMatch(
      /^request POST http:\/\/127\.0\.0\.1:\d+\/v5\/ad_accounts\/549755885175\/events headers \{"Content-Type":"application\/json","Authorization":"Bearer \*\*\*REDACTED\*\*\*"\} body \{"data":\[/,
    )
    expect(messages.find((m) => m.startsWith('response 200'))).toBeDefined()
  })

  it('runs a test invocation without sending, showing the exact payload', async () => {
    const before = emulator.requests().length
    const result = await api('POST', `/api/projects/1/hog_functions/${functionId}/invocations/`, {
      globals: { ...fixtureEvent('Order Completed'), event: { ...fixtureEvent('Order Completed').event, timestamp: new Date().toISOString() } },
    })
    expect(result.status).toBe(200)
    expect(result.body.status).toBe('success')
    expect(result.body.result.request).toMatchObject({ url: `${emulator.url}/v5/ad_accounts/${ACCOUNT}/events?test=true`, headers: { Authorization: 'Bearer ***REDACTED***' } })
    expect(result.body.result.request.body.data[0]).toMatchObject({ event_name: 'checkout', custom_data: { order_id: 'A-1001' } })
    expect(emulator.requests().length).toBe(before)
  })

  it('tests a changed configuration of a saved function, keeping its stored token', async () => {
    const changed = {
      inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { secret: true } },
      mappings: [{ name: 'Checkout', inputs: { event_name: { value: 'purchase_done' } } }],
    }
    const event = { event: 'Order Completed', distinct_id: 'z', uuid: 'changed-1', properties: { $ip: '203.0.113.1', $raw_user_agent: 'UA' } }
    const result = await api('POST', `/api/projects/1/hog_functions/${functionId}/invocations/`, { configuration: changed, event, mock_async_functions: false })
    expect(result.body.result.request.body.data[0].event_name).toBe('purchase_done')
    expect(result.body.result.response.status).toBe(200)
  })

  it('keeps the stored token when a test run sends it back empty, as an update does', async () => {
    const changed = { inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: '' } } }
    const event = { event: 'Order Completed', distinct_id: 'z', uuid: 'empty-token-1', properties: { $ip: '203.0.113.1', $raw_user_agent: 'UA' } }
    const result = await api('POST', `/api/projects/1/hog_functions/${functionId}/invocations/`, { configuration: changed, event, mock_async_functions: false })
    expect(result.status).toBe(200)
    expect(result.body.result.response.status).toBe(200)
  })

  it('sends with the test flag when mock_async_functions is false, and tests new configurations', async () => {
    const configuration = { type: 'destination', template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } } }
    const result = await api('POST', '/api/projects/1/hog_functions/new/invocations/', {
      configuration,
      event: { event: 'Order Completed', distinct_id: 'z', uuid: 'invoke-1', properties: { $ip: '203.0.113.1', $raw_user_agent: 'UA' } },
      mock_async_functions: false,
    })
    expect(result.body.result.response).toEqual({
      status: 200,
      body: { num_events_received: 1, num_events_processed: 1, events: [{ status: 'processed', error_message: null, warning_message: null }] },
    })
    expect(emulator.testEvents().map((e) => e.event_id)).toContain('invoke-1')
    const skipped = await api('POST', '/api/projects/1/hog_functions/new/invocations/', { configuration, event: { event: '$pageview', distinct_id: 'q' } })
    expect(skipped.body.status).toBe('skipped')
    expect(skipped.body.logs[0].message).toMatch(/^Page Visit: skipped: no identifier/)
    const bad = await api('POST', '/api/projects/1/hog_functions/new/invocations/', { configuration: { ...configuration, inputs: {} }, event: { event: 'x', distinct_id: 'q' } })
    expect(bad.status).toBe(400)
    expect(bad.body.attr).toBe('inputs__ad_account_id')
  })
})
