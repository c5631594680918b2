import type Database from 'better-sqlite3'
import type { SqlConnection, SqlStatement } from '../sql/connection'

/** How long a statement waits for another connection's write lock before it fails with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000

// Atomics.wait needs shared memory to wait on; nothing ever wakes it, so it is a pause of at most its timeout.
const PAUSE = new Int32Array(new SharedArrayBuffer(4))
const FIRST_PAUSE_MS = 0.05
const LONGEST_PAUSE_MS = 1

/** better-sqlite3 behind SqlConnection: its statements already have the shape. */
export class SqliteConnection implements SqlConnection {
  readonly dialect = 'sqlite'
  private readonly begin: Database.Statement
  private readonly commit: Database.Statement
  private readonly rollback: Database.Statement
  private readonly noWait: Database.Statement
  private readonly wait: Database.Statement

  constructor(readonly raw: Database.Database) {
    this.begin = raw.prepare('BEGIN IMMEDIATE')
    this.commit = raw.prepare('COMMIT')
    this.rollback = raw.prepare('ROLLBACK')
    this.noWait = raw.prepare('PRAGMA busy_timeout = 0')
    this.wait = raw.prepare(`PRAGMA busy_timeout = ${BUSY_TIMEOUT_MS}`)
  }

  prepare(sql: string): SqlStatement {
    return this.raw.prepare(sql) as unknown as SqlStatement
  }

  exec(sql: string): void {
    this.raw.exec(sql)
  }

  // IMMEDIATE takes the write lock up front: a deferred transaction that reads first and writes later
  // fails at once with SQLITE_BUSY when the other thread committed in between, instead of waiting.
  // Inside another transaction, better-sqlite3 makes it a savepoint.
  transaction<T>(fn: () => T): T {
    if (this.raw.inTransaction) return this.raw.transaction(fn)()
    this.beginImmediate()
    try {
      const result = fn()
      if (result instanceof Promise) throw new TypeError('a transaction runs synchronous code only')
      this.commit.run()
      return result
    } catch (error) {
      if (this.raw.inTransaction) this.rollback.run()
      throw error
    }
  }

  /**
   * Takes the write lock, trying again after 50 µs, doubling to 1 ms. SQLite's own wait sleeps 1, 2, 5, 10 ms
   * and more between tries: with capture and the two pipeline threads writing in turn, most of a thread's
   * wait was sleep after the lock was free again.
   */
  private beginImmediate(): void {
    this.noWait.get()
    try {
      const deadline = performance.now() + BUSY_TIMEOUT_MS
      for (let pauseMs = FIRST_PAUSE_MS; ; pauseMs = Math.min(2 * pauseMs, LONGEST_PAUSE_MS)) {
        try {
          this.begin.run()
          return
        } catch (error) {
          if ((error as { code?: string }).code !== 'SQLITE_BUSY' || performance.now() > deadline) throw error
        }
        Atomics.wait(PAUSE, 0, 0, pauseMs)
      }
    } finally {
      this.wait.get()
    }
  }

  erasing<T>(fn: () => T): T {
    const previous = this.raw.pragma('secure_delete', { simple: true }) as number
    this.raw.pragma('secure_delete = ON')
    try {
      return fn()
    } finally {
      this.raw.pragma(`secure_delete = ${previous === 2 ? 'FAST' : previous}`)
    }
  }

  close(): void {
    this.raw.close()
  }
}
