import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { SecretBox } from '../../src/store/secret-box'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { migrate } from '../../src/store/sqlite/migrations'
import type { FunctionWrite } from '../../src/store/types'

/** The actor of the changes these tests write straight into the store. */
const BY_TEST = { actor: { key_id: null, label: 'test' } }

const TOKEN = 'pina_VERYSECRETxq7Lw2Zk9Rt4Yb8Nc3Vd6Hf1Jg5Mp0Ss2Uu4Ww6Aa'

let dir: string
let file: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-secrets-'))
  file = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const fn = (token: string, name = 'Pinterest'): FunctionWrite => ({
  id: 'fn-1',
  project_id: 1,
  type: 'destination',
  name,
  description: '',
  enabled: true,
  deleted: false,
  template_id: 'template-pinterest-conversions-api',
  inputs: { ad_account_id: { value: '549755885175' } },
  secrets: { conversion_token: token },
  mappings: null,
  filters: null,
})

/** Every file of the folder, as bytes, and whether the token (or its base64) appears in any. */
function folderHolds(value: string): string[] {
  const needles = [value, Buffer.from(value).toString('base64'), Buffer.from(value).toString('base64url')].map((n) => Buffer.from(n))
  return fs.readdirSync(dir).filter((name) => {
    const bytes = fs.readFileSync(path.join(dir, name))
    return needles.some((needle) => bytes.includes(needle))
  })
}

describe('secret inputs at rest', () => {
  it('keeps the conversion token out of the database, its WAL and every other file, and reads it back', () => {
    const store = openSqliteStore(file)
    store.projects.create('Shop')
    store.functions.insert(fn(TOKEN), BY_TEST)
    for (const name of ['a', 'b', 'c', 'd']) store.functions.update(fn(TOKEN, name), BY_TEST)
    // Before any checkpoint: the rows are in the write-ahead log.
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0)
    expect(folderHolds(TOKEN)).toEqual([])
    expect(store.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    expect(store.functions.active()[0].secrets.conversion_token).toBe(TOKEN)
    store.close()
    expect(fs.readdirSync(dir).sort()).toEqual(['db.sqlite', 'db.sqlite.key'])
    expect(folderHolds(TOKEN)).toEqual([])
    // A control: the same search finds a value that is stored in clear.
    expect(folderHolds('549755885175')).toEqual(['db.sqlite'])
    const again = openSqliteStore(file)
    expect(again.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    again.close()
  })

  it('stores each value as enc:v1 with the key id, a fresh IV each time, bound to its row', () => {
    const store = openSqliteStore(file)
    store.projects.create('Shop')
    store.functions.insert(fn(TOKEN), BY_TEST)
    store.close()
    const db = new Database(file)
    const column = () => JSON.parse((db.prepare("SELECT secrets FROM hog_functions WHERE id = 'fn-1'").get() as { secrets: string }).secrets)
    const first = column().conversion_token as string
    expect(first).toMatch(/^enc:v1:[A-Za-z0-9_-]{8}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]{22}:[A-Za-z0-9_-]+$/)
    // Moving the sealed value to another function's row does not open it there.
    db.prepare(
      "INSERT INTO hog_functions (id, project_id, type, name, description, enabled, deleted, template_id, inputs, secrets, mappings, filters, created_at, updated_at) SELECT 'fn-2', project_id, type, name, description, enabled, deleted, template_id, inputs, secrets, mappings, filters, created_at, updated_at FROM hog_functions WHERE id = 'fn-1'",
    ).run()
    db.close()
    expect(() => openSqliteStore(file)).toThrow('the secret key does not decrypt the stored secrets: a value encrypted with key')
    const raw = new Database(file)
    raw.prepare("DELETE FROM hog_functions WHERE id = 'fn-2'").run()
    raw.close()
    const reopened = openSqliteStore(file)
    reopened.functions.update(fn(TOKEN), BY_TEST)
    reopened.close()
    const db2 = new Database(file)
    const second = JSON.parse((db2.prepare("SELECT secrets FROM hog_functions WHERE id = 'fn-1'").get() as { secrets: string }).secrets).conversion_token as string
    db2.close()
    expect(second.split(':')[2]).toBe(first.split(':')[2])
    expect(second.split(':')[3]).not.toBe(first.split(':')[3])
  })

  it('encrypts the clear-text secrets of an older database when it opens, leaving no clear copy', () => {
    // An older server's database, copied while open (as after kill -9): the rows still in its WAL.
    const old = path.join(dir, 'old')
    fs.mkdirSync(old)
    const db = new Database(path.join(old, 'db.sqlite'))
    db.pragma('journal_mode = WAL')
    migrate(db)
    db.prepare("INSERT INTO projects (name, api_token, created_at) VALUES ('Shop', 'phc_x', '2026-01-01')").run()
    db.prepare(
      `INSERT INTO hog_functions (id, project_id, type, name, description, enabled, deleted, template_id, inputs, secrets, mappings, filters, created_at, updated_at) VALUES ('fn-1', 1, 'destination', 'Pinterest', '', 1, 0, 't', '{}', ?, NULL, NULL, '2026-01-01', '2026-01-01')`,
    ).run(JSON.stringify({ conversion_token: TOKEN }))
    for (let i = 0; i < 3; i++) db.prepare("UPDATE hog_functions SET name = ?, secrets = ? WHERE id = 'fn-1'").run(`v${i}`, JSON.stringify({ conversion_token: TOKEN }))
    for (const name of ['db.sqlite', 'db.sqlite-wal']) fs.copyFileSync(path.join(old, name), path.join(dir, name))
    db.close()
    fs.rmSync(old, { recursive: true })
    expect(folderHolds(TOKEN)).toEqual(['db.sqlite-wal'])

    const reports: unknown[] = []
    const store = openSqliteStore(file, { onSecrets: (report) => reports.push(report) })
    expect(reports).toEqual([{ sealed: 1, resealed: 0, total: 1 }])
    expect(folderHolds(TOKEN)).toEqual([])
    expect(store.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    store.close()
    expect(folderHolds(TOKEN)).toEqual([])
    const again: unknown[] = []
    openSqliteStore(file, { onSecrets: (report) => again.push(report) }).close()
    expect(again).toEqual([{ sealed: 0, resealed: 0, total: 1 }])
  })

  it('uses a key given in the options, which another key cannot open', () => {
    const box = SecretBox.ephemeral()
    expect(box.open(box.seal(TOKEN, 'a'), 'a')).toBe(TOKEN)
    expect(() => box.open(box.seal(TOKEN, 'a'), 'b')).toThrow(/fails authentication/)
    expect(() => SecretBox.ephemeral().open(box.seal(TOKEN, 'a'), 'a')).toThrow(
      /^the secret key does not decrypt the stored secrets: a value was encrypted with key [A-Za-z0-9_-]{8}, and the key given is [A-Za-z0-9_-]{8}$/,
    )
  })
})
