import type { FastifyInstance } from 'fastify'
import { loadHogParser } from '../../src/hog/parser'
import { buildApp } from '../../src/server/app'
import type { Store } from '../../src/store/types'
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'
import { openServerStore } from '../helpers/server-store'

const TEMPLATE_ID = 'segment-actions-pinterest-conversions-api'
const TOKEN = 'pina_the_real_conversion_token'
const INPUTS = { ad_account_id: { value: '549755885175' }, conversion_token: { value: TOKEN } }

let store: Store
let app: FastifyInstance
let base: string
let receiver: WebhookReceiver
let key: string
let readKey: string
let otherKey: string
let fnId: string
let otherFnId: string

async function call(method: string, url: string, body?: unknown, bearer = key): Promise<{ status: number; text: string; body: any }> {
  const headers: Record<string, string> = { authorization: `Bearer ${bearer}` }
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  const text = await response.text()
  return { status: response.status, text, body: text === '' ? null : JSON.parse(text) }
}

const alerts = (id = fnId, prefix = '/api/projects/1') => `${prefix}/hog_functions/${id}/alerts/`

beforeAll(async () => {
  await loadHogParser()
  store = openServerStore(':memory:')
  store.projects.create('Acme')
  store.projects.create('Other')
  key = store.keys.create(1, ['hog_function:read', 'hog_function:write'], 'writer').key
  readKey = store.keys.create(1, ['hog_function:read'], 'reader').key
  otherKey = store.keys.create(2, ['hog_function:read', 'hog_function:write'], 'other').key
  receiver = await startReceiver()
  app = buildApp({ store, alertWebhook: { timeoutMs: 2000 } })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  fnId = (await call('POST', '/api/projects/1/hog_functions/', { template_id: TEMPLATE_ID, name: 'Shop', inputs: INPUTS })).body.id
  otherFnId = (await call('POST', '/api/projects/2/hog_functions/', { template_id: TEMPLATE_ID, inputs: INPUTS }, otherKey)).body.id
})

afterAll(async () => {
  await app.close()
  await receiver.close()
  store.close()
})

test('a destination without alerts answers the defaults: off, no webhook, every condition watched', async () => {
  const answer = await call('GET', alerts())
  expect(answer.status).toBe(200)
  expect(answer.body).toEqual({
    webhook_url_set: false,
    enabled: false,
    failure_share: { enabled: true, percent: 10 },
    no_deliveries: { enabled: true, minutes: 60 },
    degraded: { enabled: true },
    episodes: [],
  })
})

test('PUT saves what it is given under both prefixes, and the webhook URL only shows as set', async () => {
  const url = receiver.url('/services/T000/B000/s3cr3t-path')
  const saved = await call('PUT', alerts(), { webhook_url: url, enabled: true, failure_share: { percent: 25 } })
  expect(saved.status).toBe(200)
  expect(saved.body).toEqual({
    webhook_url_set: true,
    enabled: true,
    failure_share: { enabled: true, percent: 25 },
    no_deliveries: { enabled: true, minutes: 60 },
    degraded: { enabled: true },
    episodes: [],
  })
  expect(saved.text).not.toContain('s3cr3t')
  const changed = await call('PUT', alerts(fnId, '/api/environments/1'), { no_deliveries: { enabled: false, minutes: 120 }, degraded: { enabled: false } })
  expect(changed.body).toMatchObject({
    webhook_url_set: true,
    enabled: true,
    failure_share: { enabled: true, percent: 25 },
    no_deliveries: { enabled: false, minutes: 120 },
    degraded: { enabled: false },
  })
  const read = await call('GET', alerts(fnId, '/api/environments/1'), undefined, readKey)
  expect(read.body).toEqual(changed.body)
  expect(read.text).not.toContain('s3cr3t')
  expect(store.alerts.settings(fnId)?.webhook_url).toBe(url)
})

