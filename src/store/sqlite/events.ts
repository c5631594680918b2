import type Database from 'better-sqlite3'
import type { CapturedEvent, EventQueue, QueuedEvent } from '../types'

export class SqliteEventQueue implements EventQueue {
  private readonly insert: Database.Statement
  private readonly pendingStatement: Database.Statement
  private readonly markStatement: Database.Statement
  private readonly appendAll: (groups: { projectId: number; events: CapturedEvent[] }[]) => void

  constructor(private readonly db: Database.Database) {
    this.insert = db.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (?, ?, ?)')
    this.pendingStatement = db.prepare('SELECT id, project_id, payload FROM events WHERE processed_at IS NULL ORDER BY id LIMIT ?')
    this.markStatement = db.prepare('UPDATE events SET processed_at = ? WHERE id = ?')
    this.appendAll = db.transaction((groups: { projectId: number; events: CapturedEvent[] }[]) => {
      const now = Date.now()
      for (const { projectId, events } of groups) for (const event of events) this.insert.run(projectId, JSON.stringify(event), now)
    })
  }

  append(projectId: number, events: CapturedEvent[]): void {
    if (events.length > 0) this.appendAll([{ projectId, events }])
  }

  appendGroups(groups: { projectId: number; events: CapturedEvent[] }[]): void {
    if (groups.some((g) => g.events.length > 0)) this.appendAll(groups)
  }

  pending(limit: number): QueuedEvent[] {
    const rows = this.pendingStatement.all(limit) as {
      id: number
      project_id: number
      payload: string
    }[]
    return rows.map((row) => ({ id: row.id, project_id: row.project_id, event: JSON.parse(row.payload) as CapturedEvent }))
  }

  markProcessed(ids: number[], atMs: number): void {
    const run = this.db.transaction(() => {
      for (const id of ids) this.markStatement.run(atMs, id)
    })
    run()
  }

  countPending(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM events WHERE processed_at IS NULL').get() as { n: number }).n
  }

  prune(beforeMs: number): number {
    return this.db.prepare('DELETE FROM events WHERE processed_at IS NOT NULL AND processed_at < ?').run(beforeMs).changes
  }
}
