import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { type ClusterProcess, startServe, stopAll } from '../helpers/cluster-processes'
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/postgres'
import { TEST_SECRET_KEY } from '../helpers/stores'
import { transpileCli } from '../helpers/transpiled-cli'

// One API process and three workers on one Postgres database; 50,000 events; a worker killed midway.
jest.setTimeout(240_000)

const TOKEN = 'pina_scale_out_token'
const ACCOUNT = '549755885175'
const KEY = 'phx_scale_out_key_0123456789'
const PROJECT_TOKEN = 'phc_scale_out_project'
const EVENTS = 50_000
const PER_REQUEST = 500
const REQUESTS_IN_FLIGHT = 4
/** Requests in flight to Pinterest per worker: a worker holds at most this many claimed batches of 1,000. */
const CONCURRENCY = 2
const MAX_BATCH = 1_000
const LEASE_MS = 3_000

let databaseUrl: string
let emulator: RunningEmulator
const processes: ClusterProcess[] = []
const cli = transpileCli()

const ENV = {
  PIPELINES_SECRET_KEY: TEST_SECRET_KEY,
  PIPELINES_API_KEY: KEY,
  PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN,
  // Short leases so that the killed worker's claims are taken over within seconds.
  PIPELINES_LEASE_MS: String(LEASE_MS),
}

beforeAll(async () => {
  databaseUrl = await freshPostgresDatabase()
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }], keepBodies: false })
  // Each request takes a moment, so every worker has batches in flight at any time: the kill catches some.
  emulator.setFaults({ latency_ms: 150 })
})

afterAll(async () => {
  await stopAll(processes)
  cli.remove()
  await emulator?.close()
  if (databaseUrl) await dropPostgresDatabase(databaseUrl)
})

async function serve(name: string, role: 'api' | 'worker'): Promise<ClusterProcess> {
  const args = ['--db', databaseUrl, '--role', role]
  if (role === 'worker') args.push('--api-url', emulator.url, '--concurrency', String(CONCURRENCY))
  const started = await startServe(cli.main, name, args, ENV)
  processes.push(started)
  return started
}

const order = (uuid: string) => ({
  event: 'Order Completed',
  distinct_id: `person-${uuid}`,
  uuid,
  properties: { $ip: '203.0.113.9', $raw_user_agent: 'Mozilla/5.0', $current_url: 'https://shop.example/thanks', revenue: 42.5, currency: 'USD', order_id: uuid },
})

interface Load {
  /** Ids of the events in requests that capture answered 200, by the request's index. */
  acknowledged: string[][]
  /** Index of the first request sent after `markKilled` was called. */
  firstAfterKill: number
}

/** Posts the events in /batch/ requests, several in flight; `markKilled` notes where the kill fell. */
function sendEvents(apiUrl: string, onAcknowledged: (count: number) => void): { done: Promise<Load>; markKilled: () => void } {
  const load: Load = { acknowledged: [], firstAfterKill: Number.POSITIVE_INFINITY }
  let next = 0
  let acknowledgedCount = 0
  let killed = false
  const sender = async () => {
    while (next * PER_REQUEST < EVENTS) {
      const index = next++
      if (killed) load.firstAfterKill = Math.min(load.firstAfterKill, index)
      const ids = Array.from({ length: PER_REQUEST }, (_, i) => `scale-${String(index * PER_REQUEST + i).padStart(6, '0')}`)
      const response = await fetch(`${apiUrl}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: PROJECT_TOKEN, batch: ids.map(order) }) })
      await response.text()
      if (response.status !== 200) throw new Error(`capture answered ${response.status} to request ${index}`)
      load.acknowledged[index] = ids
      acknowledgedCount += ids.length
      onAcknowledged(acknowledgedCount)
    }
  }
  const done = Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, sender)).then(() => load)
  return { done, markKilled: () => (killed = true) }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > timeoutMs) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return true
}

function receivedCounts(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const { event_id } of emulator.accepted()) counts.set(event_id, (counts.get(event_id) ?? 0) + 1)
  return counts
}

describe('an API process and three workers on one Postgres database', () => {
  it('deliver every acknowledged event when a worker is killed midway and another joins, resending at most the killed worker’s claimed batches', async () => {
    const api = await serve('api', 'api')
    const created = await fetch(`${api.url}/api/projects/1/hog_functions/`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'destination', template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } } }),
    })
    expect(created.status).toBe(201)
    const workers = await Promise.all([1, 2, 3].map((n) => serve(`worker-${n}`, 'worker')))

    let halfway!: () => void
    const reachedHalf = new Promise<void>((resolve) => (halfway = resolve))
    const load = sendEvents(api.url, (count) => count >= EVENTS / 2 && halfway())
    await reachedHalf
    // Midway through capture, and once the workers are busy delivering.
    expect(await until(() => emulator.accepted().length >= 5_000, 60_000)).toBe(true)
    expect(await workers[0].kill9()).toBe('SIGKILL')
    load.markKilled()
    const receivedAtKill = emulator.accepted().length
    await serve('worker-4', 'worker')

    const { acknowledged, firstAfterKill } = await load.done
    const acknowledgedIds = acknowledged.flat()
    expect(acknowledgedIds).toHaveLength(EVENTS)
    expect(receivedAtKill).toBeLessThan(EVENTS)
    const all = await until(() => acknowledgedIds.every((id) => receivedCounts().has(id)), 120_000)
    const counts = receivedCounts()
    expect(acknowledgedIds.filter((id) => !counts.has(id))).toEqual([])
    expect(all).toBe(true)
    expect([...counts.keys()].filter((id) => !id.startsWith('scale-'))).toEqual([])

    // A resend repeats the killed worker's claims only: events stored after the kill arrive exactly once.
    const duplicates = [...counts.entries()].filter(([, n]) => n > 1)
    const afterKill = new Set(acknowledged.slice(firstAfterKill).flat())
    expect(afterKill.size).toBeGreaterThan(0)
    expect(duplicates.filter(([id]) => afterKill.has(id))).toEqual([])
    const resent = duplicates.reduce((sum, [, n]) => sum + n - 1, 0)
    expect(resent).toBeLessThanOrEqual(CONCURRENCY * MAX_BATCH)
    expect(duplicates.every(([, n]) => n === 2)).toBe(true)
    process.stdout.write(`scale-out: ${EVENTS} events, ${resent} resent after the kill (bound ${CONCURRENCY * MAX_BATCH})\n`)
  })
})
