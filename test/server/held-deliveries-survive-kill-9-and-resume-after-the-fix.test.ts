import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { spawnServer, stopServer } from '../helpers/server-process'

jest.setTimeout(120_000)

const TOKEN = 'pina_good_conversion_token'
const WRONG_TOKEN = 'pina_revoked_conversion_token'
const ACCOUNT = '549755885175'
const KEY = 'phx_hold_crash_key_0123456789'
const ENV = { PIPELINES_API_KEY: KEY, PIPELINES_PROJECT_TOKEN: 'phc_hold_crash_project' }

let dir: string
let emulator: RunningEmulator

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hold-crash-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
})

afterAll(async () => {
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const serverArgs = () => ['--db', path.join(dir, 'pipelines.sqlite'), '--api-url', emulator.url]
const inputs = (token: string) => ({ ad_account_id: { value: ACCOUNT }, conversion_token: { value: token } })

async function api(url: string, method: string, route: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${url}/api/projects/1/${route}`, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: await response.json() }
}

async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = await read()
    if (done(value) || Date.now() - started > timeoutMs) return value
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

const uuids = Array.from({ length: 300 }, (_, i) => `hold-crash-${String(i).padStart(4, '0')}`)
const order = (uuid: string) => ({ event: 'Order Completed', distinct_id: `person-${uuid}`, uuid, properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: 5 } })
const accepted = () => emulator.accepted().map((e) => e.event_id)

describe('deliveries held for refused credentials', () => {
  it('are still held after the server is killed with SIGKILL, and each is delivered once after the token is fixed', async () => {
    const first = await spawnServer(serverArgs(), ENV)
    const created = await api(first.url, 'POST', 'hog_functions/', { type: 'destination', template_id: 'segment-actions-pinterest-conversions-api', inputs: inputs(WRONG_TOKEN) })
    expect(created.status).toBe(201)
    const fnId = created.body.id as string
    await new Promise((resolve) => setTimeout(resolve, 700))
    const captured = await fetch(`${first.url}/batch/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: ENV.PIPELINES_PROJECT_TOKEN, batch: uuids.map(order) }),
    })
    expect(captured.status).toBe(200)

    const held = await until(
      async () => (await api(first.url, 'GET', `hog_functions/${fnId}/`)).body.status,
      (status) => status.state === 2 && status.held_deliveries === 300,
      30_000,
    )
    expect(held).toMatchObject({ state: 2, held_deliveries: 300, http_status: 401 })
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const refusedBeforeRestart = emulator.requests().length

    const second = await spawnServer(serverArgs(), ENV)
    const afterRestart = (await api(second.url, 'GET', `hog_functions/${fnId}/`)).body.status
    expect(afterRestart).toMatchObject({ state: 2, held_deliveries: 300, http_status: 401, held_since: held.held_since })
    // Held, not retried: the restarted pipeline sends nothing with the refused token.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(emulator.requests().length).toBe(refusedBeforeRestart)
    expect(accepted()).toEqual([])

    expect((await api(second.url, 'PATCH', `hog_functions/${fnId}/`, { inputs: inputs(TOKEN) })).status).toBe(200)
    const delivered = await until(accepted, (ids) => ids.length >= 300, 30_000)
    expect([...delivered].sort()).toEqual(uuids)
    const healthy = await until(
      async () => (await api(second.url, 'GET', `hog_functions/${fnId}/`)).body.status,
      (status) => status.state === 1,
      10_000,
    )
    expect(healthy).toEqual({ state: 1, rating: 1, tokens: 0 })
    expect(await stopServer(second)).toMatchObject({ exit: 0 })
  })
})
