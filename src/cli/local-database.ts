import { existsSync } from 'node:fs'
import { ConfigError, OperatorError } from '../errors'
import { openStore } from '../store/open-store'
import { isPostgresUrl } from '../store/postgres/database'
import type { Store } from '../store/types'
import { UsageError } from './usage'

/** The server's database when none is named. */
export const DEFAULT_DB = './data/pipelines.sqlite'

/**
 * The database a command works on: `--db`, else PIPELINES_DB, else DATABASE_URL (a Postgres URL, as
 * hosting platforms set it), else the server's default file. A `postgres://` URL is Postgres, anything else a SQLite file.
 */
export function databasePath(given: string | undefined, env: NodeJS.ProcessEnv): string {
  const fromUrl = env.DATABASE_URL?.trim() || undefined
  if (given === undefined && env.PIPELINES_DB === undefined && fromUrl !== undefined) {
    if (!isPostgresUrl(fromUrl)) throw new ConfigError('DATABASE_URL', 'expected a postgres:// or postgresql:// URL')
    return fromUrl
  }
  return given ?? env.PIPELINES_DB ?? DEFAULT_DB
}

/**
 * Opens an existing database, for commands that read or change what a server made. They may run beside a
 * running server: SQLite (WAL) lets both connections work, each write waiting for the other's.
 */
export function openExistingStore(path: string, env: NodeJS.ProcessEnv): Store {
  if (!isPostgresUrl(path) && !existsSync(path)) throw new OperatorError(`no database at ${path} (give --db FILE or set PIPELINES_DB)`)
  return openStore(path, { env, applicationName: 'pinterest-capi cli' })
}

/** Runs `fn` with the store open, closing it afterwards. */
export function withStore<T>(store: Store, fn: (store: Store) => T): T {
  try {
    return fn(store)
  } finally {
    store.close()
  }
}

/** The project named with --project, or the only one: with several, guessing could act on the wrong one. */
export function chooseProject(command: string, store: Store, given: string | undefined): number {
  if (given !== undefined) {
    const id = Number(given)
    if (!Number.isInteger(id) || !store.projects.get(id)) throw new UsageError(command, '--project: expected the id of an existing project (see projects list)')
    return id
  }
  const count = store.projects.count()
  const only = count === 1 ? store.projects.list()[0] : undefined
  if (!only) throw new UsageError(command, `the database has ${count} projects: name one with --project ID`)
  return only.id
}
