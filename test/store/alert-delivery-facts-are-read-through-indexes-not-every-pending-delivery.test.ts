import Database from 'better-sqlite3'
import { describeFigures } from '../../src/server/alerts/messages'
import { KEY_BYTES, SecretBox } from '../../src/store/secret-box'
import { LAST_DELIVERED_SQL, OLDEST_PENDING_SQL, PENDING_COUNT_SQL, SqlAlertStore } from '../../src/store/sql/alerts'
import { SqliteConnection } from '../../src/store/sqlite/connection'
import { migrate } from '../../src/store/sqlite/migrations'

let db: Database.Database
let alerts: SqlAlertStore

beforeEach(() => {
  db = new Database(':memory:')
  migrate(db)
  alerts = new SqlAlertStore(new SqliteConnection(db), new SecretBox([new Uint8Array(KEY_BYTES).fill(7)]))
})

afterEach(() => db.close())

const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('fn-1') as { detail: string }[]).map((row) => row.detail)

/** `count` deliveries of the function, the i-th queued at `firstSeen(i)` and due at `due(i)`. */
function deliveries(functionId: string, status: string, count: number, firstSeen: string, due: string): void {
  db.prepare(
    `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${count})
     INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, distinct_id, event_id, status, attempts, next_attempt_at, first_seen_at, updated_at)
     SELECT 1, ?, 'm', 'u' || i, 'd', ? || '-' || i, ?, 0, ${due}, ${firstSeen}, 0 FROM n`,
  ).run(functionId, `${functionId}-${status}`, status)
}

test('what a round reads of the deliveries is a seek in an index, never a scan of the pending rows', () => {
  expect(plan(OLDEST_PENDING_SQL)).toEqual(['SEARCH deliveries USING COVERING INDEX deliveries_pending_age (function_id=?)'])
  // Reads at most 100,001 index entries (its LIMIT), however many wait.
  expect(plan(PENDING_COUNT_SQL)).toEqual(['CO-ROUTINE waiting', 'SEARCH deliveries USING COVERING INDEX deliveries_function_due (status=? AND function_id=?)', 'SCAN waiting'])
  expect(plan(LAST_DELIVERED_SQL)).toEqual(['SEARCH deliveries USING COVERING INDEX deliveries_function_due (status=? AND function_id=?)'])
})

test('the oldest waiting delivery is the one queued first, though retries made it due last, and a backlog above 100,000 is said so', () => {
  // Queued at 1000 + i, each retried so that the one queued first is due last.
  deliveries('fn-1', 'pending', 100_001, '1000 + i', '10000000 - i')
  deliveries('fn-1', 'delivered', 3, '500 + i', '2000 + i')
  deliveries('fn-2', 'pending', 2, '10 + i', '20 + i')

  const facts = alerts.deliveryFacts('fn-1')
  expect(facts).toEqual({ pending: 100_001, oldestPendingAt: 1001, lastDeliveredAt: 2003 })
  expect(describeFigures({ kind: 'no_deliveries', waiting: facts.pending, quiet_minutes: 7, threshold: 5 })).toBe(
    'no event delivered for 7 minutes while more than 100,000 deliveries wait (the threshold is 5 minutes)',
  )
  expect(alerts.deliveryFacts('fn-2')).toEqual({ pending: 2, oldestPendingAt: 11, lastDeliveredAt: null })
  expect(alerts.deliveryFacts('fn-3')).toEqual({ pending: 0, oldestPendingAt: null, lastDeliveredAt: null })
  expect(describeFigures({ kind: 'no_deliveries', waiting: 100_000, quiet_minutes: 1, threshold: 5 })).toBe(
    'no event delivered for 1 minute while 100,000 deliveries wait (the threshold is 5 minutes)',
  )
})
