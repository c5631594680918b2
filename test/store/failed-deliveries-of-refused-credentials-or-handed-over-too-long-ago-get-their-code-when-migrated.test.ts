import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { deadlineOf } from '../../src/delivery/deadline'
import { failureReasonOf } from '../../src/delivery/failure-reasons'
import { giveUp } from '../../src/delivery/outcome'
import { retryPolicy } from '../../src/delivery/retry-policy'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { migrate } from '../../src/store/sqlite/migrations'

const DAY_S = 86_400
const nowMs = Date.parse('2026-12-01T12:00:00Z')
const TOKEN_REFUSED = 'conversion token rejected by Pinterest (401): code 2: Authentication failed.'
const ACCOUNT_REFUSED = 'ad account not accessible with this token (403): code 3: Forbidden.'

/** The schema version just before deliveries got their reason code. */
function versionBeforeReasons(): number {
  for (let version = 1; version < 100; version++) {
    const db = new Database(':memory:')
    migrate(db, version)
    const columns = (db.pragma('table_info(deliveries)') as { name: string }[]).map((c) => c.name)
    db.close()
    if (columns.includes('reason')) return version - 1
  }
  throw new Error('no migration adds deliveries.reason')
}

describe('failures stored before reason codes', () => {
  it('get the code failureReasonOf gives them: credentials for refused ones, outside_window for one handed over too long ago', () => {
    const window = retryPolicy()
    const handedOver = giveUp(deadlineOf(undefined, nowMs - 8 * DAY_S * 1000, window)).reason
    const held = giveUp(deadlineOf(nowMs / 1000 - 8 * DAY_S, nowMs, window), TOKEN_REFUSED).reason
    const rows: [string, 'failed' | 'gave_up', string][] = [
      ['token', 'failed', TOKEN_REFUSED],
      ['account', 'failed', ACCOUNT_REFUSED],
      ['held', 'gave_up', held],
      ['handed-over', 'gave_up', handedOver],
      ['rejected', 'failed', 'email is not hashed'],
    ]
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-reasons-again-'))
    const file = path.join(dir, 'db.sqlite')
    try {
      const old = new Database(file)
      migrate(old, versionBeforeReasons())
      const insert = old.prepare(
        `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at, last_error)
         VALUES (1, 'f', 'Checkout', 'u', ?, '{}', ?, 1, 0, 0, ?, ?)`,
      )
      rows.forEach(([eventId, status, error], i) => insert.run(eventId, status, i + 1, error))
      old.close()

      const migrated = openSqliteStore(file, { secretKeys: [new Uint8Array(32)] })
      const { results } = migrated.deliveries.failed('f', { status: ['failed', 'gave_up'] }, { limit: 10, offset: 0 })
      migrated.close()
      const reasons = Object.fromEntries(results.map((d) => [d.event_id, d.reason]))
      expect(reasons).toEqual({ token: 'credentials', account: 'credentials', held: 'credentials', 'handed-over': 'outside_window', rejected: 'rejected' })
      expect(rows.map(([eventId, status, error]) => [eventId, failureReasonOf(status, error)])).toEqual(rows.map(([eventId]) => [eventId, reasons[eventId]]))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
