/** Positional values for `?`, or values by name for `@name`. */
export type SqlParams = readonly unknown[] | Readonly<Record<string, unknown>>

/** A statement with `$1, $2, …` in place of `?` and `@name`, and where each value comes from. */
export interface NumberedSql {
  text: string
  /** The name behind each `$n`, in order, for named parameters; empty for positional ones. */
  names: string[]
}

/**
 * Numbers the stores' placeholders the way Postgres wants them. Quoted text ('…' and "…") and comments (line and block) are
 * copied as they are, so a `?` or `@` inside them stays. A name used twice gets one number.
 */
export function numberPlaceholders(sql: string): NumberedSql {
  const names: string[] = []
  let text = ''
  let positional = 0
  let i = 0
  while (i < sql.length) {
    const c = sql[i]
    if (c === "'" || c === '"') {
      const end = closingQuote(sql, i, c)
      text += sql.slice(i, end)
      i = end
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i)
      const stop = end === -1 ? sql.length : end
      text += sql.slice(i, stop)
      i = stop
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      const stop = end === -1 ? sql.length : end + 2
      text += sql.slice(i, stop)
      i = stop
    } else if (c === '?') {
      positional += 1
      text += `$${positional}`
      i += 1
    } else if (c === '@' && /[A-Za-z_]/.test(sql[i + 1] ?? '')) {
      const match = /^[A-Za-z_][A-Za-z0-9_]*/.exec(sql.slice(i + 1)) as RegExpExecArray
      const name = match[0]
      let index = names.indexOf(name)
      if (index === -1) index = names.push(name) - 1
      text += `$${index + 1}`
      i += 1 + name.length
    } else {
      text += c
      i += 1
    }
  }
  if (positional > 0 && names.length > 0) throw new Error('a statement mixes ? and @name placeholders')
  return { text, names }
}

function closingQuote(sql: string, start: number, quote: string): number {
  let i = start + 1
  while (i < sql.length) {
    if (sql[i] === quote) {
      if (sql[i + 1] === quote) i += 2
      else return i + 1
    } else i += 1
  }
  return sql.length
}

/** The values in `$n` order. A missing named value is an error: SQLite would refuse it too. */
export function valuesFor(numbered: NumberedSql, params: SqlParams): unknown[] {
  if (Array.isArray(params)) return params.map(toPg)
  const named = params as Readonly<Record<string, unknown>>
  return numbered.names.map((name) => {
    if (!Object.hasOwn(named, name)) throw new Error(`missing named parameter @${name}`)
    return toPg(named[name])
  })
}

/** SQLite's stores pass booleans as they are in some places; Postgres columns here hold 0 and 1 as SQLite's do. */
function toPg(value: unknown): unknown {
  if (value === undefined) return null
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'bigint') return value.toString()
  return value
}
