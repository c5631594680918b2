import { OperatorError } from '../../errors'
import { SecretBox } from '../secret-box'
import { sharedSecretKeys } from '../secret-key'
import { type SealReport, sealStoredSecrets } from '../sql/sealed-secrets'
import { sqlStore } from '../sql/store'
import type { Store } from '../types'
import { LOCK_KEYS } from './lock-keys'
import { migratePostgres } from './migrations'
import { SyncPgConnection } from './sync-connection'

export interface PostgresStoreOptions {
  /** The keys of the secret inputs; by default PIPELINES_SECRET_KEY from `env`. */
  secretKeys?: readonly Uint8Array[]
  env?: NodeJS.ProcessEnv
  /** Told what opening did to the stored secrets. */
  onSecrets?: (report: SealReport) => void
  /** Shown in pg_stat_activity: which role and process a connection belongs to. */
  applicationName?: string
}

/** `postgres://` or `postgresql://`: what `--db` and DATABASE_URL take for Postgres. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value)
}

/** Opens the Postgres database at `url`, migrated (safely while other processes start too). */
export function openPostgresStore(url: string, options: PostgresStoreOptions = {}): Store {
  const box = new SecretBox(options.secretKeys ?? sharedSecretKeys(options.env ?? process.env).keys)
  const db = new SyncPgConnection(url, { applicationName: options.applicationName })
  try {
    migratePostgres(db)
    const report = db.transaction(() => {
      db.prepare('SELECT pg_advisory_xact_lock_shared(?)').get(LOCK_KEYS.secretKeys)
      return sealStoredSecrets(db, box)
    })
    options.onSecrets?.(report)
  } catch (error) {
    db.close()
    throw error
  }
  return sqlStore(db, box)
}

/** Every connection of this project's processes is named so in pg_stat_activity (servers, their threads, commands). */
const OUR_CONNECTIONS = 'pinterest-capi%'

/**
 * `secrets rotate-key` on Postgres: every stored secret sealed again with the first of `keys` (the others
 * open what is there), in one transaction. It refuses while another process of this project is connected
 * (a running server would go on sealing with the old key); a process that starts meanwhile waits for it at
 * its own sealing, then finds the new key's values.
 */
export function resealPostgresSecrets(url: string, keys: readonly Uint8Array[]): SealReport {
  const db = new SyncPgConnection(url, { applicationName: 'pinterest-capi secrets' })
  try {
    migratePostgres(db)
    return db.transaction(() => {
      db.prepare('SELECT pg_advisory_xact_lock(?)').get(LOCK_KEYS.secretKeys)
      // Counted under the lock: a process whose sealing came first is still connected, and so is one waiting for it.
      const others = db
        .prepare('SELECT DISTINCT application_name AS name FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE ? ORDER BY 1')
        .all(OUR_CONNECTIONS) as { name: string }[]
      if (others.length > 0) {
        throw new OperatorError(`the database is in use (${others.map((o) => o.name).join(', ')}): stop every server process first, since a running server keeps the old key`)
      }
      return sealStoredSecrets(db, new SecretBox(keys))
    })
  } finally {
    db.close()
  }
}
