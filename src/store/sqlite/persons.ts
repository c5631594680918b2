import type Database from 'better-sqlite3'
import { newId } from '../tokens'
import type { CapturedEvent, Person, PersonDeletion, PersonStore } from '../types'
import { isRecord } from '../../json'

/** Persons as PostHog keeps them: properties per person, several distinct ids per person after $identify. */
export class SqlitePersonStore implements PersonStore {
  private readonly findStatement: Database.Statement
  private readonly upsertStatement: Database.Statement
  private readonly linkStatement: Database.Statement
  private readonly relinkStatement: Database.Statement
  private readonly deleteStatement: Database.Statement

  constructor(private readonly db: Database.Database) {
    this.findStatement = db.prepare(
      'SELECT p.id, p.properties FROM person_distinct_ids d JOIN persons p ON p.id = d.person_id WHERE d.project_id = ? AND d.distinct_id = ?',
    )
    this.upsertStatement = db.prepare(
      'INSERT INTO persons (id, project_id, properties, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET properties = excluded.properties, updated_at = excluded.updated_at',
    )
    this.linkStatement = db.prepare(
      'INSERT INTO person_distinct_ids (project_id, distinct_id, person_id) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET person_id = excluded.person_id',
    )
    this.relinkStatement = db.prepare('UPDATE person_distinct_ids SET person_id = ? WHERE project_id = ? AND person_id = ?')
    this.deleteStatement = db.prepare('DELETE FROM persons WHERE id = ?')
  }

  find(projectId: number, distinctId: string): Person | undefined {
    const row = this.findStatement.get(projectId, distinctId) as { id: string; properties: string } | undefined
    return row && { id: row.id, properties: JSON.parse(row.properties) }
  }

  apply(projectId: number, event: CapturedEvent): Person | undefined {
    const set = isRecord(event.properties.$set) ? event.properties.$set : {}
    const setOnce = isRecord(event.properties.$set_once) ? event.properties.$set_once : {}
    const anonymous = event.event === '$identify' && typeof event.properties.$anon_distinct_id === 'string' ? event.properties.$anon_distinct_id : undefined
    if (Object.keys(set).length === 0 && Object.keys(setOnce).length === 0 && anonymous === undefined) return undefined
    const identified = this.find(projectId, event.distinct_id)
    const anonymousPerson = anonymous ? this.find(projectId, anonymous) : undefined
    const person = identified ?? anonymousPerson
    // Two persons become one on $identify, as in PostHog: the identified person's values win.
    const previous = identified && anonymousPerson && anonymousPerson.id !== identified.id ? { ...anonymousPerson.properties, ...identified.properties } : person?.properties
    const merged = { ...setOnce, ...(previous ?? {}), ...set }
    const id = person?.id ?? newId()
    this.upsertStatement.run(id, projectId, JSON.stringify(merged), new Date().toISOString())
    this.linkStatement.run(projectId, event.distinct_id, id)
    if (anonymous !== undefined) this.linkStatement.run(projectId, anonymous, id)
    if (anonymousPerson && anonymousPerson.id !== id) {
      this.relinkStatement.run(id, projectId, anonymousPerson.id)
      this.deleteStatement.run(anonymousPerson.id)
    }
    return { id, properties: merged }
  }

  // --- delete (data at rest) -------------------------------------------------------------------
  delete(projectId: number, distinctId: string): PersonDeletion {
    const db = this.db
    // Deleted rows are overwritten with zeros, not only unlinked: the point is that the data is gone.
    const previous = db.pragma('secure_delete', { simple: true }) as number
    db.pragma('secure_delete = ON')
    try {
      return db
        .transaction((): PersonDeletion => {
          const person = this.findStatement.get(projectId, distinctId) as { id: string } | undefined
          const ids = person
            ? (db.prepare('SELECT distinct_id FROM person_distinct_ids WHERE project_id = ? AND person_id = ?').pluck().all(projectId, person.id) as string[])
            : [distinctId]
          const events = db
            .prepare("SELECT id, json_extract(payload, '$.uuid') AS uuid FROM events WHERE project_id = ? AND json_extract(payload, '$.distinct_id') IN (SELECT value FROM json_each(?))")
            .all(projectId, JSON.stringify(ids)) as { id: number; uuid: string }[]
          const uuids = JSON.stringify(events.map((e) => e.uuid))
          const inUuids = '(SELECT value FROM json_each(?))'
          return {
            deliveries: db.prepare(`DELETE FROM deliveries WHERE project_id = ? AND status <> 'delivered' AND event_uuid IN ${inUuids}`).run(projectId, uuids).changes,
            logs: db.prepare(`DELETE FROM logs WHERE project_id = ? AND instance_id IN ${inUuids}`).run(projectId, uuids).changes,
            events: db.prepare('DELETE FROM events WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(events.map((e) => e.id))).changes,
            distinctIds: person ? db.prepare('DELETE FROM person_distinct_ids WHERE project_id = ? AND person_id = ?').run(projectId, person.id).changes : 0,
            persons: person ? this.deleteStatement.run(person.id).changes : 0,
          }
        })
        .immediate()
    } finally {
      db.pragma(`secure_delete = ${previous === 2 ? 'FAST' : previous}`)
    }
  }
  // --- end delete ------------------------------------------------------------------------------
}
