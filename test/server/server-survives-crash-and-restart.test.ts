import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import { spawnServer, stopServer } from '../helpers/server-process'

jest.setTimeout(120_000)

const TOKEN = 'pina_crash_conversion_token'
const ACCOUNT = '549755885175'
const ENV = { PIPELINES_API_KEY: 'phx_crash_key_0123456789', PIPELINES_PROJECT_TOKEN: 'phc_crash_project' }

let dir: string
let emulator: RunningEmulator

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-crash-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
})

afterEach(async () => {
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const serverArgs = () => ['--db', path.join(dir, 'pipelines.sqlite'), '--api-url', emulator.url]

async function createFunction(url: string): Promise<void> {
  const response = await fetch(`${url}/api/projects/1/hog_functions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${ENV.PIPELINES_API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      type: 'destination',
      template_id: 'segment-actions-pinterest-conversions-api',
      inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } },
    }),
  })
  expect(response.status).toBe(201)
}

function order(uuid: string) {
  return { event: 'Order Completed', distinct_id: `person-${uuid}`, uuid, properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: 5 } }
}

async function capture(url: string, uuids: string[]): Promise<boolean> {
  try {
    const response = await fetch(`${url}/batch/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ api_key: ENV.PIPELINES_PROJECT_TOKEN, batch: uuids.map(order) }),
    })
    return response.status === 200
  } catch {
    return false
  }
}

async function until(check: () => boolean, timeoutMs: number): Promise<void> {
  const started = Date.now()
  while (!check() && Date.now() - started < timeoutMs) await new Promise((resolve) => setTimeout(resolve, 50))
}

const received = () => new Set(emulator.accepted().map((e) => e.event_id))

describe('durable processing', () => {
  it('loses nothing acknowledged when the server is killed with SIGKILL mid-delivery', async () => {
    emulator.setFaults({ latency_ms: 400 })
    const first = await spawnServer(serverArgs(), ENV)
    await createFunction(first.url)
    const acknowledged: string[] = []
    let batch = 0
    // Keep capturing until well past the kill: some requests then fail, which is fine, they were not acknowledged.
    const sending = (async () => {
      while (batch < 60) {
        const uuids = Array.from({ length: 10 }, (_, i) => `crash-${batch}-${i}`)
        batch += 1
        if (await capture(first.url, uuids)) acknowledged.push(...uuids)
      }
    })()
    await until(() => acknowledged.length >= 200 && emulator.accepted().length > 0, 30_000)
    first.child.kill('SIGKILL')
    await sending
    expect(await first.exited).toBe('SIGKILL')
    expect(acknowledged.length).toBeGreaterThanOrEqual(200)
    const missingBeforeRestart = acknowledged.filter((id) => !received().has(id)).length
    expect(missingBeforeRestart).toBeGreaterThan(0)

    emulator.setFaults({})
    const second = await spawnServer(serverArgs(), ENV)
    await until(() => acknowledged.every((id) => received().has(id)), 60_000)
    expect(acknowledged.filter((id) => !received().has(id))).toEqual([])
    expect(await stopServer(second)).toMatchObject({ exit: 0 })
  })

  it('keeps retries scheduled across a restart and sends them after it', async () => {
    // A 429 carries Retry-After, so both events wait at least 5 s: well past the restart.
    emulator.setFaults({ next_statuses: [429], retry_after_seconds: 5 })
    const first = await spawnServer(serverArgs(), ENV)
    await createFunction(first.url)
    expect(await capture(first.url, ['retry-1', 'retry-2'])).toBe(true)
    await until(() => emulator.requests().length >= 1, 10_000)
    expect(emulator.requests().map((r) => r.status)).toEqual([429])
    expect(await stopServer(first)).toMatchObject({ exit: 0 })
    expect(received().size).toBe(0)

    const second = await spawnServer(serverArgs(), ENV)
    await until(() => received().size === 2, 20_000)
    expect([...received()].sort()).toEqual(['retry-1', 'retry-2'])
    expect(emulator.requests().map((r) => r.status)).toEqual([429, 200])
    expect(await stopServer(second)).toMatchObject({ exit: 0 })
  })
})
