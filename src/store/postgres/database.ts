import { SecretBox } from '../secret-box'
import { sharedSecretKeys } from '../secret-key'
import { type SealReport, sealStoredSecrets } from '../sql/sealed-secrets'
import { sqlStore } from '../sql/store'
import type { Store } from '../types'
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
    const report = sealStoredSecrets(db, box)
    options.onSecrets?.(report)
  } catch (error) {
    db.close()
    throw error
  }
  return sqlStore(db, box)
}
