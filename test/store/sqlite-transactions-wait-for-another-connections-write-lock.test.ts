import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Worker } from 'node:worker_threads'
import { BUSY_TIMEOUT_MS, SqliteConnection } from '../../src/store/sqlite/connection'

jest.setTimeout(30_000)

// Another connection on its own thread, holding the write lock for `holdMs` with its row written inside.
const HOLDER = `
const Database = require(${JSON.stringify(require.resolve('better-sqlite3'))})
const { parentPort, workerData } = require('node:worker_threads')
const db = new Database(workerData.file)
db.pragma('busy_timeout = 0')
db.prepare('BEGIN IMMEDIATE').run()
db.prepare("INSERT INTO rows (who) VALUES ('holder')").run()
parentPort.postMessage('locked')
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, workerData.holdMs)
db.prepare('COMMIT').run()
db.close()
`

let dir: string
let file: string
let db: Database.Database
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sqlite-lock-'))
  file = path.join(dir, 'db.sqlite')
  db = new Database(file)
  db.pragma('journal_mode = WAL')
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, who TEXT NOT NULL)')
})
afterEach(() => {
  db.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

async function holdLock(holdMs: number): Promise<Worker> {
  const worker = new Worker(HOLDER, { eval: true, workerData: { file, holdMs } })
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
  })
  return worker
}

const whoWrote = () => (db.prepare('SELECT who FROM rows ORDER BY id').all() as { who: string }[]).map((row) => row.who)

describe('a SQLite transaction while another connection writes', () => {
  it('waits for the lock and commits after the other, then statements wait as long as before', async () => {
    const connection = new SqliteConnection(db)
    const holder = await holdLock(300)
    const exited = new Promise((resolve) => holder.once('exit', resolve))
    connection.transaction(() => db.prepare("INSERT INTO rows (who) VALUES ('waiter')").run())
    await exited
    expect(whoWrote()).toEqual(['holder', 'waiter'])
    // Its tries do not wait inside SQLite; once the lock is taken, the connection's own timeout is back.
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS)
  })

  it('gives up with SQLITE_BUSY when the lock stays taken past the timeout, writing nothing and keeping the timeout', async () => {
    const connection = new SqliteConnection(db)
    const holder = await holdLock(BUSY_TIMEOUT_MS + 3_000)
    const exited = new Promise((resolve) => holder.once('exit', resolve))
    let ran = false
    const started = Date.now()
    expect(() =>
      connection.transaction(() => {
        ran = true
      }),
    ).toThrow(expect.objectContaining({ code: 'SQLITE_BUSY' }))
    const waitedMs = Date.now() - started
    expect(ran).toBe(false)
    expect(waitedMs).toBeGreaterThanOrEqual(BUSY_TIMEOUT_MS - 50)
    expect(db.inTransaction).toBe(false)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(BUSY_TIMEOUT_MS)
    await exited
    expect(whoWrote()).toEqual(['holder'])
  })

  it('rolls back what it wrote when its function throws, and nested transactions are savepoints', () => {
    const connection = new SqliteConnection(db)
    const insert = db.prepare('INSERT INTO rows (who) VALUES (?)')
    expect(() =>
      connection.transaction(() => {
        insert.run('outer')
        throw new Error('stop')
      }),
    ).toThrow('stop')
    connection.transaction(() => {
      insert.run('kept')
      expect(() =>
        connection.transaction(() => {
          insert.run('inner')
          throw new Error('inner stop')
        }),
      ).toThrow('inner stop')
    })
    expect(whoWrote()).toEqual(['kept'])
    expect(db.inTransaction).toBe(false)
  })
})
