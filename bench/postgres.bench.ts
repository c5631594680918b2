import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Client } from 'pg'
import { startCluster, stopCluster } from '../test/setup/postgres-cluster'
import { type Child, CLI, startChild } from './child-process'
import { cpuOf, postgresPids } from './postgres-cpu'
import { median } from './stats'

const TOKEN = 'bench-token'
const ACCOUNT = '549755885175'
const KEY = 'phx_bench_key_0123456789'
const PROJECT_TOKEN = 'phc_bench_project'
const SECRET_KEY = Buffer.alloc(32, 9).toString('base64')
const ENV = { PIPELINES_API_KEY: KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN, PIPELINES_SECRET_KEY: SECRET_KEY }
// BENCH_PG_WORKERS=1,2 and BENCH_PG_ROUNDS=1 run fewer setups and rounds while iterating.
const WORKER_COUNTS = (process.env.BENCH_PG_WORKERS ?? '1,2,4').split(',').map(Number)
const ROUNDS = Number(process.env.BENCH_PG_ROUNDS ?? 5)
const ROUND_EVENTS = Number(process.env.BENCH_PG_EVENTS ?? 20_000)
const WARM_UP_EVENTS = 2_000
const PER_REQUEST = 100
const IN_FLIGHT = 8

function order(uuid: string) {
  return {
    event: 'Order Completed',
    distinct_id: `person-${uuid}`,
    uuid,
    properties: { $ip: '203.0.113.9', $raw_user_agent: 'Mozilla/5.0', $current_url: 'https://shop.example/thanks', revenue: 42.5, currency: 'USD', order_id: uuid },
  }
}

/** The round's request bodies, serialised before the clock starts: the load generator shares the cores. */
function bodies(prefix: string, count: number): string[] {
  return Array.from({ length: Math.ceil(count / PER_REQUEST) }, (_, r) =>
    JSON.stringify({ api_key: PROJECT_TOKEN, batch: Array.from({ length: Math.min(PER_REQUEST, count - r * PER_REQUEST) }, (_, i) => order(`${prefix}-${r * PER_REQUEST + i}`)) }),
  )
}

async function delivered(emulatorUrl: string): Promise<number> {
  const { requests } = (await (await fetch(`${emulatorUrl}/_emulator/requests`)).json()) as { requests: { num_events_processed: number; test: boolean }[] }
  return requests.filter((r) => !r.test).reduce((sum, r) => sum + r.num_events_processed, 0)
}

/** Posts `count` events to capture, PER_REQUEST a request, IN_FLIGHT at once; resolves when the emulator has them all. */
async function endToEnd(apiUrl: string, emulatorUrl: string, prefix: string, count: number): Promise<number> {
  await fetch(`${emulatorUrl}/_emulator/reset`, { method: 'POST' })
  const queue = bodies(prefix, count)
  const started = Date.now()
  const sender = async () => {
    for (let body = queue.shift(); body !== undefined; body = queue.shift()) {
      const response = await fetch(`${apiUrl}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
      await response.arrayBuffer()
      if (response.status !== 200) throw new Error(`capture answered ${response.status}`)
    }
  }
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender))
  while ((await delivered(emulatorUrl)) < count) {
    if (Date.now() - started > 180_000) throw new Error(`an end-to-end round did not finish in 3 minutes: ${await delivered(emulatorUrl)} of ${count} events delivered`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  return count / ((Date.now() - started) / 1000)
}

async function createFunction(apiUrl: string): Promise<void> {
  const created = await fetch(`${apiUrl}/api/projects/1/hog_functions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ type: 'destination', template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } } }),
  })
  if (created.status !== 201) throw new Error(`could not create the function: ${created.status} ${await created.text()}`)
}

type CpuGroups = Record<string, () => number[]>

interface Measured {
  events_per_second: number
  rounds_events_per_second: number[]
  /** CPU µs per event end to end, per group of processes (measured over all rounds). */
  cpu_us_per_event: Record<string, number>
}

/** A warm-up, then ROUNDS timed rounds; CPU time of each group of processes over the timed rounds. */
async function rounds(label: string, apiUrl: string, emulatorUrl: string, groups: CpuGroups): Promise<Measured> {
  await endToEnd(apiUrl, emulatorUrl, `${label}-warm`, WARM_UP_EVENTS)
  const cpu = Object.entries(groups).map(([name, pids]) => [name, cpuOf(pids)] as const)
  const ownCpu = process.cpuUsage()
  const rates: number[] = []
  for (let round = 0; round < ROUNDS; round++) rates.push(await endToEnd(apiUrl, emulatorUrl, `${label}-${round}`, ROUND_EVENTS))
  const events = ROUNDS * ROUND_EVENTS
  const perEvent = Object.fromEntries(cpu.map(([name, since]) => [name, Math.round((since.since() * 1e6) / events)]))
  const own = process.cpuUsage(ownCpu)
  perEvent.load_generator = Math.round((own.user + own.system) / events)
  return { events_per_second: Math.round(median(rates)), rounds_events_per_second: rates.map(Math.round), cpu_us_per_event: perEvent }
}

