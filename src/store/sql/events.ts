import type { SqlConnection, SqlStatement } from './connection'
import { dialectSql } from './connection'
import { atomically, chunksOf, writeAlone } from './atomically'
import { LOCK_KEYS } from '../postgres/lock-keys'
import { PRUNE_CHUNK } from '../types'
import type { BatchLimits, CapturedEvent, EventQueue, QueuedEvent } from '../types'

/**
 * The latest events of one name, through an index: SQLite's is on an expression of the payload (the same
 * expression here, so that it is used), Postgres's on the event_name column filled at insert.
 */
export const RECENT_OF_NAME_SQL = {
  sqlite: `SELECT payload FROM events
  WHERE project_id = @projectId AND (CASE WHEN json_valid(payload) THEN payload ->> '$.event' END) = @event ORDER BY id DESC LIMIT @limit`,
  postgres: 'SELECT payload FROM events WHERE project_id = @projectId AND event_name = @event ORDER BY id DESC LIMIT @limit',
}

type PendingRow = { id: number; project_id: number; bytes: number; payload: string | null; failures: number }
type Group = { projectId: number; payloads: string[] }

export class SqlEventQueue implements EventQueue {
  private readonly watermarkStatement: SqlStatement
  /** Projects known to have a watermark row: the row is made once, by the first commit of their events. */
  private readonly watermarked = new Set<number>()
  private readonly pendingStatement: SqlStatement
  private readonly projectsStatement: SqlStatement
  private readonly lock: (projectId: number) => boolean
  private readonly unlock: (projectId: number) => void
  private readonly unfinishedStatement: SqlStatement
  private readonly beginStatement: SqlStatement
  private readonly markStatement: SqlStatement
  private readonly finishStatement: SqlStatement
  private readonly forgetFailuresStatement: SqlStatement
  private readonly recentStatement: SqlStatement
  private readonly recentOfNameStatement: SqlStatement
  /** The statements that insert the groups' events, to run all or none. */
  private readonly insertRows: (groups: Group[], now: number) => (() => void)[]
  private readonly failUnfinished: (projectId: number) => void

  constructor(private readonly db: SqlConnection) {
    this.watermarkStatement = db.prepare('INSERT INTO project_watermarks (project_id, processed_through, updated_at) VALUES (?, 0, 0) ON CONFLICT DO NOTHING')
    // octet_length reads a value's size without loading it: an oversized payload is never read.
    this.pendingStatement = db.prepare(
      `SELECT e.id, e.project_id, octet_length(e.payload) AS bytes, CASE WHEN octet_length(e.payload) <= @eventBytes THEN e.payload END AS payload,
         COALESCE(f.failures, 0) AS failures
       FROM events e LEFT JOIN event_failures f ON f.event_id = e.id
       WHERE e.project_id = @projectId AND e.id > (SELECT processed_through FROM project_watermarks WHERE project_id = @projectId)
       ORDER BY e.id LIMIT @limit`,
    )
    // A probe of the index per project, whatever the table's statistics say (an EXISTS may become a join over all events).
    this.projectsStatement = db.prepare(
      `SELECT w.project_id FROM project_watermarks w
       WHERE (SELECT e.id FROM events e WHERE e.project_id = w.project_id AND e.id > w.processed_through ORDER BY e.project_id, e.id LIMIT 1) IS NOT NULL
       ORDER BY w.project_id`,
    )
    // SQLite has one process, and its one pipeline thread takes the projects in turn: nothing to lock.
    // On Postgres the lock is the session's: a worker whose connection ends (killed, lost) lets go of it at once.
    if (db.dialect === 'postgres') {
      const lock = db.prepare(`SELECT pg_try_advisory_lock(${LOCK_KEYS.projectEvents}, CAST(? AS integer))`).pluck()
      const unlock = db.prepare(`SELECT pg_advisory_unlock(${LOCK_KEYS.projectEvents}, CAST(? AS integer))`)
      this.lock = (projectId) => lock.get(projectId) === true
      this.unlock = (projectId) => unlock.run(projectId)
    } else {
      this.lock = () => true
      this.unlock = () => {}
    }
    this.unfinishedStatement = db.prepare('SELECT 1 FROM event_batches WHERE project_id = ?').pluck()
    this.beginStatement = db.prepare(
      'INSERT INTO event_batches (project_id, first_id, last_id) VALUES (?, ?, ?) ON CONFLICT(project_id) DO UPDATE SET first_id = excluded.first_id, last_id = excluded.last_id',
    )
    this.markStatement = db.prepare(
      `INSERT INTO project_watermarks (project_id, processed_through, updated_at) VALUES (@projectId, @lastId, @atMs)
       ON CONFLICT(project_id) DO UPDATE SET updated_at = excluded.updated_at, processed_through =
         CASE WHEN excluded.processed_through > project_watermarks.processed_through THEN excluded.processed_through ELSE project_watermarks.processed_through END
       WHERE project_watermarks.processed_through < @firstId`,
    )
    this.finishStatement = db.prepare('DELETE FROM event_batches WHERE project_id = ?')
    this.forgetFailuresStatement = db.prepare('DELETE FROM event_failures WHERE project_id = ? AND event_id <= ?')
    this.recentStatement = db.prepare('SELECT payload FROM events WHERE project_id = @projectId ORDER BY id DESC LIMIT @limit')
    this.recentOfNameStatement = db.prepare(dialectSql(db, RECENT_OF_NAME_SQL))
    this.insertRows = db.dialect === 'postgres' ? pgInsert(db) : sqliteInsert(db)
    const countFailures = db.prepare(
      `INSERT INTO event_failures (event_id, project_id, failures)
       SELECT e.id, e.project_id, 1 FROM event_batches b
         JOIN project_watermarks w ON w.project_id = b.project_id
         JOIN events e ON e.project_id = b.project_id AND e.id BETWEEN b.first_id AND b.last_id
       WHERE b.project_id = ? AND e.id > w.processed_through
       ON CONFLICT(event_id) DO UPDATE SET failures = event_failures.failures + 1`,
    )
    this.failUnfinished = (projectId) =>
      db.transaction(() => {
        countFailures.run(projectId)
        this.finishStatement.run(projectId)
      })
  }

