import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { keysCommand } from '../../src/cli/keys'
import { type RunningServer, startServer } from '../../src/server/server'
import { serverDatabase, serverEnv } from '../helpers/server-store'

// Each test starts a whole server (its pipeline threads included) in its hooks: over 30 s on a busy CI machine.
jest.setTimeout(60_000)

let dir: string
let db: string
let server: RunningServer

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-revoke-'))
  db = path.join(dir, 'db.sqlite')
  server = await startServer({ port: 0, dbPath: serverDatabase(db), apiUrl: 'http://127.0.0.1:9', pollMs: 10, env: serverEnv({}) })
})

afterEach(async () => {
  await server.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** The CLI command, run against the database the server is using. */
async function keys(args: string[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await keysCommand([...args, '--db', serverDatabase(db)], out, serverEnv({}))).toBe(0)
  return Buffer.concat(chunks).toString()
}

const list = (key: string) => fetch(`${server.url}/api/projects/1/hog_functions/`, { headers: { authorization: `Bearer ${key}` } })

describe('keys managed from the CLI while the server runs', () => {
  it('a new key works at once, its use is listed, and once revoked it is refused', async () => {
    const [, id, key] = /^created key (\S+) for project 1 \([^)]*\): (phx_\w+)\n/.exec(await keys(['create', '--label', 'ci'])) ?? []
    expect((await list(key)).status).toBe(200)
    const row = (await keys(['list'])).split('\n').find((line) => line.startsWith(id)) ?? ''
    expect(row).toMatch(/ ci +hog_function:read,hog_function:write,project:read,project:write +\S+Z +\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)

    expect(await keys(['revoke', id])).toBe(`revoked key ${id} (ci) of project 1\n`)
    const refused = await list(key)
    expect(refused.status).toBe(401)
    expect(await refused.json()).toMatchObject({ detail: 'Invalid personal API key.' })
  })

  it('the first-start key keeps working beside a revoked one', async () => {
    const bootstrapKey = server.bootstrap.created?.apiKey as string
    const [, id, key] = /^created key (\S+) for project 1 \([^)]*\): (phx_\w+)\n/.exec(await keys(['create', '--label', 'temp'])) ?? []
    await keys(['revoke', id])
    expect((await list(key)).status).toBe(401)
    expect((await list(bootstrapKey)).status).toBe(200)
  })
})
