import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { keysCommand } from '../../src/cli/keys'
import { projectsCommand } from '../../src/cli/projects'
import { UsageError } from '../../src/cli/usage'
import { OperatorError } from '../../src/errors'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { hashKey } from '../../src/store/tokens'

let dir: string
let db: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-admin-'))
  db = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

async function run(command: typeof keysCommand, args: string[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await command([...args, '--db', db], out, {})).toBe(0)
  return Buffer.concat(chunks).toString()
}

const fails = (command: typeof keysCommand, args: string[]) => command([...args, '--db', db], new PassThrough(), {})

async function newKey(args: string[]): Promise<{ id: string; key: string; output: string }> {
  const output = await run(keysCommand, ['create', ...args])
  const [, id, key] = /^created key ([0-9a-f-]{36}) for project \d+ \([^)]*\): (phx_[A-Za-z0-9]{43})\n/.exec(output) ?? []
  return { id, key, output }
}

describe('projects commands', () => {
  it('creates projects and lists their ids, names and project tokens', async () => {
    expect(await run(projectsCommand, ['create', 'Shop'])).toMatch(/^created project 1\n {2}project token \(capture\): phc_[A-Za-z0-9]{43}\n$/)
    await run(projectsCommand, ['create', 'Blog two'])
    const store = openSqliteStore(db)
    const [shop, blog] = store.projects.list()
    store.close()
    const lines = (await run(projectsCommand, ['list'])).split('\n')
    expect(lines[0]).toMatch(/^ID {2}NAME {6}PROJECT TOKEN +CREATED$/)
    expect(lines[1]).toBe(`1   Shop      ${shop.api_token}  ${shop.created_at.replace(/\.\d+Z$/, 'Z')}`)
    expect(lines[2]).toBe(`2   Blog two  ${blog.api_token}  ${blog.created_at.replace(/\.\d+Z$/, 'Z')}`)
    expect(lines).toHaveLength(4)
  })

  it('reports a missing database and a missing name', async () => {
    await expect(fails(projectsCommand, ['list'])).rejects.toThrow(new OperatorError(`no database at ${db} (give --db FILE or set PIPELINES_DB)`))
    await expect(fails(projectsCommand, ['create'])).rejects.toThrow(new UsageError('projects', 'projects create needs one NAME (quote a name with spaces)'))
    await expect(fails(projectsCommand, ['delete'])).rejects.toThrow(new UsageError('projects', 'unknown projects command; expected one of: list, create'))
  })
})

describe('keys commands', () => {
  beforeEach(() => run(projectsCommand, ['create', 'Shop']))

  it('creates a key shown once, whose hash alone is stored', async () => {
    const { id, key, output } = await newKey(['--label', 'ci', '--scopes', 'hog_function:read'])
    expect(output).toBe(`created key ${id} for project 1 (hog_function:read): ${key}\n  it is shown only now; it is stored hashed\n`)
    const store = openSqliteStore(db)
    expect(store.keys.find(key)).toMatchObject({ id, project_id: 1, label: 'ci', scopes: ['hog_function:read'], last_used_at: null })
    store.close()
    const files = fs.readdirSync(dir).map((f) => fs.readFileSync(path.join(dir, f)))
    expect(files.some((bytes) => bytes.includes(Buffer.from(key)))).toBe(false)
  })

  it('lists id, project, label, scopes, creation and last use, never the key or its hash', async () => {
    const ci = await newKey(['--label', 'ci', '--scopes', 'hog_function:read'])
    const deploy = await newKey(['--label', 'deploy'])
    const store = openSqliteStore(db)
    const created = store.keys.list().map((k) => k.created_at.replace(/\.\d+Z$/, 'Z'))
    store.keys.recordUse(deploy.id, Date.parse('2026-12-01T09:30:15.250Z'))
    store.close()
    const listing = await run(keysCommand, ['list'])
    expect(listing.split('\n')).toEqual([
      'ID                                    PROJECT  LABEL   SCOPES                                                           CREATED               LAST USED',
      `${ci.id}  1        ci      hog_function:read                                                ${created[0]}  never`,
      `${deploy.id}  1        deploy  hog_function:read,hog_function:write,project:read,project:write  ${created[1]}  2026-12-01T09:30:15Z`,
      '',
    ])
    for (const secret of [ci.key, deploy.key, hashKey(ci.key), hashKey(deploy.key)]) expect(listing).not.toContain(secret)
  })

  it('revokes a key by its id or by the key itself', async () => {
    const ci = await newKey(['--label', 'ci'])
    const leaked = await newKey(['--label', 'leaked'])
    expect(await run(keysCommand, ['revoke', ci.id])).toBe(`revoked key ${ci.id} (ci) of project 1\n`)
    expect(await run(keysCommand, ['revoke', leaked.key])).toBe(`revoked key ${leaked.id} (leaked) of project 1\n`)
    const store = openSqliteStore(db)
    expect(store.keys.list()).toEqual([])
    store.close()
    await expect(fails(keysCommand, ['revoke', ci.id])).rejects.toThrow(new UsageError('keys', 'no key has this id (see keys list)'))
  })

  it('reports usage mistakes without repeating what was given', async () => {
    await expect(fails(keysCommand, ['create'])).rejects.toThrow(new UsageError('keys', 'keys create needs --label LABEL (it tells keys apart in keys list)'))
    await expect(fails(keysCommand, ['create', '--label', 'x', '--project', '9'])).rejects.toThrow(new UsageError('keys', '--project: expected the id of an existing project (see projects list)'))
    await expect(fails(keysCommand, ['create', '--label', 'x', '--scopes', 'phx_pasted'])).rejects.toThrow(
      new UsageError('keys', '--scopes: a scope is not known; known: hog_function:read, hog_function:write, project:read, project:write'),
    )
    await expect(fails(keysCommand, ['revoke'])).rejects.toThrow(new UsageError('keys', 'keys revoke needs one key ID (see keys list)'))
    await expect(fails(keysCommand, ['list', '--verbose'])).rejects.toThrow(new UsageError('keys', 'unknown option --verbose'))
    await expect(fails(keysCommand, [])).rejects.toThrow(new UsageError('keys', 'keys needs one of: list, create, revoke'))
  })

  it('asks for --project when the database has several projects', async () => {
    await run(projectsCommand, ['create', 'Blog'])
    await expect(fails(keysCommand, ['create', '--label', 'x'])).rejects.toThrow(new UsageError('keys', 'the database has 2 projects: name one with --project ID'))
    expect((await newKey(['--label', 'x', '--project', '2'])).output).toContain('for project 2 (hog_function:read, hog_function:write, project:read, project:write)')
  })
})
