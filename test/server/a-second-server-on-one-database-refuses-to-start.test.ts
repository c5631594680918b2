import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { keysCommand } from '../../src/cli/keys'
import { secretsCommand } from '../../src/cli/secrets'
import { runCli, type ServerProcess, spawnServer } from '../helpers/server-process'

// Three server processes and one CLI run, each compiled by ts-node as it starts: 45 s on a busy CI machine.
jest.setTimeout(120_000)

let dir: string
const running: ServerProcess[] = []

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-two-servers-'))
})

afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL')
    await server.exited
  }
  fs.rmSync(dir, { recursive: true, force: true })
})

async function start(db: string): Promise<ServerProcess> {
  const server = await spawnServer(['--db', db, '--api-url', 'http://127.0.0.1:9'], {})
  running.push(server)
  return server
}

describe('two servers on one database', () => {
  it('the second refuses, naming the first; after kill -9 of the first a new one starts', async () => {
    const db = path.join(dir, 'db.sqlite')
    const first = await start(db)
    const pid = first.child.pid as number

    const second = runCli(['serve', '--port', '0', '--db', db], {})
    expect(second.status).toBe(1)
    expect(second.stderr).toMatch(
      new RegExp(
        `^error: the database ${db.replace(/[.\\/]/g, '\\$&')} is in use by process ${pid} \\(pinterest-capi serve --port 0 --db \\S+ --api-url http://127\\.0\\.0\\.1:9, started \\d{4}-\\S+Z\\): stop that server first, or give this one another --db\n$`,
      ),
    )
    expect(second.stdout).toBe('')
    // Admin commands work beside the running server...
    expect(await keysCommand(['list', '--db', db], new PassThrough(), {})).toBe(0)
    // ...but rotating the secret key, which the server holds in memory, does not.
    await expect(secretsCommand(['rotate-key', '--db', db], new PassThrough(), {})).rejects.toThrow(`is in use by process ${pid} `)

    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')
    const third = await start(db)
    expect((await fetch(`${third.url}/_health`)).status).toBe(200)
    // The first start printed project 1 and its key; a restart creates nothing new.
    expect(first.output()).toContain('created project 1')
    expect(third.output()).not.toContain('created project')
  })
})
