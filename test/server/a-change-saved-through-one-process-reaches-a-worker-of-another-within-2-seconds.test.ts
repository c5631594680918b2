import { Client } from 'pg'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { type RunningServer, startServer } from '../../src/server/server'
import { ACCOUNT, capture, createFunction, firstProject, order, PROJECT_TOKEN, setEnabled, TOKEN, until } from '../helpers/pipeline-server'
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/postgres'
import { TEST_SECRET_KEY } from '../helpers/stores'

jest.setTimeout(120_000)

/** The bound the issue sets for a saved change to reach every worker. */
const PROPAGATION_MS = 2000
let databaseUrl: string
let emulator: RunningEmulator
let api: RunningServer
let worker: RunningServer

beforeAll(async () => {
  databaseUrl = await freshPostgresDatabase()
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  const options = {
    port: 0,
    dbPath: databaseUrl,
    apiUrl: emulator.url,
    pollMs: 10,
    env: { PIPELINES_SECRET_KEY: TEST_SECRET_KEY, PIPELINES_API_KEY: firstProject.key, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN },
  }
  // Two processes' worth of connections and threads: the api side saves, the worker's pipeline threads map and send.
  api = await startServer({ ...options, role: 'api' })
  worker = await startServer({ ...options, role: 'worker' })
})

afterAll(async () => {
  await worker?.close()
  await api?.close()
  await emulator.close()
  await dropPostgresDatabase(databaseUrl)
})

const sent = () =>
  emulator
    .accepted()
    .map((e) => e.event_id)
    .sort()
const settle = () => new Promise((resolve) => setTimeout(resolve, PROPAGATION_MS))

/** Captures through the api process and waits until the worker has mapped every stored event. */
async function captureAndMap(uuids: string[]): Promise<void> {
  await capture(
    api,
    firstProject,
    uuids.map((uuid) => order(uuid)),
  )
  expect(await until(() => worker.store.events.countPending() === 0, 30_000)).toBe(true)
}

/** Both pipeline threads' listeners: mapping reads the functions, and sending their tokens. */
async function killRunnerListeners(): Promise<void> {
  const client = new Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const killed = await client.query(
      "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name IN ('pinterest-capi runner map config', 'pinterest-capi runner send config') AND datname = current_database()",
    )
    expect(killed.rows).toEqual([{ done: true }, { done: true }])
  } finally {
    await client.end()
  }
}

test('a function saved, paused and resumed through the api process is what the worker maps with 2 s later, also after its listeners were killed', async () => {
  const fnId = await createFunction(api, firstProject)
  await settle()
  await captureAndMap(['0193c000-0000-7000-8000-00000000c001'])
  expect(await until(() => sent().length === 1, 30_000)).toBe(true)

  await setEnabled(api, firstProject, fnId, false)
  await settle()
  await captureAndMap(['0193c000-0000-7000-8000-00000000c002'])

  await killRunnerListeners()
  await setEnabled(api, firstProject, fnId, true)
  await settle()
  await captureAndMap(['0193c000-0000-7000-8000-00000000c003'])
  expect(await until(() => sent().length === 2, 30_000)).toBe(true)
  // The event captured while the function was paused was never its.
  expect(sent()).toEqual(['0193c000-0000-7000-8000-00000000c001', '0193c000-0000-7000-8000-00000000c003'])
})

test('a project switched to anonymize_ips by another connection reaches the api process capture cache within 2 s', async () => {
  // Capture reads the project by token from a cache: a warm entry, then a change made by another connection.
  await capture(api, firstProject, [order('0193c000-0000-7000-8000-00000000d001')])
  worker.store.projects.update(1, { anonymize_ips: true })
  await settle()
  expect(api.store.projects.byToken(PROJECT_TOKEN)?.anonymize_ips).toBe(true)
})
