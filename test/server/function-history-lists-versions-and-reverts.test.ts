import type { FastifyInstance } from 'fastify'
import { loadHogParser } from '../../src/hog/parser'
import { buildApp } from '../../src/server/app'
import type { Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

const TOKEN = 'pina_SECRET_history_token_0001'
const NEW_TOKEN = 'pina_SECRET_history_token_0002'
let store: Store
let app: FastifyInstance
let writeKey: string
let readKey: string
let noReadKey: string
let otherKey: string
let base: string

beforeAll(loadHogParser)

beforeEach(async () => {
  store = openServerStore(':memory:')
  const project = store.projects.create('Acme')
  const other = store.projects.create('Other')
  writeKey = store.keys.create(project.id, ['hog_function:read', 'hog_function:write'], 'deploy bot').key
  readKey = store.keys.create(project.id, ['hog_function:read'], 'auditor').key
  noReadKey = store.keys.create(project.id, ['project:read'], 'projects only').key
  otherKey = store.keys.create(other.id, ['hog_function:read', 'hog_function:write'], 'other').key
  app = buildApp({ store })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterEach(async () => {
  await app.close()
  store.close()
})

const quote = { name: 'Quote requested', filters: { events: [{ id: 'Quote Requested', type: 'events' }] }, inputs: { event_name: { value: 'lead' } } }
const newsletter = { name: 'Newsletter joined', filters: { events: [{ id: 'Newsletter Joined', type: 'events' }] }, inputs: { event_name: { value: 'lead' } } }

const body = {
  type: 'destination',
  name: 'Pinterest',
  inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: TOKEN } },
  enabled: true,
  template_id: 'segment-actions-pinterest-conversions-api',
  mappings: [quote],
}

async function call(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, key: string = writeKey, payload?: unknown) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` }
  if (payload !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${base}${url}`, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) })
  const text = await response.text()
  // No answer holds a token, in clear or sealed.
  expect(text).not.toContain('pina_')
  expect(text).not.toContain('enc:v1')
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}

interface Entry {
  id: string
  version: number
  activity: string
  user: { id: string | null; first_name: string }
  is_system: boolean
  scope: string
  item_id: string
  detail: { name: string; changes: { field: string; action: string; before: unknown; after: unknown }[]; trigger: unknown }
  created_at: string
}

async function history(id: string, query = '', key = writeKey, prefix = '/api/projects/1') {
  const response = await call('GET', `${prefix}/hog_functions/${id}/activity/${query}`, key)
  expect(response.status).toBe(200)
  return response.body as { results: Entry[]; next: string | null; previous: string | null; total_count: number }
}

const fields = (entry: Entry) => entry.detail.changes.map((c) => `${c.action} ${c.field}`)

/** Creates a function, then PATCHes name and token, then mappings: three versions. */
async function withThreeVersions(): Promise<string> {
  const created = await call('POST', '/api/projects/1/hog_functions/', writeKey, body)
  expect(created.status).toBe(201)
  const id = created.body.id as string
  expect(
    (await call('PATCH', `/api/projects/1/hog_functions/${id}/`, writeKey, { name: 'Pinterest (shop)', inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: NEW_TOKEN } } }))
      .status,
  ).toBe(200)
  expect((await call('PATCH', `/api/projects/1/hog_functions/${id}/`, writeKey, { mappings: [quote, newsletter] })).status).toBe(200)
  return id
}

