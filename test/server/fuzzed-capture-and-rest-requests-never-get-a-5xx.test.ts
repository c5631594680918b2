import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { deflateSync, gzipSync } from 'node:zlib'
import { loadHogParser } from '../../src/hog/parser'
import { buildApp } from '../../src/server/app'
import { GroupCommit } from '../../src/server/group-commit'
import type { Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

jest.setTimeout(120_000)

const TEMPLATE_ID = 'segment-actions-pinterest-conversions-api'
let store: Store
let app: FastifyInstance
let base: string
let key: string
let projectToken: string
let functionId: string
const fiveHundreds: string[] = []

beforeAll(async () => {
  await loadHogParser()
  store = openServerStore(':memory:')
  const project = store.projects.create('Fuzz')
  projectToken = project.api_token
  key = store.keys.create(project.id, ['hog_function:read', 'hog_function:write'], 'fuzz').key
  app = buildApp({ store, capture: { writer: new GroupCommit(store.events, () => {}) }, errorLog: (line) => fiveHundreds.push(line) })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
  const created = await fetch(`${base}/api/projects/1/hog_functions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ template_id: TEMPLATE_ID, inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_fuzz_token' } } }),
  })
  functionId = ((await created.json()) as { id: string }).id
})

afterAll(async () => {
  await app.close()
  store.close()
})

interface Case {
  method: string
  path: string
  headers: Record<string, string>
  body?: Buffer | string
}

async function send(c: Case): Promise<number> {
  const response = await fetch(`${base}${c.path}`, { method: c.method, headers: c.headers, body: c.body })
  await response.arrayBuffer()
  return response.status
}

const json = fc.jsonValue({ maxDepth: 4 })
const text = fc.string({ maxLength: 40 })
const nestedText = fc.integer({ min: 1, max: 3000 }).map((n) => '['.repeat(n) + ']'.repeat(n))

// Capture: PostHog's shapes, broken shapes and hostile bytes, under every encoding.
const eventArb = fc.record(
  {
    event: fc.oneof(text, json),
    distinct_id: fc.oneof(text, fc.integer(), json),
    uuid: fc.oneof(fc.uuid(), text),
    timestamp: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      text,
      fc.double(),
      fc.constant(null),
    ),
    properties: fc.oneof(fc.dictionary(text, json), json),
    $set: fc.oneof(fc.dictionary(text, json), json),
  },
  { requiredKeys: [] },
)
const captureJson = fc.oneof(
  eventArb.map((e) => JSON.stringify({ api_key: projectToken, ...e })),
  fc.array(eventArb, { maxLength: 20 }).map((batch) => JSON.stringify({ api_key: projectToken, batch })),
  fc.array(eventArb, { maxLength: 5 }).map((batch) => JSON.stringify(batch.map((e) => ({ ...e, token: projectToken })))),
  nestedText.map((tree) => `{"api_key":"${projectToken}","event":"e","distinct_id":"d","properties":{"t":${tree}}}`),
  nestedText.map((tree) => `{"api_key":"${projectToken}","batch":[${tree},{"event":"e","distinct_id":"d"}]}`),
  fc
    .constantFrom(
      '{"__proto__":{"polluted":1},"api_key":"T","event":"e","distinct_id":"d"}',
      '{"api_key":"T","event":"e","distinct_id":"d","properties":{"__proto__":{"x":1},"constructor":{"prototype":{"y":2}}}}',
    )
    .map((t) => t.replace('"T"', JSON.stringify(projectToken))),
  fc.integer({ min: 1, max: 300_000 }).map((n) => JSON.stringify({ api_key: projectToken, event: 'big', distinct_id: 'd', properties: { s: 'é'.repeat(n) } })),
  json.map((v) => JSON.stringify(v)),
  fc.string({ maxLength: 200 }),
)
const encodings = fc.constantFrom('plain', 'gzip', 'deflate', 'gzip-js', 'form', 'form-base64', 'gzip-garbage', 'bytes')
const captureCase: fc.Arbitrary<Case> = fc
  .record({
    path: fc.constantFrom('/e/', '/i/v0/e/', '/batch/', '/capture/', '/track/'),
    body: captureJson,
    encoding: encodings,
    contentType: fc.option(
      fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/octet-stream', ';;;', 'json/utf-8; charset=nope'),
      { nil: undefined },
    ),
    contentEncoding: fc.option(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'GZIP', 'gzip, deflate', 'x'), { nil: undefined }),
    bytes: fc.uint8Array({ maxLength: 300 }),
  })
  .map(({ path, body, encoding, contentType, contentEncoding, bytes }) => {
    const headers: Record<string, string> = {}
    if (contentType) headers['content-type'] = contentType
    let payload: Buffer | string = body
    let query = ''
    if (encoding === 'gzip') {
      payload = gzipSync(body)
      headers['content-encoding'] = contentEncoding ?? 'gzip'
    } else if (encoding === 'deflate') {
      payload = deflateSync(body)
      headers['content-encoding'] = contentEncoding ?? 'deflate'
    } else if (encoding === 'gzip-js') {
      payload = gzipSync(body)
      query = '?compression=gzip-js'
    } else if (encoding === 'form') payload = `data=${encodeURIComponent(body)}`
    else if (encoding === 'form-base64') payload = `data=${encodeURIComponent(Buffer.from(body).toString('base64'))}`
    else if (encoding === 'gzip-garbage') payload = Buffer.concat([Buffer.from([0x1f, 0x8b]), Buffer.from(bytes)])
    else if (encoding === 'bytes') payload = Buffer.from(bytes)
    else if (contentEncoding) headers['content-encoding'] = contentEncoding
    return { method: 'POST', path: `${path}${query}`, headers, body: payload }
  })

// REST: hostile bodies for create, update and test runs; random query strings for lists, logs and metrics.
const filterArb = fc.oneof(
  json,
  fc.record(
    {
      events: fc.array(fc.record({ id: fc.oneof(text, fc.constant(null), json), type: fc.oneof(fc.constant('events'), text) }, { requiredKeys: [] }), { maxLength: 3 }),
      properties: fc.array(
        fc.record(
          { key: fc.oneof(text, json), type: fc.constantFrom('event', 'person', 'hogql', 'x'), operator: fc.oneof(fc.constantFrom('exact', 'regex', 'gt', 'is_set', 'icontains'), text), value: json },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    },
    { requiredKeys: [] },
  ),
)
const inputsArb = fc.oneof(
  json,
  fc.dictionary(
    fc.oneof(fc.constantFrom('ad_account_id', 'conversion_token', 'debug_mode', 'test_mode', 'event_name', 'action_source', 'user_data', 'custom_data', '__proto__'), text),
    fc.oneof(fc.record({ value: fc.oneof(json, text) }, { requiredKeys: [] }), fc.record({ secret: fc.boolean() }), json),
    { maxKeys: 5 },
  ),
)
const configArb = fc.record(
  {
    type: fc.oneof(fc.constant('destination'), text),
    template_id: fc.oneof(fc.constant(TEMPLATE_ID), text, json),
    name: fc.oneof(text, json),
    enabled: fc.oneof(fc.boolean(), json),
    inputs: inputsArb,
    mappings: fc.oneof(
      json,
      fc.array(
        fc.record(
          {
            name: fc.oneof(fc.constantFrom('Checkout', 'Add To Cart', 'Lead'), text),
            inputs: inputsArb,
            filters: filterArb,
            inputs_schema: fc.oneof(
              json,
              fc.array(fc.record({ key: fc.oneof(fc.constantFrom('event_name', 'action_source'), text), default: json, type: text }, { requiredKeys: [] }), { maxLength: 2 }),
            ),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
    filters: filterArb,
    deleted: fc.oneof(fc.boolean(), json),
  },
  { requiredKeys: [] },
)
const validInputs = { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_fuzz_token' } }
const nearlyValid = fc
  .record({ name: text, enabled: fc.boolean(), mappings: fc.constant([{ name: 'Checkout' }]) }, { requiredKeys: [] })
  .map((extra) => ({ template_id: TEMPLATE_ID, inputs: validInputs, ...extra }))
const restBody = fc.oneof(
  nearlyValid.map((c) => JSON.stringify(c)),
  configArb.map((c) => JSON.stringify(c)),
  json.map((v) => JSON.stringify(v)),
  nestedText.map((t) => `{"inputs":${t}}`),
  fc.string({ maxLength: 100 }),
)
const queryArb = fc.dictionary(
  fc.oneof(fc.constantFrom('type', 'enabled', 'search', 'limit', 'offset', 'level', 'after', 'before', 'page', 'status', 'mapping', 'reason'), text),
  fc.oneof(text, fc.constantFrom('-9999999999d', '-7d', '-24h', '1e400', '-0m', '2026-13-45', '+275760-09-13T00:00:00.000Z', '99999999999999999999')),
  { maxKeys: 4 },
)
const restCase: fc.Arbitrary<Case> = fc
  .record({
    route: fc.constantFrom('create', 'update', 'invoke', 'list', 'logs', 'metrics', 'totals', 'get', 'activity', 'revert', 'deliveries', 'replay', 'backfill', 'jobs', 'cancel'),
    prefix: fc.constantFrom('/api/projects/1', '/api/environments/1', '/api/projects/2', '/api/projects/abc'),
    body: restBody,
    query: queryArb,
    contentType: fc.constantFrom('application/json', 'text/plain', 'application/json; charset=utf-16'),
    auth: fc.constantFrom('good', 'none', 'bad'),
  })
  .map(({ route, prefix, body, query, contentType, auth }) => {
    const headers: Record<string, string> = auth === 'good' ? { authorization: `Bearer ${key}` } : auth === 'bad' ? { authorization: 'Bearer phx_nope' } : {}
    const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString()
    const fn = `${prefix}/hog_functions/${auth === 'good' && query.search !== undefined ? 'no-such-function' : functionId}`
    const withBody = (method: string, path: string): Case => ({ method, path, headers: { ...headers, 'content-type': contentType }, body })
    switch (route) {
      case 'create':
        return withBody('POST', `${prefix}/hog_functions/`)
      case 'update':
        return withBody('PATCH', `${fn}/`)
      case 'invoke':
        return withBody('POST', `${fn}/invocations/`)
      case 'list':
        return { method: 'GET', path: `${prefix}/hog_functions/?${search}`, headers }
      case 'logs':
        return { method: 'GET', path: `${fn}/logs/?${search}`, headers }
      case 'metrics':
        return { method: 'GET', path: `${fn}/metrics/?${search}`, headers }
      case 'totals':
        return { method: 'GET', path: `${fn}/metrics/totals/?${search}`, headers }
      case 'activity':
        return { method: 'GET', path: `${fn}/activity/?${search}`, headers }
      case 'revert':
        return withBody('POST', `${fn}/activity/${encodeURIComponent(String(query.search ?? '00000000-0000-4000-8000-000000000000'))}/revert/`)
      case 'deliveries':
        return { method: 'GET', path: `${fn}/deliveries/?${search}`, headers }
      case 'replay':
        return withBody('POST', `${fn}/replays/`)
      case 'backfill':
        return withBody('POST', `${fn}/backfills/`)
      case 'jobs':
        return { method: 'GET', path: `${fn}/jobs/${encodeURIComponent(String(query.search ?? ''))}?${search}`, headers }
      case 'cancel':
        return withBody('POST', `${fn}/jobs/${encodeURIComponent(String(query.search ?? '00000000-0000-4000-8000-000000000000'))}/cancel/`)
      default:
        return { method: 'GET', path: `${fn}/?${search}`, headers }
    }
  })

function describeCase(c: Case): string {
  const body = c.body === undefined ? '' : typeof c.body === 'string' ? c.body.slice(0, 200) : `<${c.body.length} bytes>`
  return `${c.method} ${c.path} ${JSON.stringify(c.headers)} ${body}`
}

/** Runs the cases; returns the statuses seen, so a test can show the cases reached past the 4xx checks. */
async function noServerErrors(arb: fc.Arbitrary<Case>, numRuns: number): Promise<Set<number>> {
  const failures: string[] = []
  const seen = new Set<number>()
  await fc.assert(
    fc.asyncProperty(arb, async (c) => {
      const status = await send(c)
      seen.add(status)
      if (status >= 500) failures.push(`${status} for ${describeCase(c)}`)
      return status < 500
    }),
    { numRuns, seed: 8, endOnFailure: true },
  )
  expect(failures).toEqual([])
  return seen
}

describe('fuzzed requests', () => {
  it('capture never answers 5xx', async () => {
    const seen = await noServerErrors(captureCase, 1500)
    expect([200, 400, 401].filter((status) => seen.has(status))).toEqual([200, 400, 401])
  })

  it('the REST API never answers 5xx', async () => {
    const seen = await noServerErrors(restCase, 1500)
    expect([200, 201, 400, 401, 403, 404].filter((status) => seen.has(status))).toEqual([200, 201, 400, 401, 403, 404])
  })

  it('leave a healthy server that still stores a good capture', async () => {
    expect(fiveHundreds).toEqual([])
    expect((await fetch(`${base}/_health`)).status).toBe(200)
    const answer = await send({
      method: 'POST',
      path: '/e/',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: projectToken, event: 'after', distinct_id: 'd', uuid: 'after-fuzz' }),
    })
    expect(answer).toBe(200)
  })
})
