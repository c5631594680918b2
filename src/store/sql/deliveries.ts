import type { SqlConnection, SqlStatement } from './connection'
import { failureReasonOf } from '../../delivery/failure-reasons'
import { PRUNE_CHUNK } from '../types'
import type { Delivery, DeliveryQueue, DeliveryStatus, DeliveryUpdate, DueCursor, FailedFilter } from '../types'
import { FailedList } from './failed-deliveries'

const COLUMNS = 'id, project_id, function_id, mapping, event_uuid, distinct_id, event_id, payload, status, attempts, next_attempt_at, first_seen_at, last_error'

export class SqlDeliveryQueue implements DeliveryQueue {
  private readonly addAll: (rows: Parameters<DeliveryQueue['add']>[0]) => void
  private readonly settleAll: (updates: DeliveryUpdate[], nowMs: number) => void
  private readonly dueStatement: SqlStatement
  private readonly dueAfterStatement: SqlStatement
  private readonly functionsStatement: SqlStatement
  private readonly countStatement: SqlStatement
  private readonly pruneStatement: SqlStatement
  private readonly failedList: FailedList

  constructor(private readonly db: SqlConnection) {
    this.failedList = new FailedList(db)
    const due = `SELECT ${COLUMNS} FROM deliveries WHERE status = 'pending' AND function_id = @functionId AND next_attempt_at <= @nowMs`
    this.dueStatement = db.prepare(`${due} ORDER BY next_attempt_at, id LIMIT @limit`)
    this.dueAfterStatement = db.prepare(`${due} AND (next_attempt_at, id) > (@at, @id) ORDER BY next_attempt_at, id LIMIT @limit`)
    // A skip scan by hand: one index seek per function instead of reading every pending row.
    this.functionsStatement = db
      .prepare(
        `WITH RECURSIVE f(id) AS (
         SELECT MIN(function_id) FROM deliveries WHERE status = 'pending'
         UNION ALL
         SELECT (SELECT MIN(function_id) FROM deliveries WHERE status = 'pending' AND function_id > f.id) FROM f WHERE f.id IS NOT NULL
       ) SELECT id FROM f WHERE id IS NOT NULL`,
      )
      .pluck()
    this.countStatement = db.prepare(`SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND function_id = ?`).pluck()
    this.pruneStatement = db.prepare(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE status IN ('delivered', 'failed', 'gave_up') AND updated_at < ? LIMIT ${PRUNE_CHUNK})`)
    const insert = db.prepare(
      `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, distinct_id, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at, event_row_id, job_id, job_item)
       VALUES (@project_id, @function_id, @mapping, @event_uuid, @distinct_id, @event_id, @payload, 'pending', 0, @next_attempt_at, @first_seen_at, @first_seen_at, @event_row_id, @job_id, @job_item)`,
    )
    this.addAll = (rows) => {
      for (const row of rows) insert.run({ ...row, distinct_id: row.distinct_id ?? null, event_row_id: row.event_row_id ?? null, job_id: row.job_id ?? null, job_item: row.job_item ?? null })
    }
    const update = db.prepare(
      'UPDATE deliveries SET status = @status, attempts = @attempts, next_attempt_at = @next_attempt_at, last_error = @last_error, reason = @reason, updated_at = @updated_at WHERE id = @id',
    )
    // The reason's code is read from the core's words once, here, so that the failed list filters on a column.
    this.settleAll = (updates: DeliveryUpdate[], nowMs: number) => {
      for (const u of updates) {
        const reason = u.status === 'failed' || u.status === 'gave_up' ? failureReasonOf(u.status, u.last_error) : null
        update.run({ ...u, reason, updated_at: nowMs })
      }
    }
  }

  add(rows: Parameters<DeliveryQueue['add']>[0]): void {
    if (rows.length > 0) this.db.transaction(() => this.addAll(rows))
  }

  failed(functionId: string, filter: FailedFilter, page: { limit: number; offset: number }) {
    return this.failedList.list(functionId, filter, page)
  }

  failedReasons(functionId: string, filter: FailedFilter) {
    return this.failedList.reasons(functionId, filter)
  }

  pendingFunctions(): string[] {
    return this.functionsStatement.all() as string[]
  }

  dueFor(functionId: string, nowMs: number, limit: number, cursor?: DueCursor): Delivery[] {
    if (!cursor) return this.dueStatement.all({ functionId, nowMs, limit }) as Delivery[]
    return this.dueAfterStatement.all({ functionId, nowMs, limit, at: cursor.next_attempt_at, id: cursor.id }) as Delivery[]
  }

  countPending(functionId: string): number {
    return this.countStatement.get(functionId) as number
  }

  settle(updates: DeliveryUpdate[], nowMs: number): void {
    if (updates.length > 0) this.db.transaction(() => this.settleAll(updates, nowMs))
  }

  counts(): Record<DeliveryStatus, number> {
    const counts: Record<DeliveryStatus, number> = { pending: 0, delivered: 0, failed: 0, gave_up: 0 }
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all() as { status: DeliveryStatus; n: number }[]
    for (const row of rows) counts[row.status] = row.n
    return counts
  }

  prune(beforeMs: number): number {
    return this.pruneStatement.run(beforeMs).changes
  }
}