describe('a function keeps its versions', () => {
  it('lists create, a name and token change, and a mappings change, newest first, with field-by-field diffs', async () => {
    const id = await withThreeVersions()
    const page = await history(id)
    expect(page.total_count).toBe(3)
    expect(page.next).toBeNull()
    expect(page.previous).toBeNull()
    const [mappings, rename, create] = page.results
    expect(page.results.map((e) => [e.version, e.activity, e.scope, e.item_id, e.detail.name])).toEqual([
      [3, 'updated', 'HogFunction', id, 'Pinterest (shop)'],
      [2, 'updated', 'HogFunction', id, 'Pinterest (shop)'],
      [1, 'created', 'HogFunction', id, 'Pinterest'],
    ])
    // Who: the label of the key that made each change.
    for (const entry of page.results) expect([entry.user.first_name, entry.is_system]).toEqual(['deploy bot', false])
    expect(fields(create)).toEqual(['created name', 'created description', 'created enabled', 'created deleted', 'created inputs.ad_account_id', 'created inputs.conversion_token', 'created mappings'])
    expect(create.detail.changes.find((c) => c.field === 'inputs.conversion_token')).toEqual({
      type: 'HogFunction',
      action: 'created',
      field: 'inputs.conversion_token',
      before: null,
      after: { secret: true },
    })
    expect(rename.detail.changes).toEqual([
      { type: 'HogFunction', action: 'changed', field: 'name', before: 'Pinterest', after: 'Pinterest (shop)' },
      { type: 'HogFunction', action: 'changed', field: 'inputs.conversion_token', before: { secret: true }, after: { secret: true } },
    ])
    expect(mappings.detail.changes).toEqual([
      {
        type: 'HogFunction',
        action: 'created',
        field: 'mappings.Newsletter joined',
        before: null,
        after: expect.objectContaining({ name: 'Newsletter joined', inputs: { event_name: { value: 'lead' } } }),
      },
    ])
    expect(Date.parse(mappings.created_at)).toBeGreaterThanOrEqual(Date.parse(create.created_at))
  })

  it('reverts to the first version as a new version: name, token and mappings come back', async () => {
    const id = await withThreeVersions()
    const [, , first] = (await history(id)).results
    const reverted = await call('POST', `/api/environments/1/hog_functions/${id}/activity/${first.id}/revert/`)
    expect(reverted.status).toBe(200)
    expect(reverted.body).toMatchObject({ id, name: 'Pinterest', inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { secret: true } } })
    expect(reverted.body.mappings.map((m: { name: string }) => m.name)).toEqual(['Quote requested'])
    // The token that runs is the first one again.
    expect(store.functions.get(1, id)?.secrets).toEqual({ conversion_token: TOKEN })
    expect((await call('GET', `/api/projects/1/hog_functions/${id}/`)).body.name).toBe('Pinterest')

    const page = await history(id, '', readKey, '/api/environments/1')
    expect(page.total_count).toBe(4)
    const latest = page.results[0]
    expect([latest.version, latest.activity, latest.user.first_name]).toEqual([4, 'updated', 'deploy bot'])
    expect(latest.detail.trigger).toEqual({ job_type: 'revert', job_id: first.id, payload: { version: 1 } })
    expect(fields(latest)).toEqual(['changed name', 'changed inputs.conversion_token', 'deleted mappings.Newsletter joined'])
    // Reverting again to the same version changes nothing and saves no version.
    expect((await call('POST', `/api/projects/1/hog_functions/${id}/activity/${first.id}/revert/`)).status).toBe(200)
    expect((await history(id)).total_count).toBe(4)
  })

  it('saves no version for a PATCH that changes nothing', async () => {
    const id = await withThreeVersions()
    expect((await call('PATCH', `/api/projects/1/hog_functions/${id}/`, writeKey, { name: 'Pinterest (shop)' })).status).toBe(200)
    expect((await history(id)).total_count).toBe(3)
  })

  it('keeps a soft delete and an undelete as versions; a deleted function keeps its history and cannot be reverted', async () => {
    const id = await withThreeVersions()
    expect((await call('DELETE', `/api/projects/1/hog_functions/${id}/`)).status).toBe(204)
    const afterDelete = await history(id)
    expect([afterDelete.results[0].activity, afterDelete.results[0].detail.changes]).toEqual(['deleted', [{ type: 'HogFunction', action: 'changed', field: 'deleted', before: false, after: true }]])
    const first = afterDelete.results[3]
    expect((await call('POST', `/api/projects/1/hog_functions/${id}/activity/${first.id}/revert/`)).status).toBe(404)
    expect((await call('PATCH', `/api/projects/1/hog_functions/${id}/`, writeKey, { deleted: false })).status).toBe(200)
    const afterUndelete = await history(id)
    expect(afterUndelete.results.map((e) => [e.version, e.activity])).toEqual([
      [5, 'updated'],
      [4, 'deleted'],
      [3, 'updated'],
      [2, 'updated'],
      [1, 'created'],
    ])
    expect(fields(afterUndelete.results[0])).toEqual(['changed deleted'])
  })

  it('pages with limit and page, with next and previous links', async () => {
    const id = await withThreeVersions()
    const one = await history(id, '?limit=2')
    expect(one.results.map((e) => e.version)).toEqual([3, 2])
    expect(new URL(one.next ?? '').search).toBe('?limit=2&page=2')
    const two = await history(id, '?limit=2&page=2')
    expect(two.results.map((e) => e.version)).toEqual([1])
    expect([two.next, new URL(two.previous ?? '').search]).toEqual([null, '?limit=2&page=1'])
  })
})

