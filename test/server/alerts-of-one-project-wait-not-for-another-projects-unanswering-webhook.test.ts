import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { type RunningServer, startServer } from '../../src/server/server'
import { ACCOUNT, addProject, capture, createFunction, order, PROJECT_TOKEN, type TestProject, TOKEN, until } from '../helpers/pipeline-server'
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'
import { serverDatabase, serverEnv } from '../helpers/server-store'

jest.setTimeout(30_000)

let dir: string
let emulator: RunningEmulator
let receiver: WebhookReceiver
let blackHole: net.Server
let blackHoleUrl: string
const sockets = new Set<net.Socket>()
let server: RunningServer

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'alerts-black-hole-'))
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  receiver = await startReceiver()
  // Takes the connection and never answers.
  blackHole = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve))
  blackHoleUrl = `http://127.0.0.1:${(blackHole.address() as net.AddressInfo).port}/hook`
  server = await startServer({
    port: 0,
    dbPath: serverDatabase(path.join(dir, 'db.sqlite')),
    apiUrl: emulator.url,
    pollMs: 10,
    retry: { baseDelayMs: 20, maxDelayMs: 100 },
    env: serverEnv({ PIPELINES_API_KEY: 'phx_black_hole_key', PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }),
    // Each POST may wait 20 s, far longer than the test waits for the other project's message.
    alerts: { intervalMs: 3_600_000, backoffMs: [20, 20], timeoutMs: 20_000, log: () => undefined },
  })
})

afterAll(async () => {
  await server.close()
  await emulator.close()
  await receiver.close()
  for (const socket of sockets) socket.destroy()
  await new Promise((resolve) => blackHole.close(resolve))
  fs.rmSync(dir, { recursive: true, force: true })
})

/** A destination with a refused token in a project of its own, held once an event came: its degraded alert is due. */
async function held(name: string): Promise<{ name: string; project: TestProject; fnId: string }> {
  const project = addProject(server, name)
  const fnId = await createFunction(server, project, { name: `Shop ${name}`, inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: 'pina_refused_token' } } })
  await new Promise((resolve) => setTimeout(resolve, 700))
  await capture(server, project, [order(`${name}-1`)])
  expect(await until(() => server.store.holds.get(fnId) !== undefined, 20_000)).toBe(true)
  return { name, project, fnId }
}

async function watch(project: TestProject, fnId: string, webhookUrl: string): Promise<void> {
  const response = await fetch(`${server.url}/api/projects/${project.id}/hog_functions/${fnId}/alerts/`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${project.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({ webhook_url: webhookUrl, enabled: true }),
  })
  expect(response.status).toBe(200)
}

test('a webhook that never answers does not hold back another project’s alert in the same round', async () => {
  const [a, b] = await Promise.all([held('first'), held('second')])
  // Rounds go through the functions by id: the black hole is the one a round reaches first.
  const [silent, heard] = a.fnId < b.fnId ? [a, b] : [b, a]
  await watch(silent.project, silent.fnId, blackHoleUrl)
  await watch(heard.project, heard.fnId, receiver.url('/heard'))

  const round = server.alerts.check()
  expect(await until(() => receiver.taken('/heard').length === 1, 5000)).toBe(true)
  expect(receiver.taken('/heard')[0]).toMatch(new RegExp(`^Alert: Degraded: deliveries held: Pinterest destination “Shop ${heard.name}”`))
  expect(sockets.size).toBe(1)
  // A second round while the black hole still holds its message neither sends that message again nor the other twice.
  const again = server.alerts.check()
  await new Promise((resolve) => setTimeout(resolve, 200))
  expect(receiver.taken('/heard')).toHaveLength(1)
  expect(sockets.size).toBe(1)
  await server.close()
  await Promise.all([round, again])
})
