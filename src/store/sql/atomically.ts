import type { SqlConnection } from './connection'

/**
 * One write, atomic alone. On Postgres it runs alone: a transaction would cost two more round trips. On SQLite
 * it runs in a transaction all the same, whose write lock SqliteConnection takes with quick tries: a statement
 * alone waits for another writer with SQLite's own sleeps of 1 to 100 ms.
 */
export function writeAlone<T>(db: SqlConnection, write: () => T): T {
  return db.dialect === 'sqlite' ? db.transaction(write) : write()
}

/** Runs `run` for each part, all or none: one part as writeAlone, more in a transaction. */
export function atomically<T>(db: SqlConnection, parts: T[], run: (part: T) => void): void {
  if (parts.length === 1) writeAlone(db, () => run(parts[0]))
  else if (parts.length > 1) db.transaction(() => parts.forEach(run))
}

/** Rows per statement of a multi-row insert or settle on Postgres: a request's whole batch is one. */
export const ROWS_PER_STATEMENT = 1_000

/** `rows` in parts of at most ROWS_PER_STATEMENT, in order. */
export function chunksOf<T>(rows: T[]): T[][] {
  const parts: T[][] = []
  for (let start = 0; start < rows.length; start += ROWS_PER_STATEMENT) parts.push(rows.slice(start, start + ROWS_PER_STATEMENT))
  return parts
}