describe('who may read and revert versions', () => {
  it('a change made in the page is by the key that signed in', async () => {
    const id = await withThreeVersions()
    const signIn = await fetch(`${base}/api/ui/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ personal_api_key: writeKey }) })
    expect(signIn.status).toBe(200)
    const cookie = String(signIn.headers.get('set-cookie')).split(';')[0]
    const { csrf_token } = (await signIn.json()) as { csrf_token: string }
    const patched = await fetch(`${base}/api/projects/1/hog_functions/${id}/`, {
      method: 'PATCH',
      headers: { cookie, 'x-csrftoken': csrf_token, 'content-type': 'application/json' },
      body: JSON.stringify({ description: 'from the page' }),
    })
    expect(patched.status).toBe(200)
    const [latest] = (await history(id)).results
    expect([latest.version, latest.user.first_name, latest.is_system, latest.detail.changes]).toEqual([
      4,
      'deploy bot',
      false,
      [{ type: 'HogFunction', action: 'changed', field: 'description', before: '', after: 'from the page' }],
    ])
  })

  it('another project neither reads nor reverts them: 404 under its own path, 403 under this one', async () => {
    const id = await withThreeVersions()
    const first = (await history(id)).results[2]
    expect((await call('GET', `/api/projects/2/hog_functions/${id}/activity/`, otherKey)).status).toBe(404)
    expect((await call('POST', `/api/projects/2/hog_functions/${id}/activity/${first.id}/revert/`, otherKey)).status).toBe(404)
    expect((await call('GET', `/api/projects/1/hog_functions/${id}/activity/`, otherKey)).status).toBe(403)
    expect((await call('POST', `/api/projects/1/hog_functions/${id}/activity/${first.id}/revert/`, otherKey)).status).toBe(403)
    expect(store.functions.get(1, id)?.name).toBe('Pinterest (shop)')
  })

  it('reading needs hog_function:read, reverting hog_function:write', async () => {
    const id = await withThreeVersions()
    const first = (await history(id, '', readKey)).results[2]
    const noRead = await call('GET', `/api/projects/1/hog_functions/${id}/activity/`, noReadKey)
    expect([noRead.status, noRead.body.detail]).toEqual([403, "This action requires the scope 'hog_function:read'."])
    const readOnly = await call('POST', `/api/projects/1/hog_functions/${id}/activity/${first.id}/revert/`, readKey)
    expect([readOnly.status, readOnly.body.detail]).toEqual([403, "This action requires the scope 'hog_function:write'."])
    expect((await history(id)).total_count).toBe(3)
  })

  it('a malformed version id is a 400 naming version_id; an unknown one, or another function’s, a 404 naming it', async () => {
    const id = await withThreeVersions()
    const otherFn = await call('POST', '/api/projects/1/hog_functions/', writeKey, { ...body, name: 'Other' })
    const otherVersion = (await history(otherFn.body.id)).results[0].id
    const malformed = await call('POST', `/api/projects/1/hog_functions/${id}/activity/not-a-version/revert/`)
    expect([malformed.status, malformed.body.attr]).toEqual([400, 'version_id'])
    expect(malformed.body.detail).not.toContain('not-a-version')
    for (const versionId of ['00000000-0000-4000-8000-000000000000', otherVersion]) {
      const unknown = await call('POST', `/api/projects/1/hog_functions/${id}/activity/${versionId}/revert/`)
      expect([unknown.status, unknown.body]).toEqual([404, { type: 'invalid_request', code: 'not_found', detail: 'No version of this function has this version_id.', attr: 'version_id' }])
    }
    expect((await call('GET', '/api/projects/1/hog_functions/no-such-function/activity/')).status).toBe(404)
    const badPage = await call('GET', `/api/projects/1/hog_functions/${id}/activity/?page=0`)
    expect([badPage.status, badPage.body.attr]).toEqual([400, 'page'])
    expect((await history(id)).total_count).toBe(3)
  })
})
