import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { DatabaseInUseError, lockDatabase } from '../../src/store/sqlite/database-lock'

let dir: string
let db: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-lock-'))
  db = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const holder = { pid: 4242, host: os.hostname(), command: 'pinterest-capi serve --port 8010', started_at: '2026-12-01T10:00:00.000Z' }

describe('the database lock', () => {
  it('refuses a second holder, naming the first, until the first releases it', () => {
    const first = lockDatabase(db, holder)
    let refused: unknown
    try {
      lockDatabase(db)
    } catch (error) {
      refused = error
    }
    expect(refused).toBeInstanceOf(DatabaseInUseError)
    expect((refused as Error).message).toBe(
      `the database ${db} is in use by process 4242 (pinterest-capi serve --port 8010, started 2026-12-01T10:00:00.000Z): stop that server first, or give this one another --db`,
    )
    first.release()
    const second = lockDatabase(db)
    second.release()
  })

  it('names the host when the holder runs elsewhere', () => {
    const first = lockDatabase(db, { ...holder, host: 'other-host' })
    expect(() => lockDatabase(db)).toThrow(/in use by process 4242 on host other-host \(/)
    first.release()
  })

  it('guards each database on its own', () => {
    const a = lockDatabase(db)
    const b = lockDatabase(path.join(dir, 'other.sqlite'))
    a.release()
    b.release()
    expect(fs.statSync(`${db}.lock`).mode & 0o777).toBe(0o600)
  })
})
