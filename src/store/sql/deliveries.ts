import type { SqlConnection, SqlStatement } from './connection'
import { failureReasonOf } from '../../delivery/failure-reasons'
import { PRUNE_CHUNK } from '../types'
import type { ClaimRequest, Delivery, DeliveryClaim, DeliveryQueue, DeliveryStatus, DeliveryUpdate, DueCursor, FailedFilter, NewDelivery } from '../types'
import { type DeliveryLeases, deliveryColumns, processLeases, storedLeases } from './delivery-leases'
import { FailedList } from './failed-deliveries'

/** A skip scan by hand, on either database: one seek per function in the pending index instead of reading every pending row. */
export const PENDING_FUNCTIONS_SQL = `WITH RECURSIVE f(id) AS (
    SELECT MIN(function_id) FROM deliveries WHERE status = 'pending'
    UNION ALL
    SELECT (SELECT MIN(function_id) FROM deliveries WHERE status = 'pending' AND function_id > f.id) FROM f WHERE f.id IS NOT NULL
  ) SELECT id FROM f WHERE id IS NOT NULL`

export class SqlDeliveryQueue implements DeliveryQueue {
  private readonly dueStatement: SqlStatement
  private readonly dueAfterStatement: SqlStatement
  private readonly functionsStatement: SqlStatement
  private readonly countStatement: SqlStatement
  private readonly pruneStatement: SqlStatement
  private readonly failedList: FailedList
  private readonly leases: DeliveryLeases

  constructor(private readonly db: SqlConnection) {
    this.failedList = new FailedList(db)
    const due = `SELECT ${deliveryColumns(db)} FROM deliveries d WHERE d.status = 'pending' AND d.function_id = @functionId AND d.next_attempt_at <= @nowMs`
    this.dueStatement = db.prepare(`${due} ORDER BY d.next_attempt_at, d.id LIMIT @limit`)
    this.dueAfterStatement = db.prepare(`${due} AND (d.next_attempt_at, d.id) > (@at, @id) ORDER BY d.next_attempt_at, d.id LIMIT @limit`)
    this.functionsStatement = db.prepare(PENDING_FUNCTIONS_SQL).pluck()
    this.countStatement = db.prepare(`SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND function_id = ?`).pluck()
    this.pruneStatement = db.prepare(`DELETE FROM deliveries WHERE id IN (SELECT id FROM deliveries WHERE status IN ('delivered', 'failed', 'gave_up') AND updated_at < ? LIMIT ${PRUNE_CHUNK})`)
    this.leases = db.dialect === 'postgres' ? storedLeases(db) : processLeases(db, (functionId, request) => this.dueFor(functionId, request.dueBy, request.limit, request.after))
  }

  add(rows: NewDelivery[]): void {
    if (rows.length > 0) this.leases.add(rows)
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

  claim(functionId: string, request: ClaimRequest): DeliveryClaim {
    return this.leases.claim(functionId, request)
  }

  extend(claim: DeliveryClaim, untilMs: number): number {
    return this.leases.extend(claim, untilMs)
  }

  release(claim: DeliveryClaim): void {
    this.leases.release(claim)
  }

  expireLeases(nowMs: number): number {
    return this.leases.expire(nowMs)
  }

  countPending(functionId: string): number {
    return this.countStatement.get(functionId) as number
  }

  settle(updates: DeliveryUpdate[], nowMs: number, lease?: string): number {
    if (updates.length === 0) return 0
    // The reason's code is read from the core's words once, here, so that the failed list filters on a column.
    const stored = updates.map((u) => ({ ...u, reason: u.status === 'failed' || u.status === 'gave_up' ? failureReasonOf(u.status, u.last_error) : null }))
    return this.leases.settle(stored, nowMs, lease)
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
