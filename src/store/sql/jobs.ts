import { randomUUID } from 'node:crypto'
import { dialectSql, type SqlConnection, type SqlStatement } from './connection'
import type { FailureReason } from '../../delivery/failure-reasons'
import type { CapturedEvent, Job, JobCreation, JobItemResult, JobStore, JobWork, NewJob, ReplayChoice } from '../types'
import type { SqlDeliveryQueue } from './deliveries'
import { failedRows, filterSql, HOLDS_ITEM } from './failed-deliveries'
import { jsonValues } from './portable'

type JobRow = {
  id: string
  project_id: number
  function_id: string
  kind: Job['kind']
  status: Job['status']
  created_by_key_id: string | null
  created_by_label: string
  range_after: number | null
  range_before: number | null
  cursor: number
  last_event: number
  total: number
  lost: number
  created_at: number
  finished_at: number | null
}

const NOT_REPLAYED = "d.status IN ('failed', 'gave_up') AND d.replayed_by IS NULL"
/** A backfill's events: the project's, in the span of ids its range had when it was created. */
const BACKFILL_EVENTS = 'FROM events WHERE project_id = @project_id AND id > @cursor AND id <= @last_event'
/** The first and last event ids of a range of received_at (of every project: the index is global). */
export const FIRST_RECEIVED_SQL = 'SELECT id FROM events WHERE received_at >= ? ORDER BY received_at, id LIMIT 1'
export const LAST_RECEIVED_SQL = 'SELECT id FROM events WHERE received_at < ? ORDER BY received_at DESC, id DESC LIMIT 1'
export const SPAN_SQL = 'SELECT MIN(id) AS first, MAX(id) AS last, COUNT(*) AS total FROM events WHERE project_id = @project AND id BETWEEN @lo AND @hi'
const PENDING_OF_ITEM = "SELECT 1 FROM deliveries d WHERE d.job_id = job_items.job_id AND d.job_item = job_items.item AND d.status = 'pending'"
const FAILED_OF_ITEM = "SELECT d.reason FROM deliveries d WHERE d.job_id = job_items.job_id AND d.job_item = job_items.item AND d.status IN ('failed', 'gave_up')"

function parseEvent(payload: string | null): CapturedEvent | null {
  if (payload === null) return null
  try {
    return JSON.parse(payload) as CapturedEvent
  } catch {
    return null
  }
}

/**
 * Replays and backfills. A replay's items (the deliveries it replays) are stored when it is created, so a
 * second replay of one of them is seen; a backfill's (its events) as they are mapped, behind a cursor over
 * the event ids of its range, so creating one costs a count, not a row per event.
 */
export class SqlJobStore implements JobStore {
  private readonly statements = new Map<string, SqlStatement>()

  constructor(
    private readonly db: SqlConnection,
    private readonly deliveries: SqlDeliveryQueue,
  ) {}

  private sql(text: string): SqlStatement {
    let statement = this.statements.get(text)
    if (!statement) {
      statement = this.db.prepare(text)
      this.statements.set(text, statement)
    }
    return statement
  }

  private insertJob(job: NewJob, fields: Pick<JobRow, 'kind' | 'range_after' | 'range_before' | 'cursor' | 'last_event' | 'total'>): string {
    const id = randomUUID()
    const finished = fields.total === 0
    this.sql(
      `INSERT INTO jobs (id, project_id, function_id, kind, status, settled, created_by_key_id, created_by_label, range_after, range_before, cursor, last_event, total, lost, created_at, finished_at)
       VALUES (@id, @project_id, @function_id, @kind, @status, @settled, @key_id, @label, @range_after, @range_before, @cursor, @last_event, @total, 0, @created_at, @finished_at)`,
    ).run({
      id,
      project_id: job.project_id,
      function_id: job.function_id,
      key_id: job.created_by.key_id,
      label: job.created_by.label,
      created_at: job.created_at,
      status: finished ? 'completed' : 'running',
      settled: finished ? 1 : 0,
      finished_at: finished ? job.created_at : null,
      ...fields,
    })
    return id
  }