async function query<T>(url: string, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: url })
  await client.connect()
  try {
    return (await client.query(sql)).rows as T[]
  } finally {
    await client.end()
  }
}

interface TableStats {
  relname: string
  n_tup_ins: string
  n_tup_upd: string
  n_tup_hot_upd: string
  n_tup_del: string
  n_dead_tup: string
}

/** Rows written per captured event, from the database's table statistics (read after its processes ended, so flushed). */
async function rowsPerEvent(url: string, events: number): Promise<Record<string, unknown>> {
  await new Promise((resolve) => setTimeout(resolve, 1500))
  const tables = await query<TableStats>(url, 'SELECT relname, n_tup_ins, n_tup_upd, n_tup_hot_upd, n_tup_del, n_dead_tup FROM pg_stat_user_tables ORDER BY relname')
  const per = (n: string | number) => Number((Number(n) / events).toFixed(3))
  const sum = (key: keyof TableStats) => tables.reduce((total, t) => total + Number(t[key]), 0)
  const byTable = Object.fromEntries(
    tables
      .filter((t) => Number(t.n_tup_ins) + Number(t.n_tup_upd) + Number(t.n_tup_del) > 0)
      .map((t) => [t.relname, { inserted: per(t.n_tup_ins), updated: per(t.n_tup_upd), hot_updated: per(t.n_tup_hot_upd), deleted: per(t.n_tup_del), dead_at_end: Number(t.n_dead_tup) }]),
  )
  return {
    inserted: per(sum('n_tup_ins')),
    updated: per(sum('n_tup_upd')),
    deleted: per(sum('n_tup_del')),
    total: per(sum('n_tup_ins') + sum('n_tup_upd') + sum('n_tup_del')),
    by_table: byTable,
  }
}

interface StatementStats {
  query: string
  calls: string
  total_exec_time: number
  rows: string
}

/** Where Postgres's time goes (pg_stat_statements): statements per event, and the costliest ones. */
async function topStatements(url: string, database: string, events: number): Promise<Record<string, unknown>> {
  const rows = await query<StatementStats>(
    url,
    `SELECT query, calls::text, total_exec_time, rows::text FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database WHERE datname = '${database}') AND query NOT LIKE '%pg_stat_statements%' ORDER BY total_exec_time DESC`,
  )
  const calls = rows.reduce((sum, r) => sum + Number(r.calls), 0)
  const execMs = rows.reduce((sum, r) => sum + r.total_exec_time, 0)
  return {
    per_event: Number((calls / events).toFixed(3)),
    exec_us_per_event: Math.round((execMs * 1000) / events),
    costliest: rows.slice(0, 8).map((r) => ({
      exec_us_per_event: Number(((r.total_exec_time * 1000) / events).toFixed(1)),
      calls_per_event: Number((Number(r.calls) / events).toFixed(4)),
      rows_per_call: Number((Number(r.rows) / Math.max(1, Number(r.calls))).toFixed(1)),
      query: r.query.replace(/\s+/g, ' ').slice(0, 160),
    })),
  }
}

async function walBytes(adminUrl: string): Promise<number> {
  const [row] = await query<{ lsn: string }>(adminUrl, "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::text AS lsn")
  return Number(row.lsn)
}

async function stopAll(children: Child[]): Promise<void> {
  await Promise.all(children.map((child) => child.stop()))
}

