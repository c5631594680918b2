import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { migrate } from '../../src/store/sqlite/migrations'

/** The schema version just before deliveries got their reason code (found, so other migrations may come before it). */
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

describe('the migration to failure reason codes', () => {
  it('gives failed and given-up deliveries of an older version the code of their last error, and lists them', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-reasons-'))
    const file = path.join(dir, 'db.sqlite')
    try {
      const old = new Database(file)
      migrate(old, versionBeforeReasons())
      const insert = old.prepare(
        `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at, last_error)
         VALUES (1, 'f', 'Checkout', 'u', ?, '{}', ?, 1, 0, 0, ?, ?)`,
      )
      insert.run('rejected', 'failed', 1, 'email is not hashed')
      insert.run('deleted', 'failed', 2, 'the function was deleted before delivery')
      insert.run('http', 'failed', 3, 'HTTP 404: code 2: missing')
      insert.run('old', 'gave_up', 4, "gave up: its event_time 2026-11-20T00:00:00.000Z is outside Pinterest's window (7 days old) from 2026-11-27T00:00:00.000Z")
      insert.run('retries', 'gave_up', 5, 'gave up: retries stop 60 s after hand-over')
      insert.run('waiting', 'pending', 6, null)
      old.close()

      const migrated = openSqliteStore(file, { secretKeys: [new Uint8Array(32)] })
      const { count, results } = migrated.deliveries.failed('f', { status: ['failed', 'gave_up'] }, { limit: 10, offset: 0 })
      expect(count).toBe(5)
      expect(results.map((d) => [d.event_id, d.reason, d.event])).toEqual([
        ['retries', 'gave_up', null],
        ['old', 'outside_window', null],
        ['http', 'other', null],
        ['deleted', 'function_unavailable', null],
        ['rejected', 'rejected', null],
      ])
      migrated.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