  createReplay(job: NewJob, choice: ReplayChoice): JobCreation {
    return this.db.transaction((): JobCreation => {
      this.lockFunction(job.function_id)
      const ids = this.chosen(job.function_id, choice)
      if ('invalid' in ids) return ids
      const holding = this.sql(
        `SELECT i.job_id AS "jobId", COUNT(*) AS count FROM job_items i JOIN jobs j ON j.id = i.job_id
           WHERE ${HOLDS_ITEM} AND i.item IN ${jsonValues(this.db, 'bigint')} GROUP BY i.job_id ORDER BY count DESC`,
      ).all(JSON.stringify(ids)) as { jobId: string; count: number }[]
      if (holding.length > 0) return { conflict: { count: holding.reduce((sum, h) => sum + h.count, 0), jobId: holding[0].jobId } }
      const id = this.insertJob(job, { kind: 'replay', range_after: null, range_before: null, cursor: 0, last_event: 0, total: ids.length })
      this.sql(`INSERT INTO job_items (job_id, item, state) SELECT CAST(? AS text), value, 'queued' FROM ${jsonValues(this.db, 'bigint')} AS ids`).run(id, JSON.stringify(ids))
      return { job: this.byId(id) as Job }
    })
  }

  /** The deliveries a replay takes: every id given must be one of the function's not-replayed failures. */
  private chosen(functionId: string, choice: ReplayChoice): number[] | { invalid: string; tooMany?: number } {
    if ('deliveryIds' in choice) {
      const unique = [...new Set(choice.deliveryIds)]
      const found = this.sql(`SELECT d.id FROM deliveries d WHERE d.id IN ${jsonValues(this.db, 'bigint')} AND d.function_id = ? AND ${NOT_REPLAYED} ORDER BY d.id`)
        .pluck()
        .all(JSON.stringify(unique), functionId) as number[]
      return found.length === unique.length ? found : { invalid: 'delivery_ids' }
    }
    const { where, params } = filterSql(choice.filter, true)
    // One more than allowed tells too many apart, without reading them all.
    const found = this.sql(`SELECT d.id FROM ${failedRows(this.db)} WHERE ${where} ORDER BY d.id LIMIT @atMost + 1`)
      .pluck()
      .all({ ...params, functionId, atMost: choice.atMost }) as number[]
    if (found.length > choice.atMost) return { invalid: 'filter', tooMany: choice.atMost }
    return found.length > 0 ? found : { invalid: 'filter' }
  }

  createBackfill(job: NewJob, range: { after: number; before: number }): JobCreation {
    // Counted before the write lock is taken: capture goes on meanwhile (its events are past the watermark).
    const span = this.backfillSpan(job.project_id, range)
    return this.db.transaction((): JobCreation => {
      this.lockFunction(job.function_id)
      const running = this.sql("SELECT id FROM jobs WHERE function_id = ? AND kind = 'backfill' AND status = 'running' LIMIT 1").pluck().get(job.function_id) as string | undefined
      if (running !== undefined) return { conflict: { count: 0, jobId: running } }
      const id = this.insertJob(job, { kind: 'backfill', range_after: range.after, range_before: range.before, cursor: (span.first ?? 1) - 1, last_event: span.last ?? 0, total: span.total })
      return { job: this.byId(id) as Job }
    })
  }

  /**
   * The project's events received in the range, as a span of ids: ids grow with received_at, so the range's
   * first and last ids are found through the global events_received index, and the project's events between
   * them through events_project; no index of events is added for this (capture pays for each).
   */
  private backfillSpan(projectId: number, range: { after: number; before: number }): { first: number | null; last: number | null; total: number } {
    const lo = this.sql(FIRST_RECEIVED_SQL).pluck().get(range.after) as number | undefined
    const hi = this.sql(LAST_RECEIVED_SQL).pluck().get(range.before) as number | undefined
    // Events after the watermark are still to be mapped by the live pipeline, with this function among the others.
    const watermark = this.sql('SELECT COALESCE(MAX(processed_through), 0) FROM project_watermarks WHERE project_id = ?').pluck().get(projectId) as number
    if (lo === undefined || hi === undefined) return { first: null, last: null, total: 0 }
    return this.sql(SPAN_SQL).get({ project: projectId, lo, hi: Math.min(hi, watermark) }) as { first: number | null; last: number | null; total: number }
  }

  private row(id: string): JobRow | undefined {
    return this.sql('SELECT * FROM jobs WHERE id = ?').get(id) as JobRow | undefined
  }

  /**
   * On Postgres, a job's check-then-create (no second running backfill, no delivery in two replays) runs in
   * several API processes at once: creations for one function take turns on its row. SQLite's write lock
   * already makes them take turns. NO KEY UPDATE, as an UPDATE of the row takes: the key locks of rows
   * inserted for the function (holds, alert episodes) do not wait for it.
   */
  private lockFunction(functionId: string): void {
    if (this.db.dialect === 'postgres') this.sql('SELECT 1 FROM hog_functions WHERE id = ? FOR NO KEY UPDATE').get(functionId)
  }

