import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { OperatorError } from '../../src/errors'
import { startServer } from '../../src/server/server'
import { runCli } from '../helpers/server-process'

jest.setTimeout(40_000)

let dir: string
let db: string
let holder: net.Server
let port: number

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-busy-port-'))
  db = path.join(dir, 'data', 'db.sqlite')
  holder = net.createServer()
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve))
  port = (holder.address() as net.AddressInfo).port
})

afterEach(async () => {
  await new Promise((resolve) => holder.close(resolve))
  fs.rmSync(dir, { recursive: true, force: true })
})

const BUSY = (p: number) => `cannot listen on 127.0.0.1 port ${p}: the port is in use by another program; choose another with --port N (or PORT) or --host HOST`

describe('serve on a port that is taken', () => {
  it('exits 1 with one line and creates no database, so the next start prints the first-start key', async () => {
    const result = runCli(['serve', '--port', String(port), '--host', '127.0.0.1', '--db', db], {})
    expect(result.status).toBe(1)
    expect(result.stderr).toBe(`error: ${BUSY(port)}\n`)
    expect(result.stdout).toBe('')
    // The lock file stays (deleting a lock file is never safe); nothing else was made.
    expect(fs.readdirSync(path.dirname(db))).toEqual(['db.sqlite.lock'])

    const server = await startServer({ port: 0, host: '127.0.0.1', dbPath: db, env: {} })
    try {
      expect(server.bootstrap.created).toMatchObject({ projectId: 1, keyFromEnvironment: false })
    } finally {
      await server.close()
    }
  })

  it('leaves an existing database as it was', async () => {
    const first = await startServer({ port: 0, host: '127.0.0.1', dbPath: db, env: {} })
    const projects = first.store.projects.list()
    await first.close()
    await expect(startServer({ port, host: '127.0.0.1', dbPath: db, env: {} })).rejects.toThrow(new OperatorError(BUSY(port)))
    const again = await startServer({ port: 0, host: '127.0.0.1', dbPath: db, env: {} })
    try {
      expect(again.store.projects.list()).toEqual(projects)
      expect(again.bootstrap.created).toBeUndefined()
    } finally {
      await again.close()
    }
  })
})
