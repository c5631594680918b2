import type { SqlConnection } from './connection'

/**
 * Saved configuration changed: on Postgres, other processes are told in the same transaction (NOTIFY is
 * sent at its commit) and the version they poll after a reconnect moves. SQLite has one process: nothing to tell.
 */
export function configChanged(db: SqlConnection): void {
  if (db.dialect !== 'postgres') return
  db.exec('UPDATE config_version SET version = version + 1 WHERE id = 1; NOTIFY pinterest_capi_config')
}