test('each wrong field is a 400 naming it, without repeating the value', async () => {
  const cases: [unknown, string, string][] = [
    [{ webhook_url: 'ftp://files.example.com/s3cr3t' }, 'webhook_url', 'must be an http:// or https:// URL'],
    [{ webhook_url: 'not a url s3cr3t' }, 'webhook_url', 'must be an http:// or https:// URL'],
    [{ webhook_url: 42 }, 'webhook_url', expect.any(String)],
    [{ failure_share: { percent: 0 } }, 'failure_share__percent', 'must be at least 1'],
    [{ failure_share: { percent: 101 } }, 'failure_share__percent', 'must be at most 100'],
    [{ failure_share: { percent: 12.5 } }, 'failure_share__percent', 'must be a whole number of percent from 1 to 100'],
    [{ no_deliveries: { minutes: 4 } }, 'no_deliveries__minutes', 'must be at least 5'],
    [{ no_deliveries: { minutes: 10_081 } }, 'no_deliveries__minutes', 'must be at most 10080'],
    [{ enabled: 'yes' }, 'enabled', expect.any(String)],
    [{ colour: 'red' }, 'colour', 'is not a setting of alerts'],
    [{ degraded: { enabled: true, severity: 1 } }, 'degraded__severity', 'is not a setting of alerts'],
    [{ pina_s3cr3t_pasted_token_0123456789abcdefghijklmnop: 1 }, 'body', 'is not a setting of alerts'],
    [[], 'body', expect.any(String)],
  ]
  for (const [body, attr, detail] of cases) {
    const answer = await call('PUT', alerts(), body)
    expect({ body, status: answer.status, type: answer.body.type, attr: answer.body.attr, detail: answer.body.detail }).toEqual({ body, status: 400, type: 'validation_error', attr, detail })
    expect(answer.text).not.toContain('s3cr3t')
  }
  expect((await call('GET', alerts())).body.failure_share.percent).toBe(25)
})

test('alerts cannot be turned on without a webhook, and a webhook can be removed with null', async () => {
  const fresh = (await call('POST', '/api/projects/1/hog_functions/', { template_id: TEMPLATE_ID, inputs: INPUTS })).body.id
  const refused = await call('PUT', alerts(fresh), { enabled: true })
  expect([refused.status, refused.body.attr, refused.body.detail]).toEqual([400, 'webhook_url', 'is needed to turn alerts on'])
  await call('PUT', alerts(fresh), { webhook_url: receiver.url('/x') })
  expect((await call('PUT', alerts(fresh), { webhook_url: null })).body.webhook_url_set).toBe(false)
  const test = await call('POST', `${alerts(fresh)}test/`)
  expect([test.status, test.body.attr]).toEqual([400, 'webhook_url'])
})

test("another project's function and a deleted one are 404; reading needs read, writing needs write", async () => {
  expect((await call('GET', alerts(otherFnId))).status).toBe(404)
  expect((await call('PUT', alerts(otherFnId), { enabled: false })).status).toBe(404)
  expect((await call('POST', `${alerts(otherFnId)}test/`)).status).toBe(404)
  expect((await call('PUT', alerts(), { enabled: false }, readKey)).status).toBe(403)
  expect((await call('POST', `${alerts()}test/`, undefined, readKey)).status).toBe(403)
  const gone = (await call('POST', '/api/projects/1/hog_functions/', { template_id: TEMPLATE_ID, inputs: INPUTS })).body.id
  await call('DELETE', `/api/projects/1/hog_functions/${gone}/`)
  expect((await call('GET', alerts(gone))).status).toBe(404)
})

test('a test alert reaches the webhook and says what it answered, never with the URL', async () => {
  const sent = await call('POST', `${alerts()}test/`)
  expect(sent.body).toEqual({ ok: true, status: 200, detail: 'The webhook took the test message.' })
  const last = receiver.received[receiver.received.length - 1]
  expect(last.path).toBe('/services/T000/B000/s3cr3t-path')
  expect(last.body).toEqual({ text: `Test alert: Pinterest destination “Shop” of project “Acme”: alerts of this destination reach this webhook. See /#/destinations/${fnId}/alerts` })
  receiver.answer = () => 500
  const refused = await call('POST', `${alerts(fnId, '/api/environments/1')}test/`)
  receiver.answer = () => 200
  expect(refused.body).toEqual({ ok: false, status: 500, detail: 'the alert webhook answered 500.' })
  await call('PUT', alerts(), { webhook_url: 'http://127.0.0.1:1/s3cr3t' })
  const unreachable = await call('POST', `${alerts()}test/`)
  expect(unreachable.body).toEqual({ ok: false, status: null, detail: 'the alert webhook could not be reached.' })
  for (const answer of [sent, refused, unreachable]) expect(answer.text).not.toMatch(/s3cr3t|127\.0\.0\.1|pina_/)
  expect(JSON.stringify(receiver.received)).not.toContain(TOKEN)
})
