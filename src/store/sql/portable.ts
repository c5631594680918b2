import { dialectSql, type SqlConnection } from './connection'

type Dialected = Pick<SqlConnection, 'dialect'>

/**
 * The values of a JSON array given as one `?` parameter, as a subquery for `IN` or `INSERT … SELECT`: a
 * list of any length is one statement with one parameter. Postgres reads the elements as text, so they are
 * cast to the column's type there.
 */
export function jsonValues(db: Dialected, type: 'bigint' | 'text'): string {
  return dialectSql(db, {
    sqlite: '(SELECT value FROM json_each(?))',
    postgres: `(SELECT value::${type} AS value FROM json_array_elements_text(?::json) AS value)`,
  })
}

/**
 * A top-level field of a JSON text column, as SQLite's json_extract reads it. With `guarded`, text that is
 * not JSON gives null instead of failing the statement (json_or_null is the Postgres schema's function).
 */
export function jsonField(db: Dialected, column: string, field: string, guarded = false): string {
  return dialectSql(db, {
    sqlite: guarded ? `CASE WHEN json_valid(${column}) THEN json_extract(${column}, '$.${field}') END` : `json_extract(${column}, '$.${field}')`,
    postgres: guarded ? `(json_or_null(${column}) ->> '${field}')` : `(${column}::json ->> '${field}')`,
  })
}

/** A search by part of a text: SQLite's LIKE ignores the case of ASCII letters, Postgres's ILIKE does the same. */
export function likeAnyCase(db: Dialected): 'LIKE' | 'ILIKE' {
  return db.dialect === 'postgres' ? 'ILIKE' : 'LIKE'
}

/**
 * `%text%` for a search with `ESCAPE '\'`: the user's `%`, `_` and `\` match themselves.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}
