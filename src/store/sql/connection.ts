/**
 * The one way the stores reach their database: statements with `?` (positional) or `@name` (named)
 * parameters, run synchronously, in the shape of better-sqlite3's statements. SQLite runs them in process
 * (src/store/sqlite/connection.ts); Postgres on a connection thread the caller waits for
 * (src/store/postgres/sync-connection.ts), so every store, route and pipeline step works unchanged on
 * either database.
 */
export type Dialect = 'sqlite' | 'postgres'

/**
 * A prepared statement. Parameters are positional values, or one object of values by name (without the `@`).
 * `run` counts the rows it inserted, updated or deleted; a new row's id is read with `RETURNING id`.
 */
export interface SqlStatement {
  run(...params: unknown[]): { changes: number }
  get(...params: unknown[]): unknown
  all(...params: unknown[]): unknown[]
  iterate(...params: unknown[]): IterableIterator<unknown>
  /** The same statement, answering with the first column of each row only. */
  pluck(): SqlStatement
}

export interface SqlConnection {
  readonly dialect: Dialect
  prepare(sql: string): SqlStatement
  /** Runs statements without parameters or results (migrations, settings). */
  exec(sql: string): void
  /**
   * Runs `fn` in one transaction: all of its writes land, or none. A transaction inside another joins it
   * (as a savepoint), so a store method that is one transaction can run inside its caller's.
   */
  transaction<T>(fn: () => T): T
  /**
   * Runs `fn` so that the rows it deletes are overwritten, not only unlinked (SQLite's secure_delete).
   * Postgres has no such switch: its deleted rows stay in the table files until vacuum reuses the space.
   */
  erasing<T>(fn: () => T): T
  close(): void
}

/** The statement text of this connection's dialect, where SQLite and Postgres differ. */
export function dialectSql(connection: Pick<SqlConnection, 'dialect'>, sql: { sqlite: string; postgres: string }): string {
  return sql[connection.dialect]
}