  /**
   * The job's row, held until the transaction ends on Postgres: a cancel from an API process waits while a
   * worker records or settles the job, so that it is never cancelled between the check and the writes.
   */
  private lockedRow(id: string): JobRow | undefined {
    return this.sql(dialectSql(this.db, { sqlite: 'SELECT * FROM jobs WHERE id = ?', postgres: 'SELECT * FROM jobs WHERE id = ? FOR NO KEY UPDATE' })).get(id) as JobRow | undefined
  }

  /** The order of creation among jobs of one millisecond: SQLite's rowid, a sequence column on Postgres. */
  private get creationOrder(): string {
    return dialectSql(this.db, { sqlite: 'rowid', postgres: 'seq' })
  }

  private byId(id: string): Job | undefined {
    const row = this.row(id)
    return row && this.present(row)
  }

  private present(row: JobRow): Job {
    const counts = this.sql("SELECT state, reason, COUNT(*) AS count FROM job_items WHERE job_id = ? AND state IN ('done', 'failed') GROUP BY state, reason").all(row.id) as {
      state: 'done' | 'failed'
      reason: FailureReason | null
      count: number
    }[]
    const failures = new Map<FailureReason, number>()
    if (row.lost > 0) failures.set('event_not_kept', row.lost)
    let done = 0
    for (const c of counts) {
      if (c.state === 'done') done += c.count
      else failures.set(c.reason ?? 'other', (failures.get(c.reason ?? 'other') ?? 0) + c.count)
    }
    const failed = [...failures.values()].reduce((sum, n) => sum + n, 0)
    return {
      id: row.id,
      project_id: row.project_id,
      function_id: row.function_id,
      kind: row.kind,
      status: row.status,
      created_by: { key_id: row.created_by_key_id, label: row.created_by_label },
      range: row.range_after === null || row.range_before === null ? null : { after: row.range_after, before: row.range_before },
      created_at: row.created_at,
      finished_at: row.finished_at,
      total: row.total,
      done,
      failed,
      failures: [...failures].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
    }
  }

  get(projectId: number, functionId: string, jobId: string): Job | undefined {
    const row = this.row(jobId)
    return row && row.project_id === projectId && row.function_id === functionId ? this.present(row) : undefined
  }

  list(projectId: number, functionId: string, limit: number): Job[] {
    const rows = this.sql(`SELECT * FROM jobs WHERE function_id = ? AND project_id = ? ORDER BY created_at DESC, ${this.creationOrder} DESC LIMIT ?`).all(functionId, projectId, limit) as JobRow[]
    return rows.map((row) => this.present(row))
  }

  cancel(projectId: number, functionId: string, jobId: string, nowMs: number): Job | undefined {
    if (!this.get(projectId, functionId, jobId)) return undefined
    this.db.transaction(() => {
      this.sql("UPDATE jobs SET status = 'cancelled', finished_at = ? WHERE id = ? AND status = 'running'").run(nowMs, jobId)
      this.settleIfQuiet(jobId)
    })
    return this.byId(jobId)
  }

  /** A stopped job with no delivery in flight needs nothing more of the pipeline. */
  private settleIfQuiet(jobId: string): void {
    this.sql("UPDATE jobs SET settled = 1 WHERE id = ? AND status != 'running' AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_id = jobs.id AND state = 'sent')").run(jobId)
  }

  unsettled(): Job[] {
    return (this.sql(`SELECT * FROM jobs WHERE settled = 0 ORDER BY created_at, ${this.creationOrder}`).all() as JobRow[]).map((row) => this.present(row))
  }

  inFlight(job: Job, atMost: number): number {
    return this.sql("SELECT COUNT(*) FROM (SELECT 1 FROM job_items WHERE job_id = ? AND state = 'sent' LIMIT ?) AS sent").pluck().get(job.id, atMost) as number
  }

