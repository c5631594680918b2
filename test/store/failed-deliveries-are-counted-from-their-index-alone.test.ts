import Database from 'better-sqlite3'
import { failedCountSql, failedReasonsSql, filterSql } from '../../src/store/sql/failed-deliveries'
import { migrate } from '../../src/store/sqlite/migrations'
import type { FailedFilter } from '../../src/store/types'

const ALL: FailedFilter = { status: ['failed', 'gave_up'] }
const NARROW: FailedFilter = { status: ['failed'], mapping: 'Checkout', reason: 'rejected', afterMs: 1, beforeMs: 2 }

describe("a destination's failed deliveries", () => {
  let db: Database.Database
  beforeAll(() => {
    db = new Database(':memory:')
    migrate(db)
  })
  afterAll(() => db.close())

  const scans = (sql: (dialect: { dialect: 'sqlite' }, where: string) => string, filter: FailedFilter, withReason: boolean) => {
    const { where, params } = filterSql(filter, withReason)
    return (db.prepare(`EXPLAIN QUERY PLAN ${sql({ dialect: 'sqlite' }, where)}`).all({ ...params, functionId: 'fn' }) as { detail: string }[])
      .map((row) => row.detail)
      .filter((detail) => detail.startsWith('SEARCH') || detail.startsWith('SCAN'))
  }

  it('are counted, under any filter, from the covering index deliveries_failed: no failed row is read', () => {
    expect(scans(failedCountSql, ALL, true)).toEqual(['SEARCH d USING COVERING INDEX deliveries_failed (function_id=?)'])
    expect(scans(failedCountSql, NARROW, true)).toEqual(['SEARCH d USING COVERING INDEX deliveries_failed (function_id=? AND updated_at>? AND updated_at<?)'])
  })

  it('are counted per reason from that index too', () => {
    expect(scans(failedReasonsSql, ALL, false)).toEqual(['SEARCH d USING COVERING INDEX deliveries_failed (function_id=?)'])
    expect(scans(failedReasonsSql, NARROW, false)).toEqual(['SEARCH d USING COVERING INDEX deliveries_failed (function_id=? AND updated_at>? AND updated_at<?)'])
  })
})
