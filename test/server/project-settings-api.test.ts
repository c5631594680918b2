import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { migrate } from '../../src/store/sqlite/migrations'
import { addProject, firstProject, PROJECT_TOKEN, type Setup, startPipeline } from '../helpers/pipeline-server'

jest.setTimeout(30_000)

let setup: Setup

beforeAll(async () => {
  setup = await startPipeline('pipelines-projects-')
})

afterAll(() => setup.close())

async function call(method: string, url: string, key: string | undefined, body?: unknown) {
  const headers: Record<string, string> = {}
  if (key) headers.authorization = `Bearer ${key}`
  if (body !== undefined) headers['content-type'] = 'application/json'
  const response = await fetch(`${setup.server.url}${url}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

describe('GET and PATCH /api/projects/:id/', () => {
  it('shows the project, anonymize_ips off by default', async () => {
    const { status, body } = await call('GET', '/api/projects/1/', firstProject.key)
    expect(status).toBe(200)
    expect(body).toEqual({ id: 1, name: 'Default project', api_token: PROJECT_TOKEN, anonymize_ips: false, created_at: expect.any(String) })
  })

  it('turns anonymize_ips on and off, under the environments path too', async () => {
    expect((await call('PATCH', '/api/environments/1/', firstProject.key, { anonymize_ips: true })).body).toMatchObject({ id: 1, anonymize_ips: true })
    expect((await call('GET', '/api/projects/1/', firstProject.key)).body.anonymize_ips).toBe(true)
    expect(setup.server.store.projects.byToken(PROJECT_TOKEN)?.anonymize_ips).toBe(true)
    expect((await call('PATCH', '/api/projects/1/', firstProject.key, { anonymize_ips: false })).body.anonymize_ips).toBe(false)
    expect(setup.server.store.projects.byToken(PROJECT_TOKEN)?.anonymize_ips).toBe(false)
  })

  it('renames the project and ignores fields it does not have', async () => {
    const { status, body } = await call('PATCH', '/api/projects/1/', firstProject.key, { name: 'Shop', timezone: 'UTC' })
    expect(status).toBe(200)
    expect(body).toMatchObject({ name: 'Shop', anonymize_ips: false })
    expect(body).not.toHaveProperty('timezone')
  })

  it.each([
    [{ anonymize_ips: 'phx_pasted_by_mistake' }, 'anonymize_ips', 'Must be a valid boolean.'],
    [{ anonymize_ips: 1 }, 'anonymize_ips', 'Must be a valid boolean.'],
    [{ name: '' }, 'name', 'This field may not be blank.'],
    [{ name: 7 }, 'name', 'Not a valid string.'],
  ])('answers %j with a 400 naming the field', async (patch, attr, detail) => {
    const { status, body } = await call('PATCH', '/api/projects/1/', firstProject.key, patch)
    expect(status).toBe(400)
    expect(body).toEqual({ type: 'validation_error', code: 'invalid_input', detail, attr, errors: [{ code: 'invalid_input', detail, attr }] })
    expect(JSON.stringify(body)).not.toContain('phx_pasted_by_mistake')
    expect(setup.server.store.projects.get(1)?.anonymize_ips).toBe(false)
  })

  it('needs a key, of this project, with the project scopes', async () => {
    expect((await call('GET', '/api/projects/1/', undefined)).status).toBe(401)
    const other = addProject(setup.server, 'other')
    expect((await call('GET', '/api/projects/1/', other.key)).body).toMatchObject({ code: 'permission_denied', detail: "You don't have access to the project." })
    // addProject's key holds the hog_function scopes only.
    expect((await call('GET', `/api/projects/${other.id}/`, other.key)).body).toMatchObject({ code: 'permission_denied', detail: "This action requires the scope 'project:read'." })
    const { key: reader } = setup.server.store.keys.create(other.id, ['project:read'], 'reader')
    expect((await call('GET', `/api/projects/${other.id}/`, reader)).body).toMatchObject({ id: other.id, anonymize_ips: false })
    expect((await call('PATCH', `/api/projects/${other.id}/`, reader, { anonymize_ips: true })).body).toMatchObject({ detail: "This action requires the scope 'project:write'." })
  })
})

describe('the migration that adds anonymize_ips', () => {
  /** The schema version just before projects had the column, found by trying each version. */
  function versionBefore(): number {
    for (let version = 1; ; version++) {
      const db = new Database(':memory:')
      try {
        migrate(db, version)
        const columns = db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('projects')
        if (columns.includes('anonymize_ips')) return version - 1
      } finally {
        db.close()
      }
    }
  }

  it('keeps projects as they were and gives the keys bootstrap made the project scopes', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-projects-'))
    const file = path.join(dir, 'db.sqlite')
    try {
      const old = new Database(file)
      migrate(old, versionBefore())
      old.prepare("INSERT INTO projects (name, api_token, created_at) VALUES ('Default project', 'phc_old', '2026-01-01T00:00:00.000Z')").run()
      const key = old.prepare("INSERT INTO api_keys (id, project_id, key_hash, label, scopes, created_at) VALUES (?, 1, ?, ?, ?, '2026-01-01T00:00:00.000Z')")
      key.run('k1', 'hash-1', 'bootstrap', JSON.stringify(['hog_function:read', 'hog_function:write']))
      key.run('k2', 'hash-2', 'cli', JSON.stringify(['hog_function:read']))
      old.close()

      const store = openSqliteStore(file, { env: {} })
      store.close()
      const db = new Database(file, { readonly: true })
      const scopes = Object.fromEntries((db.prepare('SELECT id, scopes FROM api_keys').all() as { id: string; scopes: string }[]).map((r) => [r.id, JSON.parse(r.scopes)]))
      const project = db.prepare('SELECT name, api_token, anonymize_ips FROM projects').get()
      db.close()
      expect(scopes).toEqual({ k1: ['hog_function:read', 'hog_function:write', 'project:read', 'project:write'], k2: ['hog_function:read'] })
      expect(project).toEqual({ name: 'Default project', api_token: 'phc_old', anonymize_ips: 0 })
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
