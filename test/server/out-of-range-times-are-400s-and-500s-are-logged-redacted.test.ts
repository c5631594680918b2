import { loadHogParser } from '../../src/hog/parser'
import { buildApp } from '../../src/server/app'
import { openServerStore } from '../helpers/server-store'

const TOKEN = 'pina_SECRET_conversion_token_0042'

const cleanups: (() => Promise<unknown>)[] = []

beforeAll(loadHogParser)

afterAll(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup()
})

async function setup(errorLog?: (line: string) => void) {
  const store = openServerStore(':memory:')
  const project = store.projects.create('Acme')
  const key = store.keys.create(project.id, ['hog_function:read', 'hog_function:write'], 'test').key
  const server = buildApp({ store, errorLog })
  const base = await server.listen({ host: '127.0.0.1', port: 0 })
  cleanups.push(async () => {
    await server.close()
    store.close()
  })
  const app = {
    async inject(request: { method: string; url: string; headers: Record<string, string>; payload?: unknown }) {
      const headers = request.payload === undefined ? request.headers : { ...request.headers, 'content-type': 'application/json' }
      const response = await fetch(`${base}${request.url}`, { method: request.method, headers, body: request.payload === undefined ? undefined : JSON.stringify(request.payload) })
      const text = await response.text()
      return { statusCode: response.status, json: () => JSON.parse(text) }
    },
  }
  return { store, app, key }
}

const createBody = {
  template_id: 'segment-actions-pinterest-conversions-api',
  inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: TOKEN } },
}

describe('logs and metrics times', () => {
  const cases: [string, 'after' | 'before'][] = [
    ['logs?after=-9999999999d', 'after'],
    ['logs?before=-99999999999h', 'before'],
    ['metrics?after=-9999999999d', 'after'],
    ['metrics/totals?before=%2B275760-09-13T00:00:00.001Z', 'before'],
    ['metrics?after=20000-01-01', 'after'],
    ['metrics/totals?after=not-a-date', 'after'],
    ['logs?after=yesterday', 'after'],
  ]

  let app: Awaited<ReturnType<typeof setup>>['app']
  let key: string
  let id: string

  beforeAll(async () => {
    ;({ app, key } = await setup())
    const created = await app.inject({ method: 'POST', url: '/api/projects/1/hog_functions/', headers: { authorization: `Bearer ${key}` }, payload: createBody })
    expect(created.statusCode).toBe(201)
    id = created.json().id
  })

  it.each(cases)('%s is a 400 naming %s', async (query, name) => {
    const response = await app.inject({ method: 'GET', url: `/api/projects/1/hog_functions/${id}/${query}`, headers: { authorization: `Bearer ${key}` } })
    expect(response.statusCode).toBe(400)
    const detail = `${name} must be a relative time such as -7d, -24h or -30m, or an ISO 8601 date between the years 0 and 9999.`
    expect(response.json()).toEqual({ type: 'validation_error', code: 'invalid_input', detail, attr: name, errors: [{ code: 'invalid_input', detail, attr: name }] })
  })

  it('still takes relative and ISO times', async () => {
    const url = `/api/projects/1/hog_functions/${id}/metrics/totals?after=-30m&before=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`
    const response = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${key}` } })
    expect(response.statusCode).toBe(200)
    expect(response.json()).toEqual({ totals: { succeeded: 0, failed: 0, gave_up: 0, filtered: 0, skipped: 0, fetch: 0 } })
  })
})

describe('an unexpected error', () => {
  it('is a 500 in PostHog’s shape, logged on one line without the key or any input value', async () => {
    const lines: string[] = []
    const { store, app, key } = await setup((line) => lines.push(line))
    jest.spyOn(store.functions, 'insert').mockImplementation((fn) => {
      throw new Error(`disk I/O error writing ${JSON.stringify(fn.secrets)} ${JSON.stringify(fn.inputs)} for Bearer ${key}`)
    })
    const response = await app.inject({ method: 'POST', url: '/api/projects/1/hog_functions/?token=phc_querytoken123', headers: { authorization: `Bearer ${key}` }, payload: createBody })
    expect(response.statusCode).toBe(500)
    expect(response.json()).toEqual({ type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null })
    expect(lines).toHaveLength(1)
    const logged = JSON.parse(lines[0])
    expect(logged).toMatchObject({ level: 'error', method: 'POST', route: '/api/projects/:project_id/hog_functions' })
    expect(logged.error).toMatch(/^Error: disk I\/O error writing /)
    for (const secret of [TOKEN, key, '549755885175', 'phc_querytoken123']) expect(lines[0]).not.toContain(secret)
    expect(lines[0]).toContain('***REDACTED***')
  })
})
