import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { type RunningServer, startServer } from '../../src/server/server'
import { serverDatabase, serverEnv } from '../helpers/server-store'

jest.setTimeout(30_000)

const PROJECT_TOKEN = 'phc_shapes_project'
let dir: string
let server: RunningServer

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-shapes-'))
  server = await startServer({ port: 0, dbPath: serverDatabase(path.join(dir, 'db.sqlite')), pollMs: 10, env: serverEnv({ PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }) })
})

afterEach(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function waitForPersons(distinctId: string) {
  const started = Date.now()
  while (Date.now() - started < 10_000) {
    const person = server.store.persons.find(1, distinctId)
    if (person && server.store.events.countPending() === 0) return person
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return server.store.persons.find(1, distinctId)
}

describe('capture shapes', () => {
  it.each([
    ['/i/v0/e/', 'application/json', (body: string) => Buffer.from(body), {}],
    ['/capture/', 'text/plain', (body: string) => Buffer.from(body), {}],
    ['/e/?compression=gzip-js', 'text/plain', (body: string) => gzipSync(body), {}],
    ['/batch/', 'application/json', (body: string) => gzipSync(body), { 'content-encoding': 'gzip' }],
    ['/e/', 'application/x-www-form-urlencoded', (body: string) => Buffer.from(`data=${encodeURIComponent(Buffer.from(body).toString('base64'))}`), {}],
  ])('%s takes %s bodies', async (route, type, encode, headers) => {
    const body = JSON.stringify({ token: PROJECT_TOKEN, event: 'Signed Up', distinct_id: `user-${route}`, properties: { $set: { email: 'a@b.example' } } })
    const response = await fetch(`${server.url}${route}`, { method: 'POST', headers: { 'content-type': type, ...headers }, body: encode(body) })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ status: 1 })
    expect((await waitForPersons(`user-${route}`))?.properties).toEqual({ email: 'a@b.example' })
  })

  it('refuses bodies that are not JSON with a 400', async () => {
    const response = await fetch(`${server.url}/e/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{nope' })
    expect(response.status).toBe(400)
    expect(await response.json()).toEqual({ type: 'validation_error', code: 'invalid_payload', detail: 'The body is not valid JSON (or gzip of JSON).', attr: null })
  })
})

describe('persons', () => {
  it('applies $set, keeps $set_once values and merges an anonymous id on $identify', async () => {
    const post = (batch: unknown[]) => fetch(`${server.url}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: PROJECT_TOKEN, batch }) })
    await post([
      { event: '$pageview', distinct_id: 'anon-1', properties: { $set_once: { first_seen: 'pinterest' } } },
      { event: '$identify', distinct_id: 'user-9', properties: { $anon_distinct_id: 'anon-1', $set: { email: 'jane@example.com' } } },
      { event: 'Updated', distinct_id: 'user-9', properties: { $set: { email: 'jane@new.example' }, $set_once: { first_seen: 'google' } } },
    ])
    const person = await waitForPersons('user-9')
    expect(person?.properties).toEqual({ first_seen: 'pinterest', email: 'jane@new.example' })
    expect(server.store.persons.find(1, 'anon-1')?.id).toBe(person?.id)
  })
})