async function sqliteSingleProcess(emulator: Child): Promise<Measured> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-bench-sqlite-'))
  const server = await startChild(CLI, ['serve', '--port', '0', '--host', '127.0.0.1', '--db', path.join(dir, 'bench.sqlite'), '--api-url', emulator.url], ENV)
  try {
    await createFunction(server.url)
    return await rounds('sqlite', server.url, emulator.url, { server: () => [server.pid], emulator: () => [emulator.pid] })
  } finally {
    await server.stop()
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * Each worker count starts on the cluster as the one before found it: a previous run's database left behind
 * would be vacuumed, and its WAL checkpointed, while the next one is measured.
 */
async function leaveClusterAsFound(adminUrl: string, database: string): Promise<void> {
  await query(adminUrl, `DROP DATABASE IF EXISTS ${database}`)
  await query(adminUrl, 'CHECKPOINT')
}

async function postgresWith(workerCount: number, cluster: { url: string; dir: string }, emulator: Child): Promise<Record<string, unknown>> {
  const name = `bench_workers_${workerCount}`
  await query(cluster.url, `DROP DATABASE IF EXISTS ${name}`)
  await query(cluster.url, `CREATE DATABASE ${name}`)
  const url = new URL(cluster.url)
  url.pathname = `/${name}`
  const databaseUrl = url.toString()
  const children: Child[] = []
  try {
    const api = await startChild(CLI, ['serve', '--port', '0', '--host', '127.0.0.1', '--db', databaseUrl, '--role', 'api'], ENV)
    children.push(api)
    await createFunction(api.url)
    const workers = await Promise.all(
      Array.from({ length: workerCount }, () => startChild(CLI, ['serve', '--port', '0', '--host', '127.0.0.1', '--db', databaseUrl, '--role', 'worker', '--api-url', emulator.url], ENV)),
    )
    children.push(...workers)
    await query(databaseUrl, 'CREATE EXTENSION IF NOT EXISTS pg_stat_statements')
    await query(databaseUrl, 'SELECT pg_stat_statements_reset()')
    const walBefore = await walBytes(cluster.url)
    const measured = await rounds(`pg${workerCount}`, api.url, emulator.url, {
      api: () => [api.pid],
      workers: () => workers.map((w) => w.pid),
      ...Object.fromEntries(workers.map((w, i) => [`worker_${i + 1}`, () => [w.pid]])),
      postgres: () => postgresPids(path.join(cluster.dir, 'data')),
      emulator: () => [emulator.pid],
    })
    // Includes the warm-up's WAL: a small share, and the same for every worker count.
    const wal = (await walBytes(cluster.url)) - walBefore
    // Includes the warm-up's statements too (reset before it).
    const statements = await topStatements(databaseUrl, name, WARM_UP_EVENTS + ROUNDS * ROUND_EVENTS)
    await stopAll(children.splice(0))
    const events = WARM_UP_EVENTS + ROUNDS * ROUND_EVENTS
    return { workers: workerCount, ...measured, wal_bytes_per_event: Math.round(wal / (ROUNDS * ROUND_EVENTS)), statements, postgres_rows_per_event: await rowsPerEvent(databaseUrl, events) }
  } finally {
    await stopAll(children)
    await leaveClusterAsFound(cluster.url, name)
  }
}

export async function benchPostgres(): Promise<Record<string, unknown>> {
  const cluster = await startCluster({ durable: true, settings: { shared_preload_libraries: 'pg_stat_statements', 'pg_stat_statements.track': 'all' } })
  const emulator = await startChild(CLI, ['emulator', '--port', '0', '--token', TOKEN, '--ad-account', ACCOUNT, '--no-bodies'])
  try {
    const sqlite = await sqliteSingleProcess(emulator)
    const postgres: Record<string, unknown>[] = []
    for (const count of WORKER_COUNTS) {
      // A run that stalls is reported as such, beside the figures of the others.
      const result = await postgresWith(count, cluster, emulator).catch((error: Error) => ({ workers: count, error: error.message }))
      process.stderr.write(`postgres bench, ${count} workers: ${JSON.stringify(result)}\n`)
      postgres.push(result)
    }
    const rates = postgres.filter((p) => !('error' in p)).map((p) => p.events_per_second as number)
    const worstDrop = Math.max(0, ...rates.slice(1).map((rate, i) => 1 - rate / Math.max(...rates.slice(0, i + 1))))
    return {
      name: 'Postgres scale-out: capture → queue → Pinterest emulator with one API process and 1, 2, 4 worker processes on one Postgres, beside SQLite in one process',
      rounds: ROUNDS,
      events_per_round: ROUND_EVENTS,
      load: { events_per_request: PER_REQUEST, requests_in_flight: IN_FLIGHT },
      postgres_settings: 'throwaway cluster, fsync and synchronous_commit on (Debian defaults otherwise)',
      sqlite_single_process: sqlite,
      postgres,
      worst_drop_when_adding_workers: Number(worstDrop.toFixed(3)),
      targets: { end_to_end_events_per_second: 5_000, max_drop_when_adding_workers: 0.1 },
      machine: { cores: os.cpus().length, load_average_at_end: os.loadavg().map((n) => Number(n.toFixed(1))) },
    }
  } finally {
    await emulator.stop()
    stopCluster(cluster.dir)
  }
}
