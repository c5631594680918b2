import { Client } from 'pg'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { LOCK_KEYS } from '../../src/store/postgres/lock-keys'
import { ACCOUNT, createFunction, firstProject, order, PROJECT_TOKEN, TOKEN, until } from '../helpers/pipeline-server'
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/postgres'
import { type ServerProcess, spawnServer } from '../helpers/server-process'
import { TEST_SECRET_KEY } from '../helpers/stores'

// Processes under ts-node on a shared machine start slowly: the waits are generous, never the measure.
jest.setTimeout(180_000)

const PASSWORD = 'pw-of-the-cluster-3c9a'
const ENV = { PIPELINES_SECRET_KEY: TEST_SECRET_KEY, PIPELINES_API_KEY: firstProject.key, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }

let emulator: RunningEmulator
let databaseUrl: string
/** The same database with a password in the URL (the test cluster trusts local connections, so any password works). */
let withPassword: string
const running: ServerProcess[] = []

beforeEach(async () => {
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  databaseUrl = await freshPostgresDatabase()
  const url = new URL(databaseUrl)
  url.password = PASSWORD
  withPassword = url.toString()
})

afterEach(async () => {
  for (const server of running.splice(0)) {
    server.child.kill('SIGTERM')
    await server.exited
  }
  await emulator.close()
  await dropPostgresDatabase(databaseUrl)
})

async function serve(args: string[], env: Record<string, string> = {}): Promise<ServerProcess> {
  const server = await spawnServer(['--host', '127.0.0.1', '--api-url', emulator.url, ...args], { ...ENV, ...env })
  running.push(server)
  return server
}

async function rows(sql: string): Promise<unknown[]> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return (await client.query(sql)).rows
  } finally {
    await client.end()
  }
}

async function captureAt(url: string, uuids: string[]): Promise<void> {
  const response = await fetch(`${url}/batch/`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ api_key: PROJECT_TOKEN, batch: uuids.map((uuid) => order(uuid)) }),
  })
  expect(response.status).toBe(200)
}

const delivered = () =>
  emulator
    .accepted()
    .map((e) => e.event_id)
    .sort()
const masked = `postgres://postgres:***@${new URL(process.env.TEST_POSTGRES_URL ?? 'postgres://x').host}/`

describe('serve on Postgres', () => {
  it('runs everything in one process: capture reaches the emulator', async () => {
    const server = await serve(['--db', withPassword])
    await createFunction(server, firstProject)
    await captureAt(server.url, ['0193c000-0000-7000-8000-00000000a001'])
    expect(await until(() => delivered().length >= 1, 60_000)).toBe(true)
    expect(delivered()).toEqual(['0193c000-0000-7000-8000-00000000a001'])
    expect(server.output()).toContain(`database ${masked}`)
    expect(server.output()).not.toContain(PASSWORD)
  })

  it('two api processes started at once on an empty database make one project 1; a worker delivers what both captured', async () => {
    // The two api processes race for project 1 and its key; the worker listens for health checks only.
    const [first, second, worker] = await Promise.all([
      serve(['--db', withPassword, '--role', 'api']),
      serve(['--role', 'api'], { DATABASE_URL: withPassword }),
      serve(['--db', withPassword, '--role', 'worker']),
    ])
    expect(await rows('SELECT id::int, api_token FROM projects')).toEqual([{ id: 1, api_token: PROJECT_TOKEN }])
    expect(await rows('SELECT project_id::int, label FROM api_keys')).toEqual([{ project_id: 1, label: 'environment' }])
    expect(await (await fetch(`${worker.url}/_health`)).json()).toEqual({ status: 'ok', role: 'worker' })
    expect((await fetch(`${worker.url}/batch/`, { method: 'POST' })).status).toBe(404)

    // Saved through one api process, mapped and sent by the worker: the function reaches it through the database.
    await createFunction(first, firstProject)
    await captureAt(first.url, ['0193c000-0000-7000-8000-00000000b001'])
    await captureAt(second.url, ['0193c000-0000-7000-8000-00000000b002'])
    expect(await until(() => delivered().length >= 2, 60_000)).toBe(true)
    expect(delivered()).toEqual(['0193c000-0000-7000-8000-00000000b001', '0193c000-0000-7000-8000-00000000b002'])

    const created = [first, second].filter((p) => p.output().includes('created project 1'))
    expect(created).toHaveLength(1)
    for (const p of [first, second, worker]) {
      expect(p.output()).toContain(`database ${masked}`)
      expect(p.output()).not.toContain(PASSWORD)
    }
    expect(worker.output()).toMatch(/pipelines worker listening on http:\/\/127\.0\.0\.1:\d+ \(health checks only; deliveries go to /)
    expect(first.output()).toContain('(role api; deliveries are sent by the worker processes)')
  })

  it('creates project 1 only while holding the bootstrap lock: a start waits while another process holds it', async () => {
    const holder = new Client({ connectionString: databaseUrl })
    await holder.connect()
    try {
      await holder.query('SELECT pg_advisory_lock($1)', [LOCK_KEYS.bootstrap])
      const starting = serve(['--db', databaseUrl, '--role', 'api'])
      const waiting = async () => ((await rows(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = ${LOCK_KEYS.bootstrap} AND NOT granted`)) as { n: number }[])[0].n
      let waiters = 0
      const started = Date.now()
      while (waiters === 0 && Date.now() - started < 90_000) {
        waiters = await waiting()
        if (waiters === 0) await new Promise((resolve) => setTimeout(resolve, 100))
      }
      expect(waiters).toBe(1)
      // Migrated, waiting: nothing was created while another process held the lock.
      expect(await rows('SELECT id FROM projects')).toEqual([])
      await holder.query('SELECT pg_advisory_unlock($1)', [LOCK_KEYS.bootstrap])
      const server = await starting
      expect(server.output()).toContain('created project 1')
      expect(await rows('SELECT id::int FROM projects')).toEqual([{ id: 1 }])
    } finally {
      await holder.end()
    }
  })
})
