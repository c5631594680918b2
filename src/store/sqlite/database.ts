import Database from 'better-sqlite3'
import { chmodSync, closeSync, existsSync, openSync } from 'node:fs'
import { ensureFolderOf, PRIVATE_FILE_MODE } from '../private-files'
import { SecretBox } from '../secret-box'
import { resolveSecretKeys } from '../secret-key'
import { type SealReport, sealStoredSecrets } from '../sql/sealed-secrets'
import { sqlStore } from '../sql/store'
import type { Store } from '../types'
import { BUSY_TIMEOUT_MS, SqliteConnection } from './connection'
import { migrate } from './migrations'

export interface SqliteStoreOptions {
  /**
   * The keys of the secret inputs, the first sealing new values (see src/store/secret-key.ts). By default
   * PIPELINES_SECRET_KEY from `env`, else the key file beside the database. Two connections to one file
   * (the HTTP thread's and the pipeline thread's) are given the same keys.
   */
  secretKeys?: readonly Uint8Array[]
  env?: NodeJS.ProcessEnv
  /** Told what opening did to the stored secrets (sealed clear values, re-sealed values of an older key). */
  onSecrets?: (report: SealReport) => void
}

/** The keys a second connection to the same file (the pipeline thread's) is opened with. */
export interface StoreKeys {
  secretKeys: readonly Uint8Array[]
}

export function databaseFiles(path: string): string[] {
  return [path, `${path}-wal`, `${path}-shm`]
}

/**
 * Creates the folder (0700) and the database file (0600) before SQLite does: SQLite gives its -wal and
 * -shm files the mode of the database file, so they are private from their first byte.
 */
function prepareFiles(path: string): void {
  ensureFolderOf(path)
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE))
  restrictFiles(path)
}

function restrictFiles(path: string): void {
  for (const file of databaseFiles(path)) if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE)
}

/** Opens (creating it if needed) the SQLite database at `path` (`:memory:` for tests), migrated. */
export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const onDisk = path !== ':memory:'
  const box = new SecretBox(options.secretKeys ?? resolveSecretKeys(path, options.env ?? process.env).keys)
  if (onDisk) prepareFiles(path)
  const db = new Database(path)
  try {
    db.pragma('journal_mode = WAL')
    if (onDisk) restrictFiles(path)
    // WAL with synchronous=NORMAL is durable across process crashes; only a power loss can drop the last commits.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`)
    // Deleted rows (pruned events, replaced secrets) are zeroed where that costs no extra writes.
    db.pragma('secure_delete = FAST')
    migrate(db)
    sealSecretsAtOpen(db, box, options.onSecrets)
  } catch (error) {
    db.close()
    throw error
  }
  return sqlStore(new SqliteConnection(db), box)
}

/**
 * Checks that every stored secret opens with the keys given (a wrong key stops the start here, not at the
 * first delivery) and seals clear values left by older versions. When values were rewritten, their old
 * bytes are overwritten (secure_delete) and the log is checkpointed, so no clear copy stays in the files.
 */
function sealSecretsAtOpen(db: Database.Database, box: SecretBox, onSecrets: SqliteStoreOptions['onSecrets']): void {
  db.pragma('secure_delete = ON')
  const report = sealStoredSecrets(new SqliteConnection(db), box)
  db.pragma('secure_delete = FAST')
  if (report.sealed + report.resealed > 0) db.pragma('wal_checkpoint(TRUNCATE)')
  onSecrets?.(report)
}
