import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { type RunningServer, startServer } from '../../src/server/server'
import { ACCOUNT, addProject, capture, createFunction, firstProject, order, PROJECT_TOKEN, type TestProject, TOKEN, until } from '../helpers/pipeline-server'
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'
import { serverDatabase, serverEnv } from '../helpers/server-store'

jest.setTimeout(60_000)

const WRONG_TOKEN = 'pina_revoked_conversion_token'
const API_KEY = firstProject.key

let dir: string
let emulator: RunningEmulator
let receiver: WebhookReceiver
let server: RunningServer
/** The alerts' clock runs this far ahead of the pipeline's (a no-deliveries threshold passes without waiting). */
let clockOffset = 0
const lines: string[] = []
const projects: TestProject[] = []

function start(): Promise<RunningServer> {
  return startServer({
    port: 0,
    dbPath: serverDatabase(path.join(dir, 'db.sqlite')),
    apiUrl: emulator.url,
    pollMs: 10,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    env: serverEnv({ PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }),
    // The interval never comes in a test: each evaluation is a check() the test makes.
    alerts: { intervalMs: 3_600_000, now: () => Date.now() + clockOffset, backoffMs: [20, 20], timeoutMs: 2000, log: (line) => lines.push(line) },
  })
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  receiver = await startReceiver()
  server = await start()
})

afterAll(async () => {
  await server.close()
  await emulator.close()
  await receiver.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

afterEach(() => {
  emulator.setFaults({})
  clockOffset = 0
})

async function api(method: 'GET' | 'PUT' | 'PATCH' | 'DELETE', project: TestProject, url: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.url}/api/projects/${project.id}/${url}`, {
    method,
    headers: { authorization: `Bearer ${project.key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? null : JSON.parse(text) }
}

const inputs = (token: string) => ({ ad_account_id: { value: ACCOUNT }, conversion_token: { value: token } })
const orders = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => order(`${prefix}-${String(i).padStart(4, '0')}`))

