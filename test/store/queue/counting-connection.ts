import type { SqlConnection, SqlStatement } from '../../../src/store/sql/connection'

/** A connection that counts the statements sent through it (BEGIN, COMMIT and savepoints included). */
export function countingConnection(inner: SqlConnection): { db: SqlConnection; statements: string[] } {
  const statements: string[] = []
  const wrap = (sql: string, statement: SqlStatement): SqlStatement => {
    const counted =
      <K extends 'run' | 'get' | 'all' | 'iterate'>(method: K) =>
      (...params: unknown[]) => {
        statements.push(sql)
        return (statement[method] as (...p: unknown[]) => ReturnType<SqlStatement[K]>)(...params)
      }
    return { run: counted('run'), get: counted('get'), all: counted('all'), iterate: counted('iterate'), pluck: () => wrap(sql, statement.pluck()) }
  }
  const db: SqlConnection = {
    dialect: inner.dialect,
    prepare: (sql) => wrap(sql, inner.prepare(sql)),
    exec: (sql) => {
      statements.push(sql)
      inner.exec(sql)
    },
    transaction: (fn) => {
      statements.push('BEGIN')
      return inner.transaction(fn)
    },
    erasing: (fn) => inner.erasing(fn),
    close: () => inner.close(),
  }
  return { db, statements }
}
