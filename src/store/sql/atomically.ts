import type { SqlConnection } from './connection'

/**
 * Runs `run` for each part, all or none. One statement is atomic alone, and wrapping it in a transaction (a
 * savepoint inside the caller's) would cost Postgres two more round trips; more than one run in a transaction.
 */
export function atomically<T>(db: SqlConnection, parts: T[], run: (part: T) => void): void {
  if (parts.length === 1) run(parts[0])
  else if (parts.length > 1) db.transaction(() => parts.forEach(run))
}
