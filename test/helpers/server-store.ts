import Database from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { SyncPgConnection } from '../../src/store/postgres/sync-connection'
import { parseSecretKey } from '../../src/store/secret-key'
import { openSqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite/database'
import { isPostgresUrl, openPostgresStore } from '../../src/store/postgres/database'
import type { Store } from '../../src/store/types'
import { URL_ENV } from '../setup/postgres-cluster'
import { type StoreKind, TEST_SECRET_KEY } from './stores'

/**
 * The database the server tests run on: SQLite, or Postgres when TEST_STORE=postgres (the jest project
 * "server on postgres" sets it). The same tests run on both.
 */
export const SERVER_STORE: StoreKind = process.env.TEST_STORE === 'postgres' ? 'postgres' : 'sqlite'
export const onPostgres = SERVER_STORE === 'postgres'

const databases = new Map<string, string>()

/** A new empty database of the run's cluster, made synchronously (tests open their stores in plain functions). */
function freshDatabaseNow(): string {
  const server = process.env[URL_ENV]
  if (!server) throw new Error(`${URL_ENV} is not set: run the tests through jest (its global setup starts a Postgres cluster)`)
  const name = `s_${process.pid}_${randomBytes(4).toString('hex')}`
  const admin = new SyncPgConnection(server, { applicationName: 'pinterest-capi tests' })
  try {
    admin.exec(`CREATE DATABASE ${name}`)
  } finally {
    admin.close()
  }
  const url = new URL(server)
  url.pathname = `/${name}`
  return url.toString()
}

/**
 * Where a test's server keeps `file`: the file itself on SQLite; on Postgres a database of its own, the
 * same one each time the same file is named (a restart reopens it), a new one for each `:memory:`.
 */
export function serverDatabase(file: string): string {
  if (!onPostgres || isPostgresUrl(file)) return file
  if (file === ':memory:') return freshDatabaseNow()
  let url = databases.get(file)
  if (!url) {
    url = freshDatabaseNow()
    databases.set(file, url)
  }
  return url
}

/** The environment a test's server starts with: on Postgres, with the PIPELINES_SECRET_KEY every process shares. */
export function serverEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return onPostgres && !env.PIPELINES_SECRET_KEY ? { ...env, PIPELINES_SECRET_KEY: TEST_SECRET_KEY } : env
}

/** Opens the store of `file` (see serverDatabase) as openSqliteStore opens a file. */
export function openServerStore(file: string, options: SqliteStoreOptions = {}): Store {
  if (!onPostgres) return openSqliteStore(file, options)
  const fromEnv = options.env?.PIPELINES_SECRET_KEY
  const secretKeys = options.secretKeys ?? [parseSecretKey(fromEnv ?? TEST_SECRET_KEY, 'PIPELINES_SECRET_KEY')]
  return openPostgresStore(serverDatabase(file), { secretKeys, onSecrets: options.onSecrets })
}

/** The rows of a plain SELECT, read from the test server's database (SQLite file read-only, or its Postgres database). */
export function selectRows<T>(file: string, sql: string): T[] {
  if (!onPostgres) {
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      return db.prepare(sql).all() as T[]
    } finally {
      db.close()
    }
  }
  const db = new SyncPgConnection(serverDatabase(file), { applicationName: 'pinterest-capi tests' })
  try {
    return db.prepare(sql).all() as T[]
  } finally {
    db.close()
  }
}