  work(job: Job, limit: number): JobWork[] {
    const row = this.row(job.id)
    if (row?.status !== 'running') return []
    if (row.kind === 'replay') {
      const rows = this.sql(
        `SELECT i.item, d.mapping, d.event_row_id, e.payload FROM job_items i LEFT JOIN deliveries d ON d.id = i.item LEFT JOIN events e ON e.id = d.event_row_id
         WHERE i.job_id = ? AND i.state = 'queued' ORDER BY i.item LIMIT ?`,
      ).all(job.id, limit) as { item: number; mapping: string | null; event_row_id: number | null; payload: string | null }[]
      return rows.map((r) => ({ item: r.item, mapping: r.mapping, event_row_id: r.event_row_id, event: parseEvent(r.payload) }))
    }
    const rows = this.sql(`SELECT id, payload ${BACKFILL_EVENTS} ORDER BY id LIMIT @limit`).all({ ...row, limit }) as { id: number; payload: string }[]
    return rows.map((r) => ({ item: r.id, mapping: null, event_row_id: r.id, event: parseEvent(r.payload) }))
  }

  record(job: Job, results: JobItemResult[]): void {
    if (results.length === 0) return
    this.db.transaction(() => {
      // Cancelled while the step mapped: what it made is not queued.
      if (this.lockedRow(job.id)?.status !== 'running') return
      const upsert = this.sql('INSERT INTO job_items (job_id, item, state, reason) VALUES (?, ?, ?, ?) ON CONFLICT (job_id, item) DO UPDATE SET state = excluded.state, reason = excluded.reason')
      for (const result of results) {
        upsert.run(job.id, result.item, result.state, result.state === 'failed' ? result.reason : null)
        if (result.state === 'sent') this.deliveries.add(result.deliveries)
      }
      if (job.kind === 'backfill')
        this.sql(dialectSql(this.db, { sqlite: 'UPDATE jobs SET cursor = MAX(cursor, ?) WHERE id = ?', postgres: 'UPDATE jobs SET cursor = GREATEST(cursor, ?) WHERE id = ?' })).run(
          Math.max(...results.map((r) => r.item)),
          job.id,
        )
      else
        this.markReplayed(
          job.id,
          results.flatMap((r) => (r.state === 'done' ? [r.item] : [])),
        )
    })
  }

  /**
   * Replayed deliveries whose replay was delivered (or that the current configuration sends nothing for) leave
   * the failed list; so do those whose replay failed again, the new failure standing for them.
   */
  private markReplayed(jobId: string, deliveryIds: number[]): void {
    if (deliveryIds.length > 0) this.sql(`UPDATE deliveries SET replayed_by = ? WHERE id IN ${jsonValues(this.db, 'bigint')}`).run(jobId, JSON.stringify(deliveryIds))
  }

  settle(job: Job, nowMs: number): Job {
    this.db.transaction(() => {
      this.lockedRow(job.id)
      const unsent = `job_id = ? AND state = 'sent' AND NOT EXISTS (${PENDING_OF_ITEM})`
      const failed = this.sql(`UPDATE job_items SET state = 'failed', reason = COALESCE((${FAILED_OF_ITEM} LIMIT 1), 'other') WHERE ${unsent} AND EXISTS (${FAILED_OF_ITEM}) RETURNING item`)
        .pluck()
        .all(job.id) as number[]
      const done = this.sql(`UPDATE job_items SET state = 'done' WHERE ${unsent} RETURNING item`).pluck().all(job.id) as number[]
      // A replay that failed again leaves the new failure listed in place of the one it replayed.
      if (job.kind === 'replay') this.markReplayed(job.id, [...done, ...failed])
      const row = this.row(job.id)
      if (row?.status === 'running' && !this.hasWork(row)) this.complete(row, nowMs)
      this.settleIfQuiet(job.id)
    })
    return this.byId(job.id) ?? job
  }

  private hasWork(row: JobRow): boolean {
    if (this.sql("SELECT 1 FROM job_items WHERE job_id = ? AND state IN ('queued', 'sent') LIMIT 1").get(row.id) !== undefined) return true
    return row.kind === 'backfill' && this.sql(`SELECT 1 ${BACKFILL_EVENTS} LIMIT 1`).get(row) !== undefined
  }

  /** Nothing left to map or deliver; a backfill's events deleted before they were mapped count as failed. */
  private complete(row: JobRow, nowMs: number): void {
    const items = this.sql('SELECT COUNT(*) FROM job_items WHERE job_id = ?').pluck().get(row.id) as number
    const lost = row.kind === 'backfill' ? Math.max(0, row.total - items) : 0
    this.sql("UPDATE jobs SET status = 'completed', finished_at = ?, lost = ? WHERE id = ?").run(nowMs, lost, row.id)
  }

  prune(beforeMs: number): number {
    return this.sql('DELETE FROM jobs WHERE settled = 1 AND finished_at < ?').run(beforeMs).changes
  }
}
