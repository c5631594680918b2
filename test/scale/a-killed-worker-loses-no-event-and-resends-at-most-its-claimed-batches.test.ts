import { Client } from 'pg'
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

let databaseUrl: string
/** One Pinterest emulator per worker, so that what each worker sends (and has in flight) is told apart. */
const emulators = new Map<string, RunningEmulator>()
const processes: ClusterProcess[] = []
const cli = transpileCli()

const ENV = {
  PIPELINES_SECRET_KEY: TEST_SECRET_KEY,
  PIPELINES_API_KEY: KEY,
  PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN,
}

beforeAll(async () => {
  databaseUrl = await freshPostgresDatabase()
})

afterAll(async () => {
  await stopAll(processes)
  cli.remove()
  await Promise.all([...emulators.values()].map((emulator) => emulator.close()))
  if (databaseUrl) await dropPostgresDatabase(databaseUrl)
})

async function serve(name: string, role: 'api' | 'worker'): Promise<ClusterProcess> {
  const args = ['--db', databaseUrl, '--role', role]
  if (role === 'worker') {
    const emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }], keepBodies: false })
    // Each request is answered after a second: a worker's batches stay in flight long enough for the kill to catch one.
    emulator.setFaults({ latency_ms: 1_000 })
    emulators.set(name, emulator)
    args.push('--api-url', emulator.url, '--concurrency', String(CONCURRENCY))
  }
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

const idsOf = (request: number) => Array.from({ length: PER_REQUEST }, (_, i) => `scale-${String(request * PER_REQUEST + i).padStart(6, '0')}`)

/**
 * Posts requests `from`..`to - 1` (PER_REQUEST events each) to /batch/, several in flight; resolves with the
 * ids of each request capture answered 200, by request, and the requests started after `after` resolved.
 */
