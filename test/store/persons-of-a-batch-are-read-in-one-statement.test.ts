import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { SyncPgConnection } from '../../src/store/postgres/sync-connection'
import type { SqlConnection } from '../../src/store/sql/connection'
import { SqlPersonStore } from '../../src/store/sql/persons'
import { SqliteConnection } from '../../src/store/sqlite/connection'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'
import { countingConnection } from './queue/counting-connection'

describe.each(STORE_KINDS)('persons of several distinct ids, on %s', (kind) => {
  let opened: TestStore
  beforeEach(async () => {
    opened = await openTestStore(kind)
  })
  const dirs: string[] = []
  afterEach(async () => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
    await opened.close()
  })

  /** A second connection to a migrated database: Postgres's of the test, or a SQLite file's (one in memory is not shared). */
  const connect = (): SqlConnection => {
    if (kind === 'postgres') return new SyncPgConnection(opened.location)
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'persons-'))
    dirs.push(dir)
    const file = path.join(dir, 'store.sqlite')
    openSqliteStore(file).close()
    return new SqliteConnection(new Database(file))
  }

  it('are found by distinct id, several ids of one person each, other projects and unknown ids left out', () => {
    const { store } = opened
    const [p, q] = [store.projects.create('P').id, store.projects.create('Q').id]
    store.persons.write(p, {
      persons: [
        { id: 'person-1', properties: '{"email":"jane@x.example"}' },
        { id: 'person-2', properties: '{}' },
      ],
      links: [
        { distinctId: 'jane', personId: 'person-1' },
        { distinctId: 'anon-1', personId: 'person-1' },
        { distinctId: 'bob', personId: 'person-2' },
      ],
      merged: [],
    })
    store.persons.write(q, { persons: [{ id: 'person-q', properties: '{}' }], links: [{ distinctId: 'carl', personId: 'person-q' }], merged: [] })

    const found = store.persons.findMany(p, ['jane', 'anon-1', 'carl', 'nobody', "o'brien"])
    expect([...found.entries()].sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['anon-1', { id: 'person-1', properties: { email: 'jane@x.example' }, bytes: 26 }],
      ['jane', { id: 'person-1', properties: { email: 'jane@x.example' }, bytes: 26 }],
    ])
    expect(store.persons.findMany(p, []).size).toBe(0)
    expect(store.persons.findMany(q, ['carl', 'jane']).get('carl')?.id).toBe('person-q')
  })

  it('are read in one statement for a thousand distinct ids', () => {
    const { db, statements } = countingConnection(connect())
    try {
      const persons = new SqlPersonStore(db)
      const ids = Array.from({ length: 1_000 }, (_, i) => `d-${i}`)
      persons.write(1, { persons: [{ id: 'person-7', properties: '{}' }], links: [{ distinctId: 'd-7', personId: 'person-7' }], merged: [] })
      statements.splice(0)
      const found = persons.findMany(1, ids)
      expect([statements.length, [...found.keys()]]).toEqual([1, ['d-7']])
    } finally {
      db.close()
    }
  })
})
