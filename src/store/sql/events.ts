import type { SqlConnection, SqlStatement } from './connection'
import { PRUNE_CHUNK } from '../types'
import type { BatchLimits, CapturedEvent, EventQueue, QueuedEvent } from '../types'

/** The latest events of one name: the expression is the one of the events_name index, so that it is used. */
export const RECENT_OF_NAME_SQL = `SELECT payload FROM events
  WHERE project_id = @projectId AND (CASE WHEN json_valid(payload) THEN payload ->> '$.event' END) = @event ORDER BY id DESC LIMIT @limit`

type PendingRow = { id: number; project_id: number; bytes: number; payload: string | null; failures: number }

export class SqlEventQueue implements EventQueue {
  private readonly insert: SqlStatement
  private readonly watermarkStatement: SqlStatement
  /** Projects known to have a watermark row: the row is made once, by the first commit of their events. */
  private readonly watermarked = new Set<number>()
  private readonly pendingStatement: SqlStatement
  private readonly projectsStatement: SqlStatement
  private readonly beginStatement: SqlStatement
  private readonly markStatement: SqlStatement
  private readonly finishStatement: SqlStatement
  private readonly forgetFailuresStatement: SqlStatement
  private readonly recentStatement: SqlStatement
  private readonly recentOfNameStatement: SqlStatement
  private readonly appendAll: (groups: { projectId: number; payloads: string[] }[]) => void
  private readonly failAll: () => void

  constructor(private readonly db: SqlConnection) {
    this.insert = db.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (?, ?, ?)')
    this.watermarkStatement = db.prepare('INSERT INTO project_watermarks (project_id, processed_through, updated_at) VALUES (?, 0, 0) ON CONFLICT DO NOTHING')
    // octet_length reads a value's size without loading it: an oversized payload is never read.
    this.pendingStatement = db.prepare(
      `SELECT e.id, e.project_id, octet_length(e.payload) AS bytes, CASE WHEN octet_length(e.payload) <= @eventBytes THEN e.payload END AS payload,
         COALESCE(f.failures, 0) AS failures
       FROM events e LEFT JOIN event_failures f ON f.event_id = e.id
       WHERE e.project_id = @projectId AND e.id > (SELECT processed_through FROM project_watermarks WHERE project_id = @projectId)
       ORDER BY e.id LIMIT @limit`,
    )
    this.projectsStatement = db.prepare(
      'SELECT w.project_id FROM project_watermarks w WHERE EXISTS (SELECT 1 FROM events e WHERE e.project_id = w.project_id AND e.id > w.processed_through) ORDER BY w.project_id',
    )
    this.beginStatement = db.prepare(
      'INSERT INTO event_batches (project_id, first_id, last_id) VALUES (?, ?, ?) ON CONFLICT(project_id) DO UPDATE SET first_id = excluded.first_id, last_id = excluded.last_id',
    )
    this.markStatement = db.prepare(
      `INSERT INTO project_watermarks (project_id, processed_through, updated_at) VALUES (?, ?, ?)
       ON CONFLICT(project_id) DO UPDATE SET processed_through = MAX(processed_through, excluded.processed_through), updated_at = excluded.updated_at`,
    )
    this.finishStatement = db.prepare('DELETE FROM event_batches WHERE project_id = ?')
    this.forgetFailuresStatement = db.prepare('DELETE FROM event_failures WHERE project_id = ? AND event_id <= ?')
    this.recentStatement = db.prepare('SELECT payload FROM events WHERE project_id = @projectId ORDER BY id DESC LIMIT @limit')
    this.recentOfNameStatement = db.prepare(RECENT_OF_NAME_SQL)
    this.appendAll = (groups: { projectId: number; payloads: string[] }[]) => {
      const now = Date.now()
      for (const { projectId, payloads } of groups) {
        if (payloads.length > 0 && !this.watermarked.has(projectId)) this.watermarkStatement.run(projectId)
        for (const payload of payloads) this.insert.run(projectId, payload, now)
      }
    }
    const countFailures = db.prepare(
      `INSERT INTO event_failures (event_id, project_id, failures)
       SELECT e.id, e.project_id, 1 FROM event_batches b
         JOIN project_watermarks w ON w.project_id = b.project_id
         JOIN events e ON e.project_id = b.project_id AND e.id BETWEEN b.first_id AND b.last_id
       WHERE e.id > w.processed_through
       ON CONFLICT(event_id) DO UPDATE SET failures = failures + 1`,
    )
    const forgetBatches = db.prepare('DELETE FROM event_batches')
    this.failAll = () => {
      countFailures.run()
      forgetBatches.run()
    }
  }

