import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { ACCOUNT, createFunction, firstProject, order, PROJECT_TOKEN, TOKEN, until } from '../helpers/pipeline-server'
import { type ServerProcess, spawnServer, stopServer } from '../helpers/server-process'

// A server process under ts-node on a shared machine starts slowly: the waits are generous, never the measure.
jest.setTimeout(180_000)

const ENV = { PIPELINES_API_KEY: firstProject.key, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }
/** Small enough to fill in seconds, large enough for the empty database with its WAL. */
const DISK = '3m'

let dir: string
let emulator: RunningEmulator
let server: ServerProcess | undefined

// A file system of its own, so that the disk really fills (the tests run as root, as CI does).
beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-full-disk-'))
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${DISK}`, 'tmpfs', dir])
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }], keepBodies: false })
})

afterEach(async () => {
  if (server) await stopServer(server, 'SIGKILL')
  server = undefined
  await emulator.close()
  execFileSync('umount', [dir])
  fs.rmSync(dir, { recursive: true, force: true })
})

async function post(uuids: string[]): Promise<{ status: number; code?: string; retryAfter: string | null }> {
  const response = await fetch(`${server?.url}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: PROJECT_TOKEN, batch: uuids.map((uuid) => order(uuid, `person-${uuid}`, { padding: 'x'.repeat(2_000) })) }),
  })
  const body = (await response.json()) as { code?: string }
  return { status: response.status, code: body.code, retryAfter: response.headers.get('retry-after') }
}

const uuidOf = (i: number) => `01936b60-0000-7000-8000-${String(i).padStart(12, '0')}`

describe('a full disk', () => {
  it('makes capture answer 503 while it lasts; every event answered 200 is delivered once there is room again', async () => {
    server = await spawnServer(['--db', path.join(dir, 'pipelines.sqlite'), '--api-url', emulator.url], ENV)
    await createFunction(server, firstProject)
    const accepted: string[] = []
    const statuses = new Set<number>()
    const refusals = new Set<string>()
    let next = 0
    // Pinterest is down meanwhile, so deliveries pile up beside the events and the disk fills.
    emulator.setFaults({ unavailable_share: 1 })
    for (let round = 0; round < 400 && !statuses.has(503); round++) {
      const uuids = Array.from({ length: 20 }, () => uuidOf(next++))
      const { status, code, retryAfter } = await post(uuids)
      statuses.add(status)
      if (status === 200) accepted.push(...uuids)
      else refusals.add(`${code}, retry after ${retryAfter}`)
    }
    expect([...statuses].sort()).toEqual([200, 503])
    // The commit failed for want of room (not the size limit, 10 GB by default): nothing of the refused request was stored.
    expect([...refusals]).toEqual(['storage_unavailable, retry after 30'])
    expect(accepted.length).toBeGreaterThan(0)
    // The server is still up.
    expect((await fetch(`${server.url}/_health`)).status).toBe(200)

    // Room again, and Pinterest back.
    execFileSync('mount', ['-o', 'remount,size=64m', dir])
    emulator.setFaults({})
    const later = Array.from({ length: 20 }, () => uuidOf(next++))
    expect(await post(later)).toEqual({ status: 200, code: undefined, retryAfter: null })
    accepted.push(...later)
    const delivered = () => new Set(emulator.accepted().map((e) => e.event_id))
    expect(await until(() => accepted.every((uuid) => delivered().has(uuid)), 120_000)).toBe(true)
    expect((await stopServer(server)).exit).toBe(0)
    server = undefined
  })
})
