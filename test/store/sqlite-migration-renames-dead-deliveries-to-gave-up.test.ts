import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'

describe('the migration to one name per delivery state', () => {
  it("turns deliveries stored as 'dead' by an older version into 'gave_up'", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-'))
    const file = path.join(dir, 'db.sqlite')
    try {
      const store = openSqliteStore(file)
      const row = { project_id: 1, function_id: 'f', mapping: 'Checkout', event_uuid: 'u', payload: '{}', next_attempt_at: 0, first_seen_at: 0 }
      store.deliveries.add([{ ...row, event_id: 'given-up' }, { ...row, event_id: 'waiting' }])
      store.close()
      // The database as version 4 left it: its index, and a dead letter.
      const old = new Database(file)
      old.exec("DROP INDEX deliveries_function_due; CREATE INDEX deliveries_due ON deliveries(status, next_attempt_at); UPDATE deliveries SET status = 'dead' WHERE event_id = 'given-up'")
      old.pragma('user_version = 4')
      old.close()

      const migrated = openSqliteStore(file)
      expect(migrated.deliveries.counts()).toEqual({ pending: 1, delivered: 0, failed: 0, gave_up: 1 })
      expect(migrated.deliveries.dueFor('f', 10, 10).map((d) => d.event_id)).toEqual(['waiting'])
      migrated.close()
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
