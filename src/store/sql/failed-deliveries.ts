import { dialectSql, type SqlConnection, type SqlStatement } from './connection'
import { deliveryColumns } from './delivery-leases'
import { jsonField } from './portable'
import type { DeliveryReason } from '../../delivery/failure-reasons'
import type { FailedDelivery, FailedFilter } from '../types'

/**
 * The not-replayed failures of a function, as the partial index deliveries_failed holds them: its WHERE is
 * repeated word for word, which is what lets SQLite use it (then walk it by updated_at, newest first).
 */
const FAILED = "d.function_id = @functionId AND d.status IN ('failed', 'gave_up') AND d.replayed_by IS NULL"

/**
 * Named for SQLite, since without statistics it may prefer the all-functions indexes of status; Postgres
 * has statistics (and no such hint), and picks the partial index by its WHERE.
 */
export const failedRows = (db: Pick<SqlConnection, 'dialect'>): string => dialectSql(db, { sqlite: 'deliveries d INDEXED BY deliveries_failed', postgres: 'deliveries d' })

/**
 * A replay holds a delivery while it runs, and after it stopped while the delivery's replay is in flight (a
 * cancelled job's sent items still get delivered): a second replay then would send the event twice.
 */
export const HOLDS_ITEM = "j.kind = 'replay' AND (j.status = 'running' OR i.state = 'sent')"

/** The replay that holds a delivery. */
const HOLDING_JOB = `(SELECT i.job_id FROM job_items i JOIN jobs j ON j.id = i.job_id WHERE i.item = d.id AND ${HOLDS_ITEM} LIMIT 1)`

type Row = Omit<FailedDelivery, 'event'> & { event_kept: number | null; e_uuid: unknown; e_event: unknown; e_distinct_id: unknown; e_timestamp: unknown }

/** The conditions of a filter as SQL over `d`, with their parameters (built per shape, prepared once each). */
export function filterSql(filter: FailedFilter, withReason: boolean): { where: string; params: Record<string, unknown> } {
  const terms = [FAILED]
  const params: Record<string, unknown> = {}
  if (filter.status.length === 1) {
    terms.push('d.status = @status')
    params.status = filter.status[0]
  }
  if (filter.mapping !== undefined) {
    terms.push('d.mapping = @mapping')
    params.mapping = filter.mapping
  }
  if (withReason && filter.reason !== undefined) {
    terms.push('d.reason = @reason')
    params.reason = filter.reason
  }
  if (filter.afterMs !== undefined) {
    terms.push('d.updated_at >= @after')
    params.after = filter.afterMs
  }
  if (filter.beforeMs !== undefined) {
    terms.push('d.updated_at < @before')
    params.before = filter.beforeMs
  }
  return { where: terms.join(' AND '), params }
}

/** The count and reasons of a filter's failures: read from the index alone (it holds every column they use). */
export const failedCountSql = (db: Pick<SqlConnection, 'dialect'>, where: string) => `SELECT COUNT(*) FROM ${failedRows(db)} WHERE ${where}`
export const failedReasonsSql = (db: Pick<SqlConnection, 'dialect'>, where: string) =>
  `SELECT d.reason AS reason, COUNT(*) AS count FROM ${failedRows(db)} WHERE ${where} GROUP BY d.reason ORDER BY count DESC, reason NULLS FIRST`

export class FailedList {
  private readonly statements = new Map<string, SqlStatement>()

  constructor(private readonly db: SqlConnection) {}

  private prepared(sql: string): SqlStatement {
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    return statement
  }

  list(functionId: string, filter: FailedFilter, page: { limit: number; offset: number }): { count: number; results: FailedDelivery[] } {
    const { where, params } = filterSql(filter, true)
    const count = this.prepared(failedCountSql(this.db, where))
      .pluck()
      .get({ ...params, functionId }) as number
    const eventField = (field: string) => jsonField(this.db, 'e.payload', field, true)
    const rows = this.prepared(
      `SELECT ${deliveryColumns(this.db)}, d.reason, d.updated_at, ${HOLDING_JOB} AS replay_job_id, e.id AS event_kept,
         ${eventField('uuid')} AS e_uuid, ${eventField('event')} AS e_event, ${eventField('distinct_id')} AS e_distinct_id, ${eventField('timestamp')} AS e_timestamp
       FROM ${failedRows(this.db)} LEFT JOIN events e ON e.id = d.event_row_id
       WHERE ${where} ORDER BY d.updated_at DESC, d.id DESC LIMIT @limit OFFSET @offset`,
    ).all({ ...params, functionId, limit: page.limit, offset: page.offset }) as Row[]
    return { count, results: rows.map(toFailed) }
  }

  reasons(functionId: string, filter: FailedFilter): { reason: DeliveryReason; count: number }[] {
    const { where, params } = filterSql(filter, false)
    return this.prepared(failedReasonsSql(this.db, where)).all({ ...params, functionId }) as {
      reason: DeliveryReason
      count: number
    }[]
  }
}

function toFailed(row: Row): FailedDelivery {
  const { event_kept, e_uuid, e_event, e_distinct_id, e_timestamp, ...delivery } = row
  const event = event_kept === null ? null : { uuid: e_uuid, event: e_event, distinct_id: e_distinct_id, timestamp: e_timestamp }
  return { ...delivery, reason: delivery.reason ?? 'other', event }
}
