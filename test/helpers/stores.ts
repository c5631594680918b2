import { openPostgresStore } from '../../src/store/postgres/database'
import { openSqliteStore } from '../../src/store/sqlite/database'
import type { Store } from '../../src/store/types'
import { dropPostgresDatabase, freshPostgresDatabase } from './postgres'

/** The databases every store test runs on. */
export const STORE_KINDS = ['sqlite', 'postgres'] as const
export type StoreKind = (typeof STORE_KINDS)[number]

export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64')

export interface TestStore {
  store: Store
  /** The database a second connection (another thread or process) opens: a file path or a Postgres URL. */
  location: string
  close(): Promise<void>
}

/** An empty, migrated store of the kind: SQLite in memory, or a new Postgres database of the run's cluster. */
export async function openTestStore(kind: StoreKind): Promise<TestStore> {
  if (kind === 'sqlite') {
    const store = openSqliteStore(':memory:')
    return { store, location: ':memory:', close: async () => store.close() }
  }
  const url = await freshPostgresDatabase()
  const store = openPostgresStore(url, { env: { PIPELINES_SECRET_KEY: TEST_SECRET_KEY } })
  return {
    store,
    location: url,
    close: async () => {
      store.close()
      await dropPostgresDatabase(url)
    },
  }
}

/** Another worker's store on the same Postgres database: its own connection, the same secret key. */
export function anotherPostgresStore(opened: TestStore): Store {
  return openPostgresStore(opened.location, { env: { PIPELINES_SECRET_KEY: TEST_SECRET_KEY } })
}
