import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { spawnServer, type ServerProcess } from '../helpers/server-process'
import { selectRows } from '../helpers/server-store'

jest.setTimeout(60_000)

const API_KEY = 'phx_shutdown_key_0123456789'
const PROJECT_TOKEN = 'phc_shutdown_project'
const ENV = { PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }

let dir: string
let pinterest: net.Server
let pinterestUrl: string
const held: net.Socket[] = []
const running: ServerProcess[] = []

// A Pinterest that takes each request and never answers: deliveries hang until their own timeout (10 s).
beforeAll(async () => {
  pinterest = net.createServer((socket) => held.push(socket))
  await new Promise<void>((resolve) => pinterest.listen(0, '127.0.0.1', resolve))
  pinterestUrl = `http://127.0.0.1:${(pinterest.address() as net.AddressInfo).port}`
})

afterAll(async () => {
  for (const socket of held) socket.destroy()
  await new Promise((resolve) => pinterest.close(resolve))
})

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-shutdown-'))
})

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

async function start(args: string[]): Promise<{ server: ServerProcess; output: () => string }> {
  const server = await spawnServer(['--db', path.join(dir, 'db.sqlite'), '--api-url', pinterestUrl, ...args], ENV)
  running.push(server)
  let output = ''
  server.child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()))
  return { server, output: () => output }
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const started = Date.now()
  while (!check()) {
    if (Date.now() - started > ms) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

/** A destination whose delivery is in flight (to the Pinterest that never answers) when this returns. */
async function deliveryInFlight(url: string): Promise<void> {
  const before = held.length
  const created = await fetch(`${url}/api/projects/1/hog_functions/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_shutdown_token' } } }),
  })
  expect(created.status).toBe(201)
  const event = { api_key: PROJECT_TOKEN, event: 'Order Completed', distinct_id: 'a', uuid: 'kept-1', properties: { $ip: '203.0.113.5', $raw_user_agent: 'UA' } }
  const captured = await fetch(`${url}/e/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(event) })
  expect(captured.status).toBe(200)
  await until(() => held.length > before, 'the delivery to reach Pinterest')
}

const exitedWithin = (server: ServerProcess, ms: number) => Promise.race([server.exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), ms))])

describe('shutdown', () => {
  it('exits at once on a second SIGTERM while the first is still draining', async () => {
    const { server, output } = await start([])
    await deliveryInFlight(server.url)
    server.child.kill('SIGTERM')
    await until(() => output().includes('draining'), 'the draining line')
    // The delivery in flight holds the drain for its 10 s timeout, and the limit is 30 s.
    expect(await exitedWithin(server, 1000)).toBe('still running')
    server.child.kill('SIGTERM')
    expect(await exitedWithin(server, 5000)).toBe(143)
    expect(output()).toContain('stopping now: 1 delivery still queued: they resume on the next start')
  })

  it('stops after --shutdown-timeout even when draining is not done, keeping what is stored', async () => {
    const { server, output } = await start(['--shutdown-timeout', '1s'])
    await deliveryInFlight(server.url)
    server.child.kill('SIGTERM')
    expect(await exitedWithin(server, 8000)).toBe(1)
    expect(output()).toContain('draining took longer than 1 s: stopping')
    const payloads = selectRows<{ payload: string }>(path.join(dir, 'db.sqlite'), 'SELECT payload FROM events')
    expect(payloads.map((row) => JSON.parse(row.payload).uuid)).toEqual(['kept-1'])
  })
})
