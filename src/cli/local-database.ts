import { existsSync } from 'node:fs'
import { OperatorError } from '../errors'
import { openSqliteStore } from '../store/sqlite/database'
import type { Store } from '../store/types'
import { DEFAULT_DB } from './serve'
import { UsageError } from './usage'

/** The database a command works on: `--db`, else PIPELINES_DB, else the server's default. */
export function databasePath(given: string | undefined, env: NodeJS.ProcessEnv): string {
  return given ?? env.PIPELINES_DB ?? DEFAULT_DB
}

/**
 * Opens an existing database, for commands that read or change what a server made. They may run beside a
 * running server: SQLite (WAL) lets both connections work, each write waiting for the other's.
 */
export function openExistingStore(path: string, env: NodeJS.ProcessEnv): Store {
  if (!existsSync(path)) throw new OperatorError(`no database at ${path} (give --db FILE or set PIPELINES_DB)`)
  return openSqliteStore(path, { env })
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
