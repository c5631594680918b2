import type Database from 'better-sqlite3'
import { PRUNE_CHUNK } from '../types'
import type { CapturedEvent, EventQueue, QueuedEvent } from '../types'

export class SqliteEventQueue implements EventQueue {
  private readonly insert: Database.Statement
  private readonly pendingStatement: Database.Statement
  private readonly markStatement: Database.Statement
  private readonly appendAll: Database.Transaction<(groups: { projectId: number; payloads: string[] }[]) => void>

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (?, ?, ?)')
    this.pendingStatement = db.prepare(
      'SELECT id, project_id, payload FROM events WHERE id > (SELECT processed_through FROM event_watermark WHERE id = 1) ORDER BY id LIMIT ?',
    )
    this.markStatement = db.prepare('UPDATE event_watermark SET processed_through = MAX(processed_through, ?), updated_at = ? WHERE id = 1')
    this.appendAll = db.transaction((groups: { projectId: number; payloads: string[] }[]) => {
      const now = Date.now()
      for (const { projectId, payloads } of groups) for (const payload of payloads) this.insert.run(projectId, payload, now)
    })
  }

  append(projectId: number, events: CapturedEvent[]): void {
    this.appendGroups([{ projectId, payloads: events.map((event) => JSON.stringify(event)) }])
  }

  appendGroups(groups: { projectId: number; payloads: string[] }[]): void {
    if (groups.some((g) => g.payloads.length > 0)) this.appendAll.immediate(groups)
  }

  pending(limit: number): QueuedEvent[] {
    const rows = this.pendingStatement.all(limit) as {
      id: number
      project_id: number
      payload: string
    }[]
    return rows.map((row) => ({ id: row.id, project_id: row.project_id, event: JSON.parse(row.payload) as CapturedEvent }))
  }

  markProcessedThrough(lastId: number, atMs: number): void {
    this.markStatement.run(lastId, atMs)
  }

  countPending(): number {
    const row = this.db.prepare('SELECT COUNT(*) AS n FROM events WHERE id > (SELECT processed_through FROM event_watermark WHERE id = 1)').get()
    return (row as { n: number }).n
  }

  prune(beforeMs: number): number {
    return this.db
      .prepare(
        `DELETE FROM events WHERE id IN (SELECT id FROM events WHERE id <= (SELECT processed_through FROM event_watermark WHERE id = 1)
         AND received_at < ? LIMIT ${PRUNE_CHUNK})`,
      )
      .run(beforeMs).changes
  }
}
