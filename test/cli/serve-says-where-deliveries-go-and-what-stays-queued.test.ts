import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deliveriesLine, queuedLine } from '../../src/cli/serve-lines'
import { type ServerProcess, spawnServer, stopServer } from '../helpers/server-process'

jest.setTimeout(60_000)

const API_KEY = 'phx_lines_key_0123456789'
const PROJECT_TOKEN = 'phc_lines_project'
const ENV = { PIPELINES_API_KEY: API_KEY, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }
// Nothing listens on port 9: every delivery fails to connect and waits for its retry.
const UNREACHABLE = 'http://127.0.0.1:9'

const fn = (testMode?: boolean): { inputs: Record<string, { value: unknown }> } => ({ inputs: testMode === undefined ? {} : { test_mode: { value: testMode } } })

describe('the start and stop lines', () => {
  it('say where deliveries go and which functions send in test mode', () => {
    expect(deliveriesLine('https://api.pinterest.com', [])).toBe('deliveries go to https://api.pinterest.com; no enabled functions yet')
    expect(deliveriesLine('https://api.pinterest.com', [fn(), fn(false)])).toBe('deliveries go to https://api.pinterest.com; test mode off for all 2 enabled functions')
    expect(deliveriesLine('http://127.0.0.1:8020', [fn(true), fn(false)])).toBe(
      'deliveries go to http://127.0.0.1:8020; test mode on for 1 of 2 enabled functions (Pinterest checks those events but does not record them)',
    )
  })

  it('never show credentials written into the URL', () => {
    expect(deliveriesLine('https://user:pa55@proxy.example/pinterest', [])).toBe('deliveries go to https://***@proxy.example/pinterest; no enabled functions yet')
  })

  it('say what stays queued for the next start', () => {
    expect(queuedLine({ pendingDeliveries: 0, unprocessedEvents: 0 })).toBe('nothing is queued')
    expect(queuedLine({ pendingDeliveries: 1, unprocessedEvents: 0 })).toBe('1 delivery still queued: they resume on the next start')
    expect(queuedLine({ pendingDeliveries: 3, unprocessedEvents: 2 })).toBe('3 deliveries and 2 captured events not yet mapped still queued: they resume on the next start')
  })
})

let dir: string
const running: ServerProcess[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-lines-'))
})

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

async function start(): Promise<ServerProcess> {
  const server = await spawnServer(['--db', path.join(dir, 'db.sqlite'), '--api-url', UNREACHABLE, '--shutdown-timeout', '20s'], ENV)
  running.push(server)
  return server
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) })
  return response.status
}

describe('serve', () => {
  it('prints the Pinterest URL and test mode at start, and the queued deliveries at stop', async () => {
    const first = await start()
    expect(first.output()).toMatch(/pipelines server listening on http:\/\/\S+ \(deliveries go to http:\/\/127\.0\.0\.1:9; no enabled functions yet\)\n$/)
    const created = await post(
      `${first.url}/api/projects/1/hog_functions/`,
      {
        template_id: 'segment-actions-pinterest-conversions-api',
        inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_lines_token' }, test_mode: { value: true } },
      },
      { authorization: `Bearer ${API_KEY}` },
    )
    expect(created).toBe(201)
    const event = { api_key: PROJECT_TOKEN, event: 'Order Completed', distinct_id: 'a', uuid: 'queued-1', properties: { $ip: '203.0.113.5', $raw_user_agent: 'UA' } }
    expect(await post(`${first.url}/e/`, event)).toBe(200)
    expect(await stopServer(first)).toMatchObject({ exit: 0 })
    expect(first.output()).toMatch(/\nstopped: 1 delivery still queued: they resume on the next start\n$/)

    const second = await start()
    expect(second.output()).toContain(' (deliveries go to http://127.0.0.1:9; test mode on for 1 of 1 enabled function (Pinterest checks those events but does not record them))\n')
  })
})
