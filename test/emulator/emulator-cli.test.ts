import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { emulatorCommand, runEmulator } from '../../src/cli/emulator'
import { UsageError } from '../../src/cli/usage'
import { ConfigError } from '../../src/errors'
import { pinterestEvent } from './helpers'

const ROOT = path.resolve(__dirname, '../..')
const LISTENING = /^pinterest emulator listening on (http:\/\/127\.0\.0\.1:(\d+))\n$/

let dir: string
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pinterest-emulator-'))
})
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function firstLine(stream: PassThrough): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    stream.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8')
      if (text.includes('\n')) resolve(text)
    })
  })
}

async function post(url: string, token: string, adAccount: string): Promise<number> {
  const res = await fetch(`${url}/v5/ad_accounts/${adAccount}/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ data: [pinterestEvent({ event_time: Math.floor(Date.now() / 1000) })] }),
  })
  return res.status
}

describe('pinterest-capi emulator', () => {
  it('prints where it listens, serves the given credentials and faults, and stops when told', async () => {
    const faultsFile = path.join(dir, 'faults.json')
    fs.writeFileSync(faultsFile, JSON.stringify({ next_statuses: [503] }))
    const stdout = new PassThrough()
    const stop = new AbortController()
    const line = firstLine(stdout)
    const done = runEmulator({ token: 'cli-token', adAccount: ['1', '2'], faultsFile, stdout, signal: stop.signal })
    const [, url] = LISTENING.exec(await line) ?? []
    expect(await post(url, 'cli-token', '2')).toBe(503)
    expect(await post(url, 'cli-token', '2')).toBe(200)
    expect(await post(url, 'cli-token', '3')).toBe(403)
    expect(await post(url, 'test-token', '1')).toBe(401)
    stop.abort()
    expect(await done).toBe(0)
    await expect(fetch(`${url}/_health`)).rejects.toThrow()
  })

  it.each([
    [['--port', 'x'], new ConfigError('--port', "must be an integer from 0 to 65535, got 'x'")],
    [['--port', '70000'], new ConfigError('--port', "must be an integer from 0 to 65535, got '70000'")],
    [['--seed=-1'], new ConfigError('--seed', "must be an integer from 0 to 4294967295, got '-1'")],
  ])('rejects bad flags %j', async (args, error) => {
    await expect(emulatorCommand(args)).rejects.toThrow(error)
  })

  it('rejects unknown flags as usage errors of the emulator command', async () => {
    await expect(emulatorCommand(['--prot', '1'])).rejects.toThrow(new UsageError('emulator', 'unknown option --prot'))
  })

  it('names the bad field of a faults file', async () => {
    const faultsFile = path.join(dir, 'bad-faults.json')
    fs.writeFileSync(faultsFile, JSON.stringify({ hang_share: 3 }))
    await expect(emulatorCommand(['--faults', faultsFile])).rejects.toThrow(new ConfigError('--faults', 'hang_share: Too big: expected number to be <=1'))
  })

  it('prints usage for --help', async () => {
    const stdout = new PassThrough()
    const text = firstLine(stdout)
    expect(await emulatorCommand(['--help'], stdout)).toBe(0)
    expect(await text).toMatch(/^Usage: pinterest-capi emulator/)
  })

  it('runs as a process and exits 0 on SIGTERM', async () => {
    const script = "require('./src/cli/emulator').emulatorCommand(process.argv.slice(1)).then((c) => { process.exitCode = c })"
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-e', script, '--', '--port', '0', '--seed', '3'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
    try {
      const line = await firstLine(child.stdout as unknown as PassThrough)
      const [, url] = LISTENING.exec(line) ?? []
      expect((await fetch(`${url}/_health`)).status).toBe(200)
      child.kill('SIGTERM')
      expect(await exited).toBe(0)
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  }, 20_000)
})
