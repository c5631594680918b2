import type { SqlConnection } from './connection'

/**
 * Runs `run` for each part, all or none. One statement is atomic alone, and wrapping it in a transaction (a
 * savepoint inside the caller's) would cost Postgres two more round trips; more than one run in a transaction.
 */
export function atomically<T>(db: SqlConnection, parts: T[], run: (part: T) => void): void {
  if (parts.length === 1) run(parts[0])
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
