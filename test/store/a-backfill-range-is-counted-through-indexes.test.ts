import Database from 'better-sqlite3'
import { FIRST_RECEIVED_SQL, LAST_RECEIVED_SQL, SPAN_SQL } from '../../src/store/sql/jobs'
import { migrate } from '../../src/store/sqlite/migrations'

const planOf = (db: Database.Database, sql: string, params: unknown) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(params) as { detail: string }[]).map((row) => row.detail)

describe("a backfill's range", () => {
  let db: Database.Database
  beforeEach(() => {
    db = new Database(':memory:')
    migrate(db)
  })
  afterEach(() => db.close())

  it("is bounded through events_received and counted through events_project: no scan of the project's history", () => {
    expect(planOf(db, FIRST_RECEIVED_SQL, 0)).toEqual(['SEARCH events USING COVERING INDEX events_received (received_at>?)'])
    expect(planOf(db, LAST_RECEIVED_SQL, 0)).toEqual(['SEARCH events USING COVERING INDEX events_received (received_at<?)'])
    expect(planOf(db, SPAN_SQL, { project: 1, lo: 1, hi: 2 })).toEqual(['SEARCH events USING COVERING INDEX events_project (project_id=? AND id>? AND id<?)'])
  })

  it("finds the first and last ids of the range, of every project, and counts one project's between them", () => {
    const insert = db.prepare("INSERT INTO events (project_id, payload, received_at) VALUES (?, '{}', ?)")
    for (const [project, at] of [
      [1, 100],
      [2, 150],
      [1, 200],
      [1, 250],
      [2, 300],
      [1, 400],
    ])
      insert.run(project, at)
    expect(db.prepare(FIRST_RECEIVED_SQL).pluck().get(150)).toBe(2)
    expect(db.prepare(LAST_RECEIVED_SQL).pluck().get(300)).toBe(4)
    expect(db.prepare(LAST_RECEIVED_SQL).pluck().get(100)).toBeUndefined()
    expect(db.prepare(SPAN_SQL).get({ project: 1, lo: 2, hi: 4 })).toEqual({ first: 3, last: 4, total: 2 })
  })
})
