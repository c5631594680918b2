import type { FastifyInstance } from 'fastify'
import { loadHogParser } from '../../src/hog/parser'
import { buildApp } from '../../src/server/app'
import type { Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

const TOKEN = 'pina_SECRET_conversion_token_0001'
let store: Store
let app: FastifyInstance
let writeKey: string
let readKey: string
let otherKey: string
let base: string

beforeAll(loadHogParser)

beforeEach(() => {
  store = openServerStore(':memory:')
  const project = store.projects.create('Acme')
  const other = store.projects.create('Other')
  writeKey = store.keys.create(project.id, ['hog_function:read', 'hog_function:write'], 'write').key
  readKey = store.keys.create(project.id, ['hog_function:read'], 'read').key
  otherKey = store.keys.create(other.id, ['hog_function:read', 'hog_function:write'], 'other').key
  app = buildApp({ store })
})

beforeEach(async () => {
  base = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterEach(async () => {
  await app.close()
  store.close()
})

const documentedBody = {
  type: 'destination',
  name: 'Pinterest Conversions API',
  inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: TOKEN } },
  enabled: true,
  template_id: 'segment-actions-pinterest-conversions-api',
}

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string | null = writeKey, payload?: unknown) {
  const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {}
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base}${url}`, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) })
  const text = await response.text()
  expect(text).not.toContain(TOKEN)
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}

async function created(body: unknown = documentedBody) {
  const response = await call('POST', '/api/projects/1/hog_functions/', writeKey, body)
  expect(response.status).toBe(201)
  return response.body as { id: string; inputs: Record<string, unknown> }
}

describe('hog_functions REST API', () => {
  it('accepts the documented create call verbatim and hides the token', async () => {
    const response = await call('POST', '/api/environments/1/hog_functions', writeKey, documentedBody)
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({
      type: 'destination',
      name: 'Pinterest Conversions API',
      enabled: true,
      deleted: false,
      inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { secret: true } },
      template: { id: 'segment-actions-pinterest-conversions-api', name: 'Pinterest Conversions API' },
    })
    expect(store.functions.get(1, response.body.id)?.secrets).toEqual({ conversion_token: TOKEN })
  })

  it('lists with pagination and the type, enabled and search filters', async () => {
    for (const [name, enabled] of [
      ['Shop A', true],
      ['Shop B', false],
      ['Blog', true],
    ] as const)
      await created({ ...documentedBody, name, enabled })
    const all = await call('GET', '/api/projects/1/hog_functions/?limit=2')
    expect(all.body.count).toBe(3)
    expect(all.body.results).toHaveLength(2)
    expect(all.body.next).toBe(`${base}/api/projects/1/hog_functions/?limit=2&offset=2`)
    expect(all.body.previous).toBeNull()
    const page2 = await call('GET', '/api/projects/1/hog_functions/?limit=2&offset=2')
    expect(page2.body.results).toHaveLength(1)
    expect(page2.body.previous).toBe(`${base}/api/projects/1/hog_functions/?limit=2&offset=0`)
    expect((await call('GET', '/api/projects/1/hog_functions/?enabled=false')).body.results.map((f: { name: string }) => f.name)).toEqual(['Shop B'])
    expect((await call('GET', '/api/projects/1/hog_functions/?search=shop')).body.count).toBe(2)
    expect((await call('GET', '/api/projects/1/hog_functions/?type=transformation')).body.count).toBe(0)
    expect((await call('GET', '/api/projects/1/hog_functions/?type=destination,transformation')).body.count).toBe(3)
  })

  it('gets, updates and keeps the stored secret when PATCH sends {secret: true}', async () => {
    const fn = await created()
    const got = await call('GET', `/api/projects/1/hog_functions/${fn.id}/`)
    expect(got.body.inputs.conversion_token).toEqual({ secret: true })
    const patched = await call('PATCH', `/api/projects/1/hog_functions/${fn.id}/`, writeKey, {
      name: 'Renamed',
      inputs: { ad_account_id: { value: '42' }, conversion_token: { secret: true } },
    })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ name: 'Renamed', inputs: { ad_account_id: { value: '42' }, conversion_token: { secret: true } } })
    expect(store.functions.get(1, fn.id)?.secrets).toEqual({ conversion_token: TOKEN })
    await call('PATCH', `/api/projects/1/hog_functions/${fn.id}/`, writeKey, { inputs: { ad_account_id: { value: '42' }, conversion_token: { value: 'pina_new_token' } } })
    expect(store.functions.get(1, fn.id)?.secrets).toEqual({ conversion_token: 'pina_new_token' })
  })

  it('soft-deletes with DELETE and with PATCH {deleted: true}', async () => {
    const a = await created()
    const b = await created()
    expect((await call('DELETE', `/api/projects/1/hog_functions/${a.id}/`)).status).toBe(204)
    expect((await call('PATCH', `/api/projects/1/hog_functions/${b.id}/`, writeKey, { deleted: true })).body.deleted).toBe(true)
    expect((await call('GET', `/api/projects/1/hog_functions/${a.id}/`)).status).toBe(404)
    expect((await call('PATCH', `/api/projects/1/hog_functions/${a.id}/`, writeKey, { name: 'zombie' })).status).toBe(404)
    expect((await call('PATCH', `/api/projects/1/hog_functions/${a.id}/`, writeKey, { deleted: false })).body.deleted).toBe(false)
    expect((await call('DELETE', `/api/projects/1/hog_functions/${a.id}/`)).status).toBe(204)
    expect((await call('GET', '/api/projects/1/hog_functions/')).body.count).toBe(0)
    expect(store.functions.get(1, a.id)?.deleted).toBe(true)
  })

  it.each([
    ['a missing required input', { ...documentedBody, inputs: { conversion_token: { value: TOKEN } } }, 'This field is required.', 'inputs__ad_account_id'],
    ['a bad ad account id', { ...documentedBody, inputs: { ...documentedBody.inputs, ad_account_id: { value: 'act_1' } } }, expect.stringMatching(/^Value does not match/), 'inputs__ad_account_id'],
    ['an unknown template', { ...documentedBody, template_id: 'template-nope' }, "No such template; this destination is 'segment-actions-pinterest-conversions-api'", 'template_id'],
    ['no template', { ...documentedBody, template_id: undefined }, 'This field is required.', 'template_id'],
    [
      'a template that does not compile',
      { ...documentedBody, mappings: [{ name: 'Checkout', inputs: { event_id: { value: '{nope(1)}' } } }] },
      "invalid template at position 1: unknown function 'nope'",
      'mappings__0__inputs__event_id',
    ],
    ['a bad filter', { ...documentedBody, mappings: [{ name: 'X', filters: { events: [{ id: 7 }] } }] }, expect.any(String), 'mappings__0__filters__events__0__id'],
  ])('rejects %s with a 400 naming the input', async (_label, body, detail, attr) => {
    const response = await call('POST', '/api/projects/1/hog_functions/', writeKey, body)
    expect(response).toEqual({ status: 400, body: { type: 'validation_error', code: 'invalid_input', detail, attr, errors: [{ code: 'invalid_input', detail, attr }] } })
  })

  it('requires a valid key, the right scope and the same project', async () => {
    const fn = await created()
    expect(await call('GET', '/api/projects/1/hog_functions/', null)).toEqual({
      status: 401,
      body: { type: 'authentication_error', code: 'not_authenticated', detail: 'Authentication credentials were not provided.', attr: null },
    })
    expect((await call('GET', '/api/projects/1/hog_functions/', 'phx_wrong')).status).toBe(401)
    expect((await call('GET', '/api/projects/1/hog_functions/', readKey)).status).toBe(200)
    expect((await call('POST', '/api/projects/1/hog_functions/', readKey, documentedBody)).body).toEqual({
      type: 'authentication_error',
      code: 'permission_denied',
      detail: "This action requires the scope 'hog_function:write'.",
      attr: null,
    })
    expect((await call('GET', `/api/projects/1/hog_functions/${fn.id}/`, otherKey)).status).toBe(403)
    expect((await call('PATCH', `/api/projects/1/hog_functions/${fn.id}/`, otherKey, { name: 'x' })).status).toBe(403)
    expect((await call('GET', `/api/projects/2/hog_functions/${fn.id}/`, otherKey)).status).toBe(404)
  })

  it('checks paths and queries against request schemas', async () => {
    expect(await call('GET', '/api/projects/abc/hog_functions/')).toEqual({
      status: 400,
      body: {
        type: 'validation_error',
        code: 'invalid_input',
        detail: 'params/project_id must match pattern "^[0-9]{1,15}$"',
        attr: 'project_id',
        errors: [{ code: 'invalid_input', detail: 'params/project_id must match pattern "^[0-9]{1,15}$"', attr: 'project_id' }],
      },
    })
    expect((await call('GET', '/api/projects/1/hog_functions/?limit=-1')).body).toMatchObject({ type: 'validation_error', attr: 'limit' })
    expect((await call('GET', '/api/projects/1/hog_functions/?enabled=maybe')).body).toMatchObject({ type: 'validation_error', attr: 'enabled' })
    expect((await call('POST', '/api/projects/1/hog_functions/', writeKey, [1, 2])).body).toMatchObject({ type: 'validation_error', code: 'invalid_input' })
  })

  it('serves the template with its mapping templates', async () => {
    const list = await call('GET', '/api/projects/1/hog_function_templates/')
    expect(list.body.results.map((t: { id: string }) => t.id)).toEqual(['segment-actions-pinterest-conversions-api'])
    const one = await call('GET', '/api/environments/1/hog_function_templates/segment-actions-pinterest-conversions-api/')
    expect(one.body.mapping_templates).toHaveLength(17)
    expect(one.body.inputs_schema.find((i: { key: string }) => i.key === 'conversion_token')).toMatchObject({ secret: true, required: true })
    expect((await call('GET', '/api/projects/1/hog_function_templates/nope/')).status).toBe(404)
  })

  it('answers malformed JSON without echoing it', async () => {
    const response = await fetch(`${base}/api/projects/1/hog_functions/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writeKey}`, 'content-type': 'application/json' },
      body: `{"inputs": {"conversion_token": ${TOKEN}}}`,
    })
    expect(response.status).toBe(400)
    expect(await response.text()).not.toContain(TOKEN)
  })
})