  append(projectId: number, events: CapturedEvent[]): void {
    this.appendGroups([{ projectId, payloads: events.map((event) => JSON.stringify(event)) }])
  }

  appendGroups(groups: { projectId: number; payloads: string[] }[]): void {
    if (!groups.some((g) => g.payloads.length > 0)) return
    this.db.transaction(() => this.appendAll(groups))
    // Committed: these projects have their watermark row from now on, and later commits skip the upsert.
    for (const { projectId, payloads } of groups) if (payloads.length > 0) this.watermarked.add(projectId)
  }

  pendingProjects(): number[] {
    return (this.projectsStatement.all() as { project_id: number }[]).map((row) => row.project_id)
  }

  pending(projectId: number, limits: BatchLimits): QueuedEvent[] {
    const events: QueuedEvent[] = []
    let bytes = 0
    for (const row of this.pendingStatement.iterate({ projectId, limit: limits.events, eventBytes: limits.eventBytes }) as IterableIterator<PendingRow>) {
      const read = row.payload === null ? 0 : row.bytes
      const full = events.length > 0 && (bytes + read > limits.bytes || row.failures > 0)
      if (full) break
      events.push(toQueued(row, limits.eventBytes))
      bytes += read
      if (row.failures > 0) break
    }
    return events
  }

  begin(projectId: number, firstId: number, lastId: number): void {
    this.beginStatement.run(projectId, firstId, lastId)
  }

  failUnfinished(): void {
    this.db.transaction(this.failAll)
  }

  markProcessedThrough(projectId: number, lastId: number, atMs: number): void {
    this.markStatement.run(projectId, lastId, atMs)
    this.finishStatement.run(projectId)
    this.forgetFailuresStatement.run(projectId, lastId)
  }

  countPending(projectId?: number): number {
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM((SELECT COUNT(*) FROM events e WHERE e.project_id = w.project_id AND e.id > w.processed_through)), 0) AS n
         FROM project_watermarks w WHERE ? IS NULL OR w.project_id = ?`,
      )
      .get(projectId ?? null, projectId ?? null)
    return (row as { n: number }).n
  }

  recent(projectId: number, query: { limit: number; event?: string }): CapturedEvent[] {
    // Walks the project's index backwards, or that of its events of one name.
    const rows = (query.event === undefined ? this.recentStatement.all({ projectId, limit: query.limit }) : this.recentOfNameStatement.all({ projectId, event: query.event, limit: query.limit })) as {
      payload: string
    }[]
    return rows.flatMap((row) => {
      try {
        return [JSON.parse(row.payload) as CapturedEvent]
      } catch {
        return []
      }
    })
  }

  prune(beforeMs: number): number {
    return this.db
      .prepare(
        `DELETE FROM events WHERE id IN (SELECT e.id FROM events e JOIN project_watermarks w ON w.project_id = e.project_id
         WHERE e.received_at < ? AND e.id <= w.processed_through LIMIT ${PRUNE_CHUNK})`,
      )
      .run(beforeMs).changes
  }
}

function toQueued(row: PendingRow, eventBytes: number): QueuedEvent {
  const base = { id: row.id, project_id: row.project_id, failures: row.failures }
  if (row.payload === null) return { ...base, event: null, unreadable: `it is ${row.bytes} bytes, over the limit of ${eventBytes}` }
  try {
    return { ...base, event: JSON.parse(row.payload) as CapturedEvent }
  } catch {
    return { ...base, event: null, unreadable: 'its stored payload is not valid JSON' }
  }
}
