import type { SecretBox } from '../secret-box'
import type { Store } from '../types'
import { SqlAlertStore } from './alerts'
import type { SqlConnection } from './connection'
import { SqlDeliveryQueue } from './deliveries'
import { SqlEventQueue } from './events'
import { SqlFunctionStore } from './functions'
import { SqlHoldStore } from './holds'
import { SqlJobStore } from './jobs'
import { SqlKeyStore } from './keys'
import { SqlLogStore, SqlMetricStore } from './observability'
import { SqlPersonStore } from './persons'
import { SqlProjectStore } from './projects'
import { SqlQualityStore } from './quality'
import { SESSION_LIFETIME_MS, SqlSessionStore } from './sessions'

/** Every store over one connection, migrated and with its secrets sealed: SQLite's and Postgres's alike. */
export function sqlStore(db: SqlConnection, box: SecretBox): Store {
  const deliveries = new SqlDeliveryQueue(db)
  return {
    projects: new SqlProjectStore(db),
    keys: new SqlKeyStore(db),
    sessions: new SqlSessionStore(db, SESSION_LIFETIME_MS),
    functions: new SqlFunctionStore(db, box),
    persons: new SqlPersonStore(db),
    events: new SqlEventQueue(db),
    deliveries,
    holds: new SqlHoldStore(db),
    logs: new SqlLogStore(db),
    metrics: new SqlMetricStore(db),
    quality: new SqlQualityStore(db),
    jobs: new SqlJobStore(db, deliveries),
    alerts: new SqlAlertStore(db, box),
    transaction: <T>(fn: () => T): T => db.transaction(fn),
    close: () => db.close(),
  }
}
