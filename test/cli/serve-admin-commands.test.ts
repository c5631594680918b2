import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { adminCommand } from '../../src/cli/serve'
import { ConfigError } from '../../src/errors'
import { openSqliteStore } from '../../src/store/sqlite/database'

let dir: string
let db: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-admin-'))
  db = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

async function run(kind: 'projects' | 'keys', args: string[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await adminCommand(kind, [...args, '--db', db], out)).toBe(0)
  return Buffer.concat(chunks).toString()
}

describe('projects and keys commands', () => {
  it('creates a project and a key whose hash alone is stored', async () => {
    const project = await run('projects', ['create', 'Shop'])
    expect(project).toMatch(/^created project 1\n {2}project token \(capture\): phc_[A-Za-z0-9]{43}\n$/)
    const key = await run('keys', ['create', '--project', '1', '--scopes', 'hog_function:read'])
    const plain = /: (phx_[A-Za-z0-9]{43})\n/.exec(key)?.[1] as string
    expect(key).toContain('for project 1 (hog_function:read)')
    const store = openSqliteStore(db)
    expect(store.keys.find(plain)).toMatchObject({ project_id: 1, scopes: ['hog_function:read'] })
    store.close()
    // The database and its write-ahead log hold the key's hash, never the key.
    const files = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)))
    expect(files.some((bytes) => bytes.includes(Buffer.from('phc_')))).toBe(true)
    expect(files.some((bytes) => bytes.includes(Buffer.from(plain)))).toBe(false)
  })

  it('names the bad argument', async () => {
    await run('projects', ['create', 'Shop'])
    await expect(adminCommand('keys', ['create', '--project', '9', '--db', db], new PassThrough())).rejects.toThrow(new ConfigError('--project', 'expected the id of an existing project'))
    await expect(adminCommand('keys', ['create', '--project', '1', '--scopes', 'admin', '--db', db], new PassThrough())).rejects.toThrow(/^--scopes: unknown scope admin/)
  })
})
