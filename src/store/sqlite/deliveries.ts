import type Database from 'better-sqlite3'
import { PRUNE_CHUNK } from '../types'
import type { Delivery, DeliveryQueue, DeliveryStatus } from '../types'

type Settlement = Parameters<DeliveryQueue['settle']>[0][number]

export class SqliteDeliveryQueue implements DeliveryQueue {
  private readonly addAll: Database.Transaction<(rows: Parameters<DeliveryQueue['add']>[0]) => void>
  private readonly settleAll: Database.Transaction<(updates: Settlement[], nowMs: number) => void>
  private readonly dueStatement: Database.Statement

  constructor(private readonly db: Database.Database) {
    this.dueStatement = db.prepare(
      `SELECT id, project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, last_error
       FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?`,
    )
    const insert = db.prepare(
      `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at)
       VALUES (@project_id, @function_id, @mapping, @event_uuid, @event_id, @payload, 'pending', 0, @next_attempt_at, @first_seen_at, @first_seen_at)`,
    )
    this.addAll = db.transaction((rows) => {
      for (const row of rows) insert.run(row)
    })
    const update = db.prepare(
      'UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error, updated_at = @updated_at WHERE id = @id',
    )
    this.settleAll = db.transaction((updates: Settlement[], nowMs: number) => {
      for (const u of updates) update.run({ ...u, updated_at: nowMs })
    })
  }

  add(rows: Parameters<DeliveryQueue['add']>[0]): void {
    if (rows.length > 0) this.addAll.immediate(rows)
  }

  due(nowMs: number, limit: number): Delivery[] {
    return this.dueStatement.all(nowMs, limit) as Delivery[]
  }

  settle(updates: Settlement[], nowMs: number): void {
    if (updates.length > 0) this.settleAll.immediate(updates, nowMs)
  }

  counts(): Record<DeliveryStatus, number> {
    const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0, dead: 0 }
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all() as { status: DeliveryStatus; n: number }[]
    for (const row of rows) counts[row.status] = row.n
    return counts
  }

  prune(beforeMs: number): number {
    return this.db
      .prepare(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE status = 'delivered' AND updated_at < ? LIMIT ${PRUNE_CHUNK})`)
      .run(beforeMs).changes
  }
}