  append(projectId: number, events: CapturedEvent[]): void {
    this.appendGroups([{ projectId, payloads: events.map((event) => JSON.stringify(event)) }])
  }

  appendGroups(groups: Group[]): void {
    if (!groups.some((g) => g.payloads.length > 0)) return
    const now = Date.now()
    const fresh = groups.filter((g) => g.payloads.length > 0 && !this.watermarked.has(g.projectId))
    const steps: (() => void)[] = fresh.map((g) => () => void this.watermarkStatement.run(g.projectId))
    steps.push(...this.insertRows(groups, now))
    atomically(this.db, steps, (step) => step())
    // Committed: these projects have their watermark row from now on, and later commits skip the upsert.
    for (const { projectId, payloads } of groups) if (payloads.length > 0) this.watermarked.add(projectId)
  }

  pendingProjects(): number[] {
    return (this.projectsStatement.all() as { project_id: number }[]).map((row) => row.project_id)
  }

  claim(projectId: number): boolean {
    if (!this.lock(projectId)) return false
    // Read after the lock is held: a batch recorded now has no live worker (its lock went with its connection).
    if (this.unfinishedStatement.get(projectId) !== undefined) this.failUnfinished(projectId)
    return true
  }

  release(projectId: number): void {
    this.unlock(projectId)
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
    writeAlone(this.db, () => this.beginStatement.run(projectId, firstId, lastId))
  }

  markProcessedThrough(projectId: number, lastId: number, atMs: number, firstId = Number.MAX_SAFE_INTEGER): void {
    // A Postgres connection that dropped and was replaced lost its session's lock: another worker may have run the batch.
    if (this.markStatement.run({ projectId, lastId, atMs, firstId }).changes === 0) throw new Error(`the events of project ${projectId} from #${firstId} were processed by another worker meanwhile`)
    this.finishStatement.run(projectId)
    this.forgetFailuresStatement.run(projectId, lastId)
  }

  countPending(projectId?: number): number {
    const row = this.db
      .prepare(
        `SELECT COALESCE(SUM((SELECT COUNT(*) FROM events e WHERE e.project_id = w.project_id AND e.id > w.processed_through)), 0) AS n
         FROM project_watermarks w WHERE CAST(? AS bigint) IS NULL OR w.project_id = ?`,
      )
      .get(projectId ?? null, projectId ?? null)
    return Number((row as { n: number }).n)
  }

  recent(projectId: number, query: { limit: number; event?: string }): CapturedEvent[] {
    // No stored name holds a NUL (Postgres text cannot), and Postgres refuses one as a parameter.
    if (query.event?.includes('\0')) return []
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

/** SQLite: a prepared insert per row costs microseconds in process. */
function sqliteInsert(db: SqlConnection): (groups: Group[], now: number) => (() => void)[] {
  const insert = db.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (?, ?, ?)')
  return (groups, now) => groups.flatMap(({ projectId, payloads }) => payloads.map((payload) => () => void insert.run(projectId, payload, now)))
}

/** Postgres: a round trip per statement, so one statement per chunk of rows, with each event's name for its index. */
function pgInsert(db: SqlConnection): (groups: Group[], now: number) => (() => void)[] {
  const insert = db.prepare(
    `INSERT INTO events (project_id, payload, received_at, event_name)
     SELECT r.project_id, r.payload, @now, r.event_name FROM unnest(@projects::bigint[], @payloads::text[], @names::text[]) AS r(project_id, payload, event_name)`,
  )
  return (groups, now) => {
    const rows = groups.flatMap(({ projectId, payloads }) => payloads.map((payload) => ({ projectId, payload })))
    return chunksOf(rows).map(
      (chunk) => () => void insert.run({ now, projects: chunk.map((r) => r.projectId), payloads: chunk.map((r) => r.payload), names: chunk.map((r) => eventNameOf(r.payload)) }),
    )
  }
}

/**
 * Capture's events are serialised with `uuid` then `event` first (readCapturedEvent), so the name is read
 * from the start of the text; anything else is parsed whole. A name with a NUL is not kept (Postgres text cannot).
 */
export function eventNameOf(payload: string): string | null {
  const head = /^\{"uuid":"(?:[^"\\]|\\.)*","event":("(?:[^"\\]|\\.)*")/.exec(payload)
  let name: unknown
  try {
    name = head ? JSON.parse(head[1]) : (JSON.parse(payload) as { event?: unknown }).event
  } catch {
    return null
  }
  return typeof name === 'string' && !name.includes('\0') ? name : null
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
