import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type ServerProcess, spawnServer } from '../helpers/server-process'

jest.setTimeout(60_000)

const PROJECT_TOKEN = 'phc_max_db_size_project'
let dir: string
let server: ServerProcess | undefined

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-max-db-size-'))
})

afterEach(async () => {
  server?.child.kill('SIGKILL')
  await server?.exited
  fs.rmSync(dir, { recursive: true, force: true })
})

describe('--max-db-size', () => {
  it('makes capture answer 503 with Retry-After once the database is that large', async () => {
    server = await spawnServer(['--db', path.join(dir, 'db.sqlite'), '--api-url', 'http://127.0.0.1:9', '--max-db-size', '1KB'], { PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN })
    const answer = await fetch(`${server.url}/e/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: PROJECT_TOKEN, event: 'x', distinct_id: 'a' }) })
    expect(answer.status).toBe(503)
    expect(answer.headers.get('retry-after')).toBe('30')
    expect(await answer.json()).toEqual({ type: 'server_error', code: 'storage_full', detail: 'The server has reached its storage limit; try again later.', attr: null })
    expect((await fetch(`${server.url}/_health`)).status).toBe(200)
  })
})
