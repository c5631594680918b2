import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'

let dir: string
let umask: number

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-modes-'))
  // The most permissive umask: the modes must come from the store, not from the environment.
  umask = process.umask(0)
})

afterEach(() => {
  process.umask(umask)
  fs.rmSync(dir, { recursive: true, force: true })
})

const mode = (file: string) => fs.statSync(file).mode & 0o777

describe('database files', () => {
  it('are 0600 (database, WAL, shared memory, key), in a 0700 folder the store creates', () => {
    const file = path.join(dir, 'data', 'db.sqlite')
    const store = openSqliteStore(file)
    store.projects.create('Shop')
    expect(mode(path.join(dir, 'data'))).toBe(0o700)
    expect(fs.readdirSync(path.join(dir, 'data')).sort()).toEqual(['db.sqlite', 'db.sqlite-shm', 'db.sqlite-wal', 'db.sqlite.key'])
    for (const name of fs.readdirSync(path.join(dir, 'data'))) expect([name, mode(path.join(dir, 'data', name))]).toEqual([name, 0o600])
    store.close()
    // A later open makes a new WAL and shared memory file: private as well.
    const again = openSqliteStore(file)
    again.projects.create('Other')
    expect([mode(`${file}-wal`), mode(`${file}-shm`)]).toEqual([0o600, 0o600])
    again.close()
  })

  it('makes the files of an existing database and its key file private when it opens', () => {
    const file = path.join(dir, 'db.sqlite')
    fs.writeFileSync(`${file}.key`, `${Buffer.alloc(32, 7).toString('base64')}\n`, { mode: 0o644 })
    const old = new Database(file)
    old.pragma('journal_mode = WAL')
    old.exec('CREATE TABLE t (x)')
    expect(mode(file)).toBe(0o644)
    old.close()
    const store = openSqliteStore(file)
    store.projects.create('Shop')
    expect([mode(file), mode(`${file}-wal`), mode(`${file}-shm`), mode(`${file}.key`)]).toEqual([0o600, 0o600, 0o600, 0o600])
    store.close()
  })
})
