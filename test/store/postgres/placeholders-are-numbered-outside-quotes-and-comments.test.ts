import { numberPlaceholders, valuesFor } from '../../../src/store/postgres/placeholders'

describe('placeholders for Postgres', () => {
  it('numbers each ? in order', () => {
    const numbered = numberPlaceholders('SELECT * FROM t WHERE a = ? AND b IN (?, ?)')
    expect(numbered).toEqual({ text: 'SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)', names: [] })
    expect(valuesFor(numbered, [1, 'x', null])).toEqual([1, 'x', null])
  })

  it('gives a repeated @name one number and takes the values by name in that order', () => {
    const numbered = numberPlaceholders('UPDATE t SET a = @a, b = @b WHERE a <> @a AND c = @c_2')
    expect(numbered).toEqual({ text: 'UPDATE t SET a = $1, b = $2 WHERE a <> $1 AND c = $3', names: ['a', 'b', 'c_2'] })
    expect(valuesFor(numbered, { c_2: 'c', b: 'b', a: 'a', unused: 'u' })).toEqual(['a', 'b', 'c'])
  })

  it('leaves ? and @ inside quoted text, quoted names and comments alone (a doubled quote stays inside)', () => {
    const sql = `SELECT '?', 'it''s @me ?', "odd?col" FROM t -- why? @because
WHERE x = ? AND y = '' AND z = ?`
    expect(numberPlaceholders(sql).text).toBe(`SELECT '?', 'it''s @me ?', "odd?col" FROM t -- why? @because
WHERE x = $1 AND y = '' AND z = $2`)
    expect(numberPlaceholders('SELECT /* a ? @b */ ? /* unclosed ?').text).toBe('SELECT /* a ? @b */ $1 /* unclosed ?')
    // An @ not followed by a name (an operator, an address in text) is not a parameter.
    expect(numberPlaceholders("SELECT a @> b, 'x@y' FROM t WHERE c = @c")).toEqual({ text: "SELECT a @> b, 'x@y' FROM t WHERE c = $1", names: ['c'] })
  })

  it('refuses a statement mixing both kinds, and a missing named value', () => {
    expect(() => numberPlaceholders('SELECT ? , @a')).toThrow('a statement mixes ? and @name placeholders')
    expect(() => valuesFor(numberPlaceholders('SELECT @a, @b'), { a: 1 })).toThrow('missing named parameter @b')
  })

  it('passes undefined as null, booleans as 0 and 1 (the flag columns) and bigints as text', () => {
    expect(valuesFor(numberPlaceholders('SELECT ?, ?, ?, ?'), [undefined, true, false, 2n ** 60n])).toEqual([null, 1, 0, '1152921504606846976'])
  })
})
