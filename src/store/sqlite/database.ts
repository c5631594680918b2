import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Store } from '../types'
import { SqliteDeliveryQueue } from './deliveries'
import { SqliteEventQueue } from './events'
import { SqliteFunctionStore } from './functions'
import { SqliteKeyStore } from './keys'
import { migrate } from './migrations'
import { SqliteLogStore, SqliteMetricStore } from './observability'
import { SqlitePersonStore } from './persons'
import { SqliteProjectStore } from './projects'

/** Opens (creating it if needed) the SQLite database at `path` (`:memory:` for tests), migrated. */
export function openSqliteStore(path: string): Store {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true })
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  // WAL with synchronous=NORMAL is durable across process crashes; only a power loss can drop the last commits.
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  migrate(db)
  return {
    projects: new SqliteProjectStore(db),
    keys: new SqliteKeyStore(db),
    functions: new SqliteFunctionStore(db),
    persons: new SqlitePersonStore(db),
    events: new SqliteEventQueue(db),
    deliveries: new SqliteDeliveryQueue(db),
    logs: new SqliteLogStore(db),
    metrics: new SqliteMetricStore(db),
    // IMMEDIATE takes the write lock up front: a deferred transaction that reads first and writes later
    // fails at once with SQLITE_BUSY when the other thread committed in between, instead of waiting.
    transaction: <T>(fn: () => T): T => db.transaction(fn).immediate(),
    close: () => db.close(),
  }
}
