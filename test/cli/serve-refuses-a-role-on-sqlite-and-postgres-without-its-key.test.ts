import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { runCli } from '../helpers/server-process'

jest.setTimeout(60_000)

const PASSWORD = 'pw-never-printed-7d1f'
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'serve-refusals-'))
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as net.AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('serve refuses, in one line, what it cannot run', () => {
  it('refuses --role api and --role worker on SQLite, which one process owns, and creates no database', () => {
    const db = path.join(dir, 'db.sqlite')
    for (const role of ['api', 'worker']) {
      // PIPELINES_DB rather than --db: the file stays a file in either jest project.
      const result = runCli(['serve', '--port', '0', '--role', role], { PIPELINES_DB: db, DATABASE_URL: '' })
      expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
        status: 1,
        stderr: `error: --role ${role} needs a Postgres database (--db postgres://... or DATABASE_URL): one process owns a SQLite file and runs every role\n`,
        stdout: '',
      })
    }
    expect(fs.existsSync(db)).toBe(false)
  })

  it('names --role when it is none of all, api and worker', () => {
    const result = runCli(['serve', '--port', '0', '--role', 'both'], { PIPELINES_DB: path.join(dir, 'other.sqlite') })
    expect(result.status).toBe(2)
    expect(result.stderr).toBe('configuration error: --role: expected one of all, api, worker\n')
  })

  it('needs PIPELINES_SECRET_KEY on Postgres, and never prints the password of DATABASE_URL', async () => {
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${await closedPort()}/capi`
    const result = runCli(['serve', '--port', '0', '--role', 'api'], { DATABASE_URL: url, PIPELINES_SECRET_KEY: '' })
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 1,
      stderr: 'error: a Postgres database needs PIPELINES_SECRET_KEY (the same in every process; make one with `openssl rand -base64 32`)\n',
      stdout: '',
    })
  })

  it('says in one line that the database cannot be reached, with the URL masked', async () => {
    const port = await closedPort()
    const url = `postgres://postgres:${PASSWORD}@127.0.0.1:${port}/capi`
    const result = runCli(['serve', '--port', '0', '--db', url], { PIPELINES_SECRET_KEY: Buffer.alloc(32, 3).toString('base64') })
    expect(result.status).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(new RegExp(`^error: cannot reach the Postgres database at postgres://postgres:\\*\\*\\*@127\\.0\\.0\\.1:${port}/capi: .*ECONNREFUSED.*\\n$`))
    expect(result.stderr.split('\n')).toHaveLength(2)
    expect(result.stderr).not.toContain(PASSWORD)
  })
})
