import { randomBytes } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import { type RunningServer, startServer } from '../../src/server/server'
import { openSqliteStore } from '../../src/store/sqlite/database'

jest.setTimeout(30_000)

const TOKEN = 'pina_VERYSECRETe2eToken7Qx9Lk2Mz4Np6Rs8Tu0Vw'
const ACCOUNT = '549755885175'
const API_KEY = 'phx_test_key_0123456789'
const PROJECT_TOKEN = 'phc_test_project_token'
const SECRET_KEY = randomBytes(32).toString('hex')

let dir: string
let emulator: RunningEmulator
let server: RunningServer

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-key-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  // The key comes only from the environment given to the server, not from process.env: the pipeline
  // thread can deliver only if the server handed it the key.
  server = await startServer({
    port: 0,
    dbPath: path.join(dir, 'pipelines.sqlite'),
    apiUrl: emulator.url,
    pollMs: 10,
    env: { PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN, PIPELINES_SECRET_KEY: SECRET_KEY },
  })
})

afterEach(async () => {
  await server.close()
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function api(method: string, url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

function filesHolding(value: string): string[] {
  return fs.readdirSync(dir).filter((name) => fs.readFileSync(path.join(dir, name)).includes(Buffer.from(value)))
}

describe('the server secret key', () => {
  it('lets the pipeline thread send with the token while the files only hold it encrypted', async () => {
    const created = await api('POST', '/api/environments/1/hog_functions', {
      type: 'destination',
      name: 'Pinterest',
      inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } },
      enabled: true,
      template_id: 'segment-actions-pinterest-conversions-api',
    })
    expect(created.status).toBe(201)
    for (const name of ['one', 'two', 'three']) {
      const patched = await api('PATCH', `/api/environments/1/hog_functions/${created.body.id as string}/`, { name, inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { secret: true } } })
      expect(patched.body.inputs).toEqual({ ad_account_id: { value: ACCOUNT }, conversion_token: { secret: true } })
    }
    const capture = await fetch(`${server.url}/capture`, {
      method: 'POST',
      body: JSON.stringify({
        api_key: PROJECT_TOKEN,
        event: 'Order Completed',
        distinct_id: 'user-1',
        uuid: '0193c000-0000-7000-8000-000000000001',
        properties: { $set: { email: 'jane@example.com' }, revenue: 5, currency: 'USD' },
      }),
    })
    expect(capture.status).toBe(200)
    const started = Date.now()
    while (emulator.accepted().length === 0 && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 25))
    expect(emulator.accepted().map((e) => e.event_id)).toEqual(['0193c000-0000-7000-8000-000000000001'])

    // With the key in the environment no key file is made; the token is in no file, WAL included.
    expect(fs.readdirSync(dir).sort()).toEqual(['pipelines.sqlite', 'pipelines.sqlite-shm', 'pipelines.sqlite-wal', 'pipelines.sqlite.lock'])
    expect(filesHolding(TOKEN)).toEqual([])
    await server.close()
    expect(filesHolding(TOKEN)).toEqual([])
    const store = openSqliteStore(path.join(dir, 'pipelines.sqlite'), { env: { PIPELINES_SECRET_KEY: SECRET_KEY } })
    expect(store.functions.active()[0].secrets).toEqual({ conversion_token: TOKEN })
    store.close()
  })
})
