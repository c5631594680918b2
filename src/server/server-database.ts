import { existsSync, rmSync } from 'node:fs'
import { OperatorError } from '../errors'
import { openStore } from '../store/open-store'
import { AdvisoryLocks } from '../store/postgres/advisory-locks'
import { isPostgresUrl } from '../store/postgres/database'
import { keyFilePath, resolveSecretKeys, sharedSecretKeys } from '../store/secret-key'
import { databaseFiles } from '../store/sqlite/database'
import { lockDatabase } from '../store/sqlite/database-lock'
import type { Store } from '../store/types'

/** What a server process runs: everything, the HTTP side (REST API, page, capture), or mapping and delivery. */
export type ServerRole = 'all' | 'api' | 'worker'
export const SERVER_ROLES: readonly ServerRole[] = ['all', 'api', 'worker']

/** The server's database, opened for one process of its role. */
export interface ServerDatabase {
  store: Store
  /** The keys the pipeline thread's own connection is opened with. */
  secretKeys: readonly Uint8Array[]
  /** Postgres: the locks of what one process of the cluster does at a time (project 1's creation, alerts). */
  locks?: AdvisoryLocks
  /** Postgres: the URL other connections of this process (listeners, the pipeline thread) open. */
  url?: string
  /** The start failed: leaves nothing behind (a first SQLite start removes its files, so the next one prints project 1 again). */
  abandon(): void
  close(): void
}

/** Opens the database of a `serve` process: `dbPath` is a SQLite file (or `:memory:`) or a `postgres://` URL. */
export function openServerDatabase(dbPath: string, role: ServerRole, env: NodeJS.ProcessEnv): ServerDatabase {
  if (isPostgresUrl(dbPath)) return openPostgres(dbPath, role, env)
  if (role !== 'all') throw new OperatorError(`--role ${role} needs a Postgres database (--db postgres://... or DATABASE_URL): one process owns a SQLite file and runs every role`)
  return openSqlite(dbPath, env)
}

function openPostgres(url: string, role: ServerRole, env: NodeJS.ProcessEnv): ServerDatabase {
  // Every process of every machine seals and opens secrets with the same key, so it cannot come from a file.
  const { keys: secretKeys } = sharedSecretKeys(env)
  const store = openStore(url, { secretKeys, applicationName: `pinterest-capi ${role}` })
  let locks: AdvisoryLocks
  try {
    locks = new AdvisoryLocks(url, `pinterest-capi ${role} locks`)
  } catch (error) {
    store.close()
    throw error
  }
  const close = () => {
    store.close()
    locks.close()
  }
  return { store, secretKeys, locks, url, abandon: close, close }
}

function openSqlite(dbPath: string, env: NodeJS.ProcessEnv): ServerDatabase {
  const onDisk = dbPath !== ':memory:'
  // Only one server per database: two would both deliver every event. Taken before anything is written.
  const lock = onDisk ? lockDatabase(dbPath) : undefined
  const fresh = onDisk && !existsSync(dbPath)
  const hadKeyFile = onDisk && existsSync(keyFilePath(dbPath))
  const removeFresh = () => {
    if (fresh) for (const file of databaseFiles(dbPath)) rmSync(file, { force: true })
    if (fresh && !hadKeyFile) rmSync(keyFilePath(dbPath), { force: true })
  }
  let store: Store
  let secretKeys: readonly Uint8Array[]
  try {
    // Resolved once: the pipeline thread's connection gets the same keys (and a first start makes one key file).
    secretKeys = resolveSecretKeys(dbPath, env).keys
    store = openStore(dbPath, { secretKeys })
  } catch (error) {
    removeFresh()
    lock?.release()
    throw error
  }
  return {
    store,
    secretKeys,
    abandon: () => {
      store.close()
      removeFresh()
      lock?.release()
    },
    close: () => {
      store.close()
      lock?.release()
    },
  }
}
