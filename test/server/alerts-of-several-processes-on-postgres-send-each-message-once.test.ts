import { type RunningServer, startServer } from '../../src/server/server'
import { firstProject, PROJECT_TOKEN } from '../helpers/pipeline-server'
import { dropPostgresDatabase, freshPostgresDatabase } from '../helpers/postgres'
import { insertPinterestFunction } from '../helpers/stored-function'
import { TEST_SECRET_KEY } from '../helpers/stores'
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'

jest.setTimeout(90_000)

const HOOK = '/services/cluster/hook'
let databaseUrl: string
let receiver: WebhookReceiver
const servers: RunningServer[] = []

/** A process of the cluster (in this one, with its own connections and pipeline thread); alerts evaluated only by check(). */
async function start(): Promise<RunningServer> {
  const server = await startServer({
    port: 0,
    dbPath: databaseUrl,
    // Nothing is delivered here: the failures are counted straight into the metrics.
    apiUrl: 'http://127.0.0.1:9',
    env: { PIPELINES_SECRET_KEY: TEST_SECRET_KEY, PIPELINES_API_KEY: firstProject.key, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN },
    alerts: { intervalMs: 3_600_000, backoffMs: [20], timeoutMs: 2000, log: () => {} },
  })
  servers.push(server)
  return server
}

beforeAll(async () => {
  databaseUrl = await freshPostgresDatabase()
  receiver = await startReceiver()
})

afterAll(async () => {
  for (const server of servers) await server.close()
  await receiver.close()
  await dropPostgresDatabase(databaseUrl)
})

/** Every process evaluates at the same moment, several times over. */
async function evaluateEverywhere(processes: RunningServer[], rounds: number): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.all(processes.map((p) => p.alerts.check()))
}

test('two processes evaluating at once send one message per episode; the other process takes over when the first stops', async () => {
  const [first, second] = [await start(), await start()]
  const fn = insertPinterestFunction(first.store, { id: 'f-cluster', project_id: 1, secrets: { conversion_token: 'pina_cluster_conversion_token' } })
  const saved = await fetch(`${first.url}/api/projects/1/hog_functions/${fn.id}/alerts/`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_url: receiver.url(HOOK), enabled: true, failure_share: { enabled: true, percent: 50 } }),
  })
  expect(saved.status).toBe(200)
  first.store.metrics.increment(1, fn.id, 'failed', 30, Date.now())

  await evaluateEverywhere([first, second], 5)
  expect(receiver.taken(HOOK)).toHaveLength(1)
  expect(receiver.taken(HOOK)[0]).toMatch(/^Alert: Failure share above its threshold: .*30 of 30 events failed in the last hour/)

  // The first process stops: its lock goes with it, and the second sends the clearing, once.
  await first.close()
  second.store.metrics.increment(1, fn.id, 'succeeded', 90, Date.now())
  await evaluateEverywhere([second], 3)
  expect(receiver.taken(HOOK)).toHaveLength(2)
  expect(receiver.taken(HOOK)[1]).toMatch(/^Cleared: Failure share back under its threshold: .*30 of 120 events failed in the last hour/)
})
