import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { keysCommand } from '../../src/cli/keys'
import { buildApp } from '../../src/server/app'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { SCOPES, type Store } from '../../src/store/types'

let dir: string
let db: string
let store: Store
let app: FastifyInstance
let key: string
let keyId: string
/** Every answer of the file, searched for the key at the end. */
const answers: LightMyRequestResponse[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-sessions-'))
  db = path.join(dir, 'db.sqlite')
  store = openSqliteStore(db, { env: {} })
  const project = store.projects.create('Shop', 'phc_sessions_project_token')
  const created = store.keys.create(project.id, [...SCOPES], 'laptop')
  key = created.key
  keyId = created.record.id
  app = buildApp({ store })
})

afterEach(async () => {
  await app.close()
  store.close()
  for (const answer of answers.splice(0)) {
    expect(answer.body).not.toContain(key)
    expect(JSON.stringify(answer.headers)).not.toContain(key)
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

async function send(options: InjectOptions): Promise<LightMyRequestResponse> {
  const answer = await app.inject(options)
  answers.push(answer)
  return answer
}

const signIn = (personal_api_key: unknown, headers: Record<string, string> = {}) => send({ method: 'POST', url: '/api/ui/session', payload: { personal_api_key }, headers })

/** Signs in; the cookie header to send back and the CSRF token. */
async function session(): Promise<{ cookie: string; csrf: string }> {
  const answer = await signIn(key)
  expect(answer.statusCode).toBe(200)
  const cookie = String(answer.headers['set-cookie']).split(';')[0]
  return { cookie, csrf: answer.json().csrf_token }
}

const patchProject = (headers: Record<string, string>) => send({ method: 'PATCH', url: '/api/projects/1/', payload: { anonymize_ips: true }, headers })

describe('POST /api/ui/session', () => {
  it('exchanges a valid key for an HttpOnly, SameSite=Strict session cookie and the session', async () => {
    const answer = await signIn(key)
    expect(answer.statusCode).toBe(200)
    expect(answer.json()).toEqual({
      project_id: 1,
      project_name: 'Shop',
      key_label: 'laptop',
      scopes: ['hog_function:read', 'hog_function:write', 'project:read', 'project:write'],
      csrf_token: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
    })
    expect(answer.headers['set-cookie']).toMatch(/^pcapi_session=pcs_[A-Za-z0-9]{43}; HttpOnly; SameSite=Strict; Path=\/; Max-Age=1209600$/)
    expect(answer.headers['cache-control']).toBe('no-store')
  })

  it('stores only a hash of the session id', async () => {
    const { cookie } = await session()
    const id = cookie.split('=')[1]
    const bytes = fs.readFileSync(db).toString('latin1') + (fs.existsSync(`${db}-wal`) ? fs.readFileSync(`${db}-wal`).toString('latin1') : '')
    expect(bytes).not.toContain(id)
  })

  it('marks the cookie Secure when the request came over https', async () => {
    const proxied = buildApp({ store, trustProxy: true })
    try {
      const answer = await proxied.inject({ method: 'POST', url: '/api/ui/session', payload: { personal_api_key: key }, headers: { 'x-forwarded-proto': 'https' } })
      expect(answer.headers['set-cookie']).toMatch(/; Secure$/)
    } finally {
      await proxied.close()
    }
  })

  it('answers a wrong key with a 401 invalid_api_key and no cookie', async () => {
    const answer = await signIn('phx_wrong_key_pasted_here')
    expect(answer.statusCode).toBe(401)
    expect(answer.json()).toEqual({ type: 'authentication_error', code: 'invalid_api_key', detail: 'This personal API key is not valid: check that it was copied whole.', attr: null })
    expect(answer.headers['set-cookie']).toBeUndefined()
    expect(answer.body).not.toContain('phx_wrong_key_pasted_here')
  })

  it.each([
    [{}, 'personal_api_key', 'This field is required.'],
    [{ personal_api_key: 7 }, 'personal_api_key', 'Not a valid string.'],
    [{ personal_api_key: '' }, 'personal_api_key', 'This field may not be blank.'],
  ])('answers the body %j with a 400 naming the field', async (payload, attr, detail) => {
    const answer = await send({ method: 'POST', url: '/api/ui/session', payload })
    expect(answer.statusCode).toBe(400)
    expect(answer.json()).toEqual({ type: 'validation_error', code: 'invalid_input', detail, attr, errors: [{ code: 'invalid_input', detail, attr }] })
  })

  it('takes no body a cross-site form can send (text/plain, form-encoded), so no other site signs a browser in', async () => {
    const body = JSON.stringify({ personal_api_key: key })
    const plain = await send({ method: 'POST', url: '/api/ui/session', payload: body, headers: { 'content-type': 'text/plain' } })
    const form = await send({ method: 'POST', url: '/api/ui/session', payload: `personal_api_key=${key}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect([plain.statusCode, form.statusCode]).toEqual([400, 415])
    expect(plain.headers['set-cookie']).toBeUndefined()
    expect(form.headers['set-cookie']).toBeUndefined()
  })

  it('after too many wrong keys from one address, refuses sign-ins from it for a while, others not', async () => {
    const throttled = buildApp({ store, signInThrottle: { failures: 3, windowMs: 60_000 } })
    try {
      const attempt = (personal_api_key: string, remoteAddress: string) => throttled.inject({ method: 'POST', url: '/api/ui/session', payload: { personal_api_key }, remoteAddress })
      for (let i = 0; i < 3; i++) expect((await attempt(`phx_guess_${i}`, '203.0.113.7')).statusCode).toBe(401)
      const refused = await attempt(key, '203.0.113.7')
      expect(refused.statusCode).toBe(429)
      expect(refused.json()).toMatchObject({ type: 'throttled_error', code: 'throttled' })
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0)
      expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60)
      expect((await attempt(key, '203.0.113.8')).statusCode).toBe(200)
    } finally {
      await throttled.close()
    }
  })
})

describe('GET /api/ui/session', () => {
  it('answers the session of the cookie, or a 401 without one', async () => {
    const { cookie, csrf } = await session()
    const answer = await send({ method: 'GET', url: '/api/ui/session', headers: { cookie } })
    expect(answer.statusCode).toBe(200)
    expect(answer.json()).toEqual({ project_id: 1, project_name: 'Shop', key_label: 'laptop', scopes: [...SCOPES], csrf_token: csrf })
    expect((await send({ method: 'GET', url: '/api/ui/session' })).statusCode).toBe(401)
    expect((await send({ method: 'GET', url: '/api/ui/session', headers: { cookie: 'pcapi_session=pcs_made_up' } })).statusCode).toBe(401)
  })
})

describe('the REST API with the session cookie', () => {
  it('reads with the cookie alone', async () => {
    const { cookie } = await session()
    const answer = await send({ method: 'GET', url: '/api/projects/1/hog_functions/', headers: { cookie } })
    expect(answer.statusCode).toBe(200)
    expect(answer.json()).toMatchObject({ count: 0, results: [] })
  })

  it('refuses a state-changing call without the CSRF header, or with a wrong one, with a 403 csrf_failed', async () => {
    const { cookie, csrf } = await session()
    const attempts: Record<string, string>[] = [{ cookie }, { cookie, 'x-csrftoken': 'wrong' }, { cookie, 'x-csrftoken': `${csrf}x` }]
    for (const headers of attempts) {
      const answer = await patchProject(headers)
      expect(answer.statusCode).toBe(403)
      expect(answer.json()).toMatchObject({ type: 'authentication_error', code: 'csrf_failed', attr: null })
    }
    expect(store.projects.get(1)?.anonymize_ips).toBe(false)
  })

  it('makes the change with the CSRF header of the session', async () => {
    const { cookie, csrf } = await session()
    const answer = await patchProject({ cookie, 'x-csrftoken': csrf })
    expect(answer.statusCode).toBe(200)
    expect(answer.json()).toMatchObject({ id: 1, anonymize_ips: true })
  })

  it("does not take another session's CSRF token", async () => {
    const first = await session()
    const second = await session()
    expect((await patchProject({ cookie: first.cookie, 'x-csrftoken': second.csrf })).statusCode).toBe(403)
  })

  it('leaves Bearer requests as they were: no CSRF header needed, and the key wins over a cookie', async () => {
    expect((await patchProject({ authorization: `Bearer ${key}` })).statusCode).toBe(200)
    expect((await patchProject({ authorization: `Bearer ${key}`, cookie: 'pcapi_session=pcs_made_up' })).statusCode).toBe(200)
    expect((await patchProject({ authorization: 'Bearer phx_wrong', cookie: (await session()).cookie })).statusCode).toBe(401)
  })

  it('acts with the scopes of the key that signed in', async () => {
    const reader = store.keys.create(1, ['hog_function:read'], 'reader').key
    const answer = await signIn(reader)
    const cookie = String(answer.headers['set-cookie']).split(';')[0]
    const csrf = answer.json().csrf_token
    expect((await send({ method: 'GET', url: '/api/projects/1/hog_functions/', headers: { cookie } })).statusCode).toBe(200)
    const denied = await patchProject({ cookie, 'x-csrftoken': csrf })
    expect(denied.statusCode).toBe(403)
    expect(denied.json()).toMatchObject({ code: 'permission_denied', detail: "This action requires the scope 'project:write'." })
    expect(answers.at(-1)?.body).not.toContain(reader)
  })
})

describe('the end of a session', () => {
  it('DELETE /api/ui/session ends it server side and clears the cookie', async () => {
    const { cookie, csrf } = await session()
    expect((await send({ method: 'DELETE', url: '/api/ui/session', headers: { cookie } })).statusCode).toBe(403)
    const answer = await send({ method: 'DELETE', url: '/api/ui/session', headers: { cookie, 'x-csrftoken': csrf } })
    expect(answer.statusCode).toBe(204)
    expect(answer.headers['set-cookie']).toBe('pcapi_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0')
    expect((await send({ method: 'GET', url: '/api/ui/session', headers: { cookie } })).statusCode).toBe(401)
    const after = await send({ method: 'GET', url: '/api/projects/1/hog_functions/', headers: { cookie } })
    expect(after.statusCode).toBe(401)
    expect(after.json()).toMatchObject({ code: 'not_authenticated', detail: 'The session has ended: sign in again.' })
  })

  it('revoking the key with the CLI ends its sessions', async () => {
    const { cookie } = await session()
    const out = new PassThrough()
    expect(await keysCommand(['revoke', keyId, '--db', db], out, {})).toBe(0)
    expect((await send({ method: 'GET', url: '/api/ui/session', headers: { cookie } })).statusCode).toBe(401)
    expect((await send({ method: 'GET', url: '/api/projects/1/hog_functions/', headers: { cookie } })).statusCode).toBe(401)
  })

  it('a session ends by itself 14 days after sign-in', async () => {
    const signedInAt = Date.now()
    const { id } = store.sessions.create(keyId, signedInAt)
    expect(store.sessions.find(id, signedInAt + 14 * 86_400_000 - 1)?.key.id).toBe(keyId)
    expect(store.sessions.find(id, signedInAt + 14 * 86_400_000)).toBeUndefined()
    // Deleted once found expired: it stays gone whatever clock asks next.
    expect(store.sessions.find(id, signedInAt)).toBeUndefined()
  })
})
