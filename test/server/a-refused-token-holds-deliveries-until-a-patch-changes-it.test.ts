import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { type RunningServer, startServer } from '../../src/server/server'
import { ACCOUNT, addProject, capture, createFunction, firstProject, order, PROJECT_TOKEN, type TestProject, TOKEN, until } from '../helpers/pipeline-server'
import { serverDatabase, serverEnv } from '../helpers/server-store'

jest.setTimeout(60_000)

const WRONG_TOKEN = 'pina_revoked_conversion_token'
const API_KEY = 'phx_pipeline_key_0123456789'

let dir: string
let emulator: RunningEmulator
let server: RunningServer

async function startOn(dbDir: string): Promise<RunningServer> {
  return startServer({
    port: 0,
    dbPath: serverDatabase(path.join(dbDir, 'db.sqlite')),
    apiUrl: emulator.url,
    pollMs: 10,
    env: serverEnv({ PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }),
  })
}

// One server for the file (a start costs seconds on a busy machine): each test has its own functions and
// event ids, and none of them may fail or give up a delivery.
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'held-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  server = await startOn(dir)
})

afterEach(() => expect(server.store.deliveries.counts()).toMatchObject({ failed: 0, gave_up: 0 }))

afterAll(async () => {
  await server.close()
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function api(method: 'GET' | 'PATCH', project: TestProject, url: string, body?: unknown): Promise<{ status: number; text: string; body: any }> {
  const response = await fetch(`${server.url}/api/projects/${project.id}/${url}`, {
    method,
    headers: { authorization: `Bearer ${project.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, text, body: JSON.parse(text) }
}

const statusOf = async (project: TestProject, fnId: string) => (await api('GET', project, `hog_functions/${fnId}/`)).body.status

/** Polls the function's GET until its status passes `done`; a generous bound, not a speed assertion. */
async function statusUntil(project: TestProject, fnId: string, done: (status: any) => boolean, timeoutMs = 30_000): Promise<any> {
  const started = Date.now()
  for (;;) {
    const status = await statusOf(project, fnId)
    if (done(status)) return status
    if (Date.now() - started > timeoutMs) throw new Error(`status not reached in time: ${JSON.stringify(status)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

const inputs = (token: string, account = ACCOUNT) => ({ ad_account_id: { value: account }, conversion_token: { value: token } })
const orders = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => order(`${prefix}-${String(i).padStart(5, '0')}`))
const uuids = (prefix: string, n: number) => orders(prefix, n).map((e) => e.uuid)
const acceptedIds = (prefix: string) =>
  emulator
    .accepted()
    .map((e) => e.event_id)
    .filter((id) => id.startsWith(`${prefix}-`))
const heldFor = (n: number) => (status: any) => status.state === 2 && status.held_deliveries === n

/** A new function, given the pipeline's half second to take it up: events mapped before that are not its. */
async function newFunction(project: TestProject, extra: Record<string, unknown> = {}): Promise<string> {
  const id = await createFunction(server, project, extra)
  await new Promise((resolve) => setTimeout(resolve, 700))
  return id
}

async function captureAll(project: TestProject, events: unknown[]): Promise<void> {
  for (let at = 0; at < events.length; at += 500) await capture(server, project, events.slice(at, at + 500))
}

/** No new request reaches the emulator while rounds keep running (well over the registry's half second). */
async function expectNoRequestsFor(ms: number): Promise<void> {
  const before = emulator.requests().length
  await new Promise((resolve) => setTimeout(resolve, ms))
  expect(emulator.requests().length).toBe(before)
}

describe('a destination whose conversion token Pinterest refuses', () => {
  it('holds 2,000 captured events (degraded, none failed, no request loop) and delivers each once after a PATCH changes the token', async () => {
    const fnId = await newFunction(firstProject, { inputs: inputs(WRONG_TOKEN) })
    await captureAll(firstProject, orders('held', 2000))

    const status = await statusUntil(firstProject, fnId, heldFor(2000))
    expect(status).toEqual({
      state: 2,
      rating: 0,
      tokens: 0,
      reason:
        "Pinterest refused this destination's credentials (conversion token rejected by Pinterest (401): code 2: Authentication failed.). 2000 deliveries are held, not failed: save a changed conversion token or ad account ID to send them; those older than Pinterest's 7-day window by then fail.",
      held_since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      held_deliveries: 2000,
      http_status: 401,
      fix: ['conversion_token', 'ad_account_id'],
    })
    const listed = (await api('GET', firstProject, 'hog_functions/')).body.results
    expect(listed.find((fn: any) => fn.id === fnId).status).toEqual(status)
    expect(server.store.deliveries.countPending(fnId)).toBe(2000)
    expect((await api('GET', firstProject, `hog_functions/${fnId}/metrics/totals/`)).body.totals).toMatchObject({ succeeded: 0, failed: 0, gave_up: 0 })
    // Only requests sent before the hold (the first test's, so the emulator's only ones): at most one round's batches, each refused.
    const refused = emulator.requests()
    expect(refused.length).toBeGreaterThanOrEqual(1)
    expect(refused.length).toBeLessThanOrEqual(8)
    expect(new Set(refused.map((r) => r.status))).toEqual(new Set([401]))
    await expectNoRequestsFor(1200)

    const logs = await api('GET', firstProject, `hog_functions/${fnId}/logs/?limit=1000`)
    const warnings = logs.body.results.filter((l: any) => l.level === 'warn').map((l: any) => l.message)
    expect(warnings).toEqual([
      expect.stringMatching(/^Pinterest refused the credentials, holding \d+ deliver(y|ies) until the conversion token or the ad account is changed: conversion token rejected by Pinterest \(401\)/),
    ])
    expect(logs.text).not.toContain(WRONG_TOKEN)

    const patched = await api('PATCH', firstProject, `hog_functions/${fnId}/`, { inputs: inputs(TOKEN) })
    expect(patched.status).toBe(200)
    expect(patched.text).not.toContain(TOKEN)
    expect(await until(() => acceptedIds('held').length >= 2000, 30_000)).toBe(true)
    expect(acceptedIds('held').sort()).toEqual(uuids('held', 2000))
    expect(await statusUntil(firstProject, fnId, (s) => s.state === 1)).toEqual({ state: 1, rating: 1, tokens: 0 })
    expect(await until(() => server.store.deliveries.countPending(fnId) === 0, 10_000)).toBe(true)
    expect(server.store.deliveries.counts()).toMatchObject({ delivered: 2000, pending: 0 })
  })

  it('holds on a 403 (the ad account refused with this token) and resumes when a PATCH changes the ad account', async () => {
    const project = addProject(server, 'accounts')
    const fnId = await newFunction(project, { inputs: inputs(TOKEN, '111222333') })
    await captureAll(project, orders('acct', 50))
    const status = await statusUntil(project, fnId, heldFor(50))
    expect(status).toMatchObject({ state: 2, http_status: 403, reason: expect.stringContaining('ad account not accessible with this token (403)') })

    expect((await api('PATCH', project, `hog_functions/${fnId}/`, { inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { secret: true } } })).status).toBe(200)
    expect(await until(() => acceptedIds('acct').length >= 50, 20_000)).toBe(true)
    expect(acceptedIds('acct').sort()).toEqual(uuids('acct', 50))
    expect(await statusOf(project, fnId)).toEqual({ state: 1, rating: 1, tokens: 0 })
  })

  it("keeps another project's destination delivering while one project's is held", async () => {
    const project = addProject(server, 'refused')
    const other = addProject(server, 'other')
    const heldFn = await newFunction(project, { inputs: inputs(WRONG_TOKEN) })
    const healthyFn = await newFunction(other)
    await captureAll(project, orders('first', 300))
    await statusUntil(project, heldFn, (s) => s.state === 2)
    await captureAll(other, orders('other', 300))
    await captureAll(project, orders('later', 100))
    expect(await until(() => acceptedIds('other').length >= 300, 20_000)).toBe(true)
    expect(acceptedIds('other').sort()).toEqual(uuids('other', 300))
    expect(await statusOf(other, healthyFn)).toEqual({ state: 1, rating: 1, tokens: 0 })
    expect(await statusUntil(project, heldFn, heldFor(400))).toMatchObject({ state: 2, held_deliveries: 400 })
  })

  it('keeps the hold across a restart of the server; pausing keeps it, and a token changed while paused is used once enabled', async () => {
    const project = addProject(server, 'restarted')
    const fnId = await newFunction(project, { inputs: inputs(WRONG_TOKEN) })
    await captureAll(project, orders('restart', 40))
    await statusUntil(project, fnId, heldFor(40))
    const requestsBefore = emulator.requests().length
    await server.close()
    server = await startOn(dir)

    expect(await statusOf(project, fnId)).toMatchObject({ state: 2, held_deliveries: 40, http_status: 401 })
    await expectNoRequestsFor(1200)
    expect(emulator.requests()).toHaveLength(requestsBefore)
    // Said once, not again by the restarted pipeline.
    const logs = (await api('GET', project, `hog_functions/${fnId}/logs/?limit=1000`)).body.results
    expect(logs.filter((l: any) => l.level === 'warn').map((l: any) => l.message)).toEqual([expect.stringMatching(/^Pinterest refused the credentials, holding /)])

    expect((await api('PATCH', project, `hog_functions/${fnId}/`, { enabled: false })).body).toMatchObject({ enabled: false, status: { state: 2, held_deliveries: 40 } })
    const whilePaused = await api('PATCH', project, `hog_functions/${fnId}/`, { inputs: inputs(TOKEN) })
    expect(whilePaused.body).toMatchObject({ enabled: false, status: { state: 1 } })
    await expectNoRequestsFor(1200)
    expect((await api('PATCH', project, `hog_functions/${fnId}/`, { enabled: true })).status).toBe(200)
    expect(await until(() => acceptedIds('restart').length >= 40, 20_000)).toBe(true)
    expect(acceptedIds('restart').sort()).toEqual(uuids('restart', 40))
  })
})