async function capture(apiUrl: string, from: number, to: number, after: Promise<unknown>): Promise<{ acknowledged: string[][]; startedAfter: Set<number> }> {
  const acknowledged: string[][] = []
  const startedAfter = new Set<number>()
  let passed = false
  void after.then(() => (passed = true))
  let next = from
  const sender = async () => {
    while (next < to) {
      const request = next++
      if (passed) startedAfter.add(request)
      const ids = idsOf(request)
      const response = await fetch(`${apiUrl}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: PROJECT_TOKEN, batch: ids.map(order) }) })
      await response.text()
      if (response.status !== 200) throw new Error(`capture answered ${response.status} to request ${request}`)
      acknowledged.push(ids)
    }
  }
  await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, sender))
  return { acknowledged, startedAfter }
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > timeoutMs) return false
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return true
}

/** The deliveries under a live lease, by lease token: their event ids. */
async function claims(): Promise<Map<string, string[]>> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ lease_token: string; event_id: string }>("SELECT lease_token, event_id FROM deliveries WHERE status = 'pending' AND lease_token IS NOT NULL")
    const byToken = new Map<string, string[]>()
    for (const row of rows) byToken.set(row.lease_token, [...(byToken.get(row.lease_token) ?? []), row.event_id])
    return byToken
  } finally {
    await client.end()
  }
}

/** What the database and the processes say, for the message of a failing expectation. */
async function diagnosis(): Promise<string> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const deliveries = await client.query(
      'SELECT status, count(*)::int AS n, count(*) FILTER (WHERE lease_token IS NOT NULL)::int AS leased, min(lease_until)::text AS lease_until FROM deliveries GROUP BY status',
    )
    const events = await client.query('SELECT count(*)::int AS unmapped FROM events e JOIN project_watermarks w USING (project_id) WHERE e.id > w.processed_through')
    const locks = await client.query(
      "SELECT l.classid, l.objid, l.objsubid, l.granted, a.application_name, a.state FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory'",
    )
    const output = processes.map((p) => `--- ${p.name}\n${p.output().slice(-2_000)}`).join('\n')
    return JSON.stringify({ now: Date.now(), deliveries: deliveries.rows, events: events.rows, locks: locks.rows }, null, 1) + '\n' + output
  } finally {
    await client.end()
  }
}

async function pendingCount(): Promise<number> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ n: number }>("SELECT count(*)::int AS n FROM deliveries WHERE status = 'pending'")
    return rows[0].n
  } finally {
    await client.end()
  }
}

const received = () => [...emulators.values()].reduce((sum, emulator) => sum + emulator.accepted().length, 0)

/** The worker has a request in flight: its emulator received one less than half the latency ago. */
function sending(name: string): boolean {
  const last = emulators.get(name)?.requests().at(-1)
  return last !== undefined && Date.parse(last.received_at) > Date.now() - 500
}

function receivedCounts(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const emulator of emulators.values()) for (const { event_id } of emulator.accepted()) counts.set(event_id, (counts.get(event_id) ?? 0) + 1)
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

    const requests = EVENTS / PER_REQUEST
    const firstHalf = await capture(api.url, 0, requests / 2, new Promise(() => {}))
    // Midway: half the events captured, and the workers busy delivering them.
    expect(await until(() => received() >= 5_000, 60_000)).toBe(true)
    expect(await until(() => sending('worker-1'), 60_000)).toBe(true)
    const killed = workers[0].kill9()
    // The second half is captured while the worker dies and the fourth one starts.
    const secondHalf = capture(api.url, requests / 2, requests, killed)
    expect(await killed).toBe('SIGKILL')
    const claimsAtKill = await claims()
    const receivedAtKill = received()
    await serve('worker-4', 'worker')
    // The live workers settle their claims within a request (a second); the dead one's stay until their lease
    // (30 s) runs out: the claims still there, unchanged, are the killed worker's.
    await new Promise((resolve) => setTimeout(resolve, 8_000))
    const claimsLater = await claims()
    const orphaned = new Set([...claimsAtKill].filter(([token, ids]) => claimsLater.get(token)?.length === ids.length).flatMap(([, ids]) => ids))
    expect(orphaned.size).toBeGreaterThan(0)
    expect(orphaned.size).toBeLessThanOrEqual(CONCURRENCY * MAX_BATCH)
    const { acknowledged, startedAfter } = await secondHalf
    const acknowledgedIds = [...firstHalf.acknowledged, ...acknowledged].flat()
    expect(acknowledgedIds).toHaveLength(EVENTS)
    expect(receivedAtKill).toBeLessThan(EVENTS / 2)
    const missing = () => {
      const counts = receivedCounts()
      return acknowledgedIds.filter((id) => !counts.has(id))
    }
    await until(() => missing().length === 0, 120_000)
    const left = missing()
    expect({ missing: left.length, first: left.slice(0, 5), ...(left.length > 0 ? { diagnosis: await diagnosis() } : {}) }).toEqual({ missing: 0, first: [] })
    // The killed worker's request in flight was received at once; its resend comes when its lease (30 s) runs
    // out, which may be after every event arrived once: wait for every claim of it to be settled by another.
    let settledAll = false
    const started = Date.now()
    while (!settledAll && Date.now() - started < 120_000) {
      const live = await claims()
      settledAll = [...claimsAtKill.keys()].every((token) => !live.has(token)) && (await pendingCount()) === 0
      if (!settledAll) await new Promise((resolve) => setTimeout(resolve, 200))
    }
    expect(settledAll).toBe(true)
    const counts = receivedCounts()
    expect([...counts.keys()].filter((id) => !id.startsWith('scale-'))).toEqual([])

    // A resend repeats the killed worker's claims only: events stored after the kill arrive exactly once.
    const duplicates = [...counts.entries()].filter(([, n]) => n > 1)
    const afterKill = new Set([...startedAfter].flatMap(idsOf))
    expect(afterKill.size).toBeGreaterThan(10_000)
    expect(duplicates.filter(([id]) => afterKill.has(id))).toEqual([])
    // What is sent twice is the killed worker's claims, once more each: a request it had out (the emulator may or may
    // not have answered it before the kill) goes again from another worker, with the same event ids.
    expect(duplicates.filter(([id]) => !orphaned.has(id))).toEqual([])
    expect(duplicates.every(([, n]) => n === 2)).toBe(true)
    process.stdout.write(`scale-out: ${EVENTS} events; the killed worker held ${orphaned.size} deliveries, ${duplicates.length} of them were sent again\n`)
  })
})
