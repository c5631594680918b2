import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { migrate } from '../../src/store/sqlite/migrations'

describe('the migration to one name per delivery state', () => {
  it("turns deliveries stored as 'dead' by an older version into 'gave_up'", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'migrate-'))
    const file = path.join(dir, 'db.sqlite')
    try {
      // The database as version 4 left it, with a dead letter and a pending delivery.
      const old = new Database(file)
      migrate(old, 4)
      const insert = old.prepare(
        `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at)
         VALUES (1, 'f', 'Checkout', 'u', ?, '{}', ?, 0, 0, 0, 0)`,
      )
      insert.run('given-up', 'dead')
      insert.run('waiting', 'pending')
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
