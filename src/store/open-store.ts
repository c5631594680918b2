import { OperatorError } from '../errors'
import { isPostgresUrl, openPostgresStore } from './postgres/database'
import { PgError } from './postgres/sync-connection'
import { openSqliteStore } from './sqlite/database'
import type { Store } from './types'

export interface OpenStoreOptions {
  /** The keys of the secret inputs; by default from `env` (and, for SQLite, the key file beside the database). */
  secretKeys?: readonly Uint8Array[]
  env?: NodeJS.ProcessEnv
  /** Postgres: shown in pg_stat_activity (which role and process a connection belongs to). */
  applicationName?: string
}

/** The database `location` names: a `postgres://` URL opens Postgres, anything else is a SQLite file (or `:memory:`). */
export function openStore(location: string, options: OpenStoreOptions = {}): Store {
  if (!isPostgresUrl(location)) return openSqliteStore(location, options)
  return reachingPostgres(location, () => openPostgresStore(location, options))
}

/** Runs `fn`, which connects to the Postgres database at `url`; a database that cannot be reached is an OperatorError. */
export function reachingPostgres<T>(url: string, fn: () => T): T {
  try {
    return fn()
  } catch (error) {
    // A database that cannot be reached is the operator's to fix: one line, and never the URL's password.
    if (error instanceof PgError && error.lost) throw new OperatorError(`cannot reach the Postgres database at ${maskedUrl(url)}: ${withoutPassword(error.message, url)}`)
    throw error
  }
}

/** The URL as it may be printed: its password replaced with `***`. */
export function maskedUrl(location: string): string {
  if (!isPostgresUrl(location)) return location
  try {
    const url = new URL(location)
    if (url.password) url.password = '***'
    return url.toString()
  } catch {
    return 'postgres://***'
  }
}

/** `text` with the URL's password (if any) replaced, for messages that might quote what they were given. */
export function withoutPassword(text: string, location: string): string {
  let password = ''
  try {
    password = decodeURIComponent(new URL(location).password)
  } catch {
    return text
  }
  return password ? text.split(password).join('***') : text
}
