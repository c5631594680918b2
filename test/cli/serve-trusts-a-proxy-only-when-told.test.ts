import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { trustProxy } from '../../src/cli/serve'
import { ConfigError } from '../../src/errors'
import { spawnServer } from '../helpers/server-process'
import { selectRows } from '../helpers/server-store'

jest.setTimeout(60_000)

const TOKEN = 'phc_proxy_cli_project'
let dir: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-proxy-cli-'))
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** Starts `serve`, captures one event through a proxy's header, stops, and gives the stored $ip. */
async function storedIp(args: string[], env: Record<string, string>): Promise<unknown> {
  const db = path.join(dir, 'db.sqlite')
  const server = await spawnServer(['--db', db, ...args], { PIPELINES_PROJECT_TOKEN: TOKEN, PIPELINES_API_KEY: 'phx_proxy_cli_key_0123456789', ...env })
  try {
    const response = await fetch(`${server.url}/e/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '198.51.100.23, 10.0.0.1' },
      body: JSON.stringify({ token: TOKEN, event: '$pageview', distinct_id: 'visitor', uuid: 'ev-1' }),
    })
    expect(response.status).toBe(200)
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
  }
  const [{ payload }] = selectRows<{ payload: string }>(db, 'SELECT payload FROM events')
  return (JSON.parse(payload) as { properties: { $ip?: unknown } }).properties.$ip
}

describe('serve --trust-proxy', () => {
  it('takes the client from X-Forwarded-For with the flag', async () => {
    expect(await storedIp(['--trust-proxy'], {})).toBe('198.51.100.23')
  })
})

describe('PIPELINES_TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['false', false],
    ['0', false],
    ['off', false],
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
  ])('%j trusts the proxy: %s', (value, expected) => {
    expect(trustProxy(undefined, value)).toBe(expected)
  })

  it('is overridden by the flag', () => {
    expect(trustProxy(true, 'false')).toBe(true)
  })

  it('refuses other values, naming the variable and not the value', () => {
    expect(() => trustProxy(undefined, 'sometimes')).toThrow(new ConfigError('PIPELINES_TRUST_PROXY', 'expected true or false'))
  })
})