/** A destination in a project of its own (a project's events go to all of its destinations), alerts on. */
async function watched(name: string, alerts: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<{ project: TestProject; fnId: string; hook: string }> {
  const project = addProject(server, name)
  projects.push(project)
  const fnId = await createFunction(server, project, { name: `Shop <${name}> & co`, ...extra })
  // The pipeline takes a new function up within half a second: events mapped before that are not its.
  await new Promise((resolve) => setTimeout(resolve, 700))
  const hook = `/services/${name}/hook-s3cr3t`
  const saved = await api('PUT', project, `hog_functions/${fnId}/alerts/`, { webhook_url: receiver.url(hook), enabled: true, ...alerts })
  expect(saved.status).toBe(200)
  return { project, fnId, hook }
}

/** The function's delivery metrics of the last hours, by name. */
function counted(project: TestProject, fnId: string): Record<string, number> {
  const now = Date.now()
  const totals: Record<string, number> = {}
  for (const m of server.store.metrics.series(project.id, fnId, new Date(now - 7_200_000).toISOString(), new Date(now + 3_600_000).toISOString())) totals[m.name] = (totals[m.name] ?? 0) + m.count
  return totals
}

async function evaluateTimes(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await server.alerts.check()
}

const who = (name: string) => `Pinterest destination “Shop &lt;${name}&gt; &amp; co” of project “${name}”`

test('a failing destination sends one message with its figures however often it is evaluated, none again after a restart, and one when deliveries succeed', async () => {
  const { project, fnId, hook } = await watched('failing', { failure_share: { enabled: true, percent: 50 } })
  emulator.setFaults({ fail_event_share: 1 })
  await capture(server, project, orders('failing', 25))
  expect(await until(() => counted(project, fnId).failed === 25, 20_000)).toBe(true)
  emulator.setFaults({})

  await evaluateTimes(10)
  const opened = `Alert: Failure share above its threshold: ${who('failing')}: 25 of 25 events failed in the last hour (100%; the threshold is 50%). See /#/destinations/${fnId}/logs`
  expect(receiver.taken(hook)).toEqual([opened])

  await server.close()
  server = await start()
  await evaluateTimes(5)
  expect(receiver.taken(hook)).toEqual([opened])

  await capture(server, project, orders('recovered', 40))
  expect(await until(() => counted(project, fnId).succeeded === 40, 20_000)).toBe(true)
  await evaluateTimes(10)
  expect(receiver.taken(hook)).toEqual([
    opened,
    `Cleared: Failure share back under its threshold: ${who('failing')}: 25 of 65 events failed in the last hour (38.5%; the threshold is 50%). See /#/destinations/${fnId}/logs`,
  ])
  const [episode] = (await api('GET', project, `hog_functions/${fnId}/alerts/`)).body.episodes
  expect(episode).toEqual({
    id: expect.any(Number),
    kind: 'failure_share',
    state: 'cleared',
    opened_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    cleared_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    notified_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    cleared_notified_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    detail: '25 of 25 events failed in the last hour (100%; the threshold is 50%)',
  })
})

test('fewer than 20 delivered or failed events in the hour are no failure alert, even when all failed', async () => {
  const { project, fnId, hook } = await watched('few', { failure_share: { enabled: true, percent: 10 } })
  emulator.setFaults({ fail_event_share: 1 })
  await capture(server, project, orders('few', 19))
  expect(await until(() => counted(project, fnId).failed === 19, 20_000)).toBe(true)
  await evaluateTimes(3)
  expect(receiver.taken(hook)).toEqual([])
  await capture(server, project, orders('few-more', 1))
  expect(await until(() => counted(project, fnId).failed === 20, 20_000)).toBe(true)
  await evaluateTimes(3)
  expect(receiver.taken(hook)).toHaveLength(1)
})

test('a refused token sends one degraded message, and saving a new token one cleared message', async () => {
  const { project, fnId, hook } = await watched('refused', {}, { inputs: inputs(WRONG_TOKEN) })
  await capture(server, project, orders('refused', 3))
  expect(await until(() => server.store.holds.get(fnId) !== undefined && server.store.deliveries.countPending(fnId) === 3, 20_000)).toBe(true)
  await evaluateTimes(5)
  const opened = `Alert: Degraded: deliveries held: ${who('refused')}: Pinterest refused this destination's credentials (conversion token rejected by Pinterest (401): code 2: Authentication failed.). 3 deliveries are held, not failed: save a changed conversion token or ad account ID to send them; those older than Pinterest's 7-day window by then fail. See /#/destinations/${fnId}`
  expect(receiver.taken(hook)).toEqual([opened])

  expect((await api('PATCH', project, `hog_functions/${fnId}/`, { inputs: inputs(TOKEN) })).status).toBe(200)
  expect(await until(() => counted(project, fnId).succeeded === 3, 20_000)).toBe(true)
  await evaluateTimes(5)
  expect(receiver.taken(hook)).toEqual([
    opened,
    `Cleared: No longer degraded: deliveries resumed: ${who('refused')}: the credentials were changed and the held deliveries are sent. See /#/destinations/${fnId}`,
  ])
})

test('events that wait while nothing is delivered for the threshold send one message, and one when they are delivered', async () => {
  const { project, fnId, hook } = await watched('stalled', { no_deliveries: { enabled: true, minutes: 5 } })
  emulator.setFaults({ unavailable_share: 1 })
  const before = emulator.requests().length
  await capture(server, project, orders('stalled', 3))
  expect(await until(() => server.store.deliveries.countPending(fnId) === 3 && emulator.requests().length > before, 20_000)).toBe(true)
  await evaluateTimes(3)
  expect(receiver.taken(hook)).toEqual([])

  clockOffset = 6 * 60_000
  await evaluateTimes(5)
  const opened = `Alert: No deliveries: ${who('stalled')}: no event delivered for 6 minutes while 3 deliveries wait (the threshold is 5 minutes). See /#/destinations/${fnId}/metrics`
  expect(receiver.taken(hook)).toEqual([opened])

  emulator.setFaults({})
  expect(await until(() => counted(project, fnId).succeeded === 3, 20_000)).toBe(true)
  await evaluateTimes(5)
  expect(receiver.taken(hook)).toEqual([opened, `Cleared: Deliveries again: ${who('stalled')}: nothing waits to be delivered. See /#/destinations/${fnId}/metrics`])
})

test('a message the webhook refuses is tried again with backoff, stays due, and is sent once when the webhook is back', async () => {
  const { project, fnId, hook } = await watched('unheard', {}, { inputs: inputs(WRONG_TOKEN) })
  let down = true
  receiver.answer = (p) => (p === hook && down ? 503 : 200)
  await capture(server, project, orders('unheard', 1))
  expect(await until(() => server.store.holds.get(fnId) !== undefined, 20_000)).toBe(true)
  await evaluateTimes(2)
  const tried = () => receiver.received.filter((r) => r.path === hook)
  // Three attempts a round (two backoffs), none taken.
  expect(tried().map((r) => r.status)).toEqual([503, 503, 503, 503, 503, 503])
  expect(lines).toContain(`alerts of function ${fnId}: the alert webhook answered 503; trying again in 0.02 s`)
  expect(lines).toContain(`alerts of function ${fnId}: the alert webhook answered 503; the opened message of its degraded alert stays due`)

  down = false
  await evaluateTimes(4)
  expect(tried().map((r) => r.status)).toEqual([503, 503, 503, 503, 503, 503, 200])
  expect(new Set(tried().map((r) => r.body.text)).size).toBe(1)
  expect(receiver.taken(hook)[0]).toMatch(/^Alert: Degraded: deliveries held: /)
})

test("a paused or deleted destination's due messages are not sent", async () => {
  const { project, fnId, hook } = await watched('paused', {}, { inputs: inputs(WRONG_TOKEN) })
  let down = true
  receiver.answer = (p) => (p === hook && down ? 500 : 200)
  await capture(server, project, orders('paused', 1))
  expect(await until(() => server.store.holds.get(fnId) !== undefined, 20_000)).toBe(true)
  await evaluateTimes(1)
  expect(server.store.alerts.due(fnId)).toHaveLength(1)

  expect((await api('PATCH', project, `hog_functions/${fnId}/`, { enabled: false })).status).toBe(200)
  down = false
  await evaluateTimes(3)
  expect(receiver.taken(hook)).toEqual([])
  expect((await api('DELETE', project, `hog_functions/${fnId}/`)).status).toBe(204)
  await evaluateTimes(3)
  expect(receiver.taken(hook)).toEqual([])
})

test('no message and no log line holds a conversion token, the webhook URL or an API key', () => {
  expect(receiver.received.length).toBeGreaterThanOrEqual(10)
  const secrets = [TOKEN, WRONG_TOKEN, API_KEY, ...projects.map((p) => p.key), 'hook-s3cr3t', receiver.url('')]
  for (const text of [...receiver.received.map((r) => JSON.stringify(r.body)), ...lines]) for (const secret of secrets) expect(text).not.toContain(secret)
})
