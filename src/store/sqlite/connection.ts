import type Database from 'better-sqlite3'
import type { SqlConnection, SqlStatement } from '../sql/connection'

/** better-sqlite3 behind SqlConnection: its statements already have the shape. */
export class SqliteConnection implements SqlConnection {
  readonly dialect = 'sqlite'

  constructor(readonly raw: Database.Database) {}

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
    return this.raw.transaction(fn).immediate()
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
