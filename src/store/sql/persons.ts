import { dialectSql, type SqlConnection, type SqlStatement } from './connection'
import type { PersonChanges, PersonDeletion, PersonStore, StoredPerson } from '../types'
import { jsonField, jsonValues } from './portable'

/** Persons as PostHog keeps them: properties per person, several distinct ids per person after $identify. */
export class SqlPersonStore implements PersonStore {
  private readonly findStatement: SqlStatement
  private readonly findManyStatement: SqlStatement
  private readonly upsertStatement: SqlStatement
  private readonly linkStatement: SqlStatement
  private readonly relinkStatement: SqlStatement
  private readonly deleteStatement: SqlStatement

  constructor(private readonly db: SqlConnection) {
    this.findStatement = db.prepare('SELECT p.id, p.properties FROM person_distinct_ids d JOIN persons p ON p.id = d.person_id WHERE d.project_id = ? AND d.distinct_id = ?')
    // Postgres's ANY over an array is an index lookup per id; an IN over json_array_elements_text is planned for 100 rows.
    const ids = dialectSql(db, { sqlite: 'IN (SELECT value FROM json_each(?))', postgres: '= ANY (ARRAY(SELECT json_array_elements_text(?::json)))' })
    this.findManyStatement = db.prepare(`SELECT d.distinct_id, p.id, p.properties FROM person_distinct_ids d JOIN persons p ON p.id = d.person_id WHERE d.project_id = ? AND d.distinct_id ${ids}`)
    this.upsertStatement = db.prepare(
      'INSERT INTO persons (id, project_id, properties, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET properties = excluded.properties, updated_at = excluded.updated_at',
    )
    this.linkStatement = db.prepare(
      'INSERT INTO person_distinct_ids (project_id, distinct_id, person_id) VALUES (?, ?, ?) ON CONFLICT (project_id, distinct_id) DO UPDATE SET person_id = excluded.person_id',
    )
    this.relinkStatement = db.prepare('UPDATE person_distinct_ids SET person_id = ? WHERE project_id = ? AND person_id = ?')
    this.deleteStatement = db.prepare('DELETE FROM persons WHERE id = ?')
  }

  find(projectId: number, distinctId: string): StoredPerson | undefined {
    const row = this.findStatement.get(projectId, distinctId) as { id: string; properties: string } | undefined
    return row && storedPerson(row)
  }

  findMany(projectId: number, distinctIds: readonly string[]): Map<string, StoredPerson> {
    const found = new Map<string, StoredPerson>()
    if (distinctIds.length === 0) return found
    const rows = this.findManyStatement.all(projectId, JSON.stringify(distinctIds)) as { distinct_id: string; id: string; properties: string }[]
    for (const row of rows) found.set(row.distinct_id, storedPerson(row))
    return found
  }

  write(projectId: number, changes: PersonChanges): void {
    const now = new Date().toISOString()
    for (const person of changes.persons) this.upsertStatement.run(person.id, projectId, person.properties, now)
    for (const link of changes.links) this.linkStatement.run(projectId, link.distinctId, link.personId)
    for (const { from, into } of changes.merged) {
      this.relinkStatement.run(into, projectId, from)
      this.deleteStatement.run(from)
    }
  }

  delete(projectId: number, distinctId: string): PersonDeletion {
    const db = this.db
    // Deleted rows are overwritten, not only unlinked, where the database can: the point is that the data is gone.
    return db.erasing(() =>
      db.transaction((): PersonDeletion => {
        const person = this.findStatement.get(projectId, distinctId) as { id: string } | undefined
        const ids = person ? (db.prepare('SELECT distinct_id FROM person_distinct_ids WHERE project_id = ? AND person_id = ?').pluck().all(projectId, person.id) as string[]) : [distinctId]
        const texts = jsonValues(db, 'text')
        const events = db
          .prepare(`SELECT id, ${jsonField(db, 'payload', 'uuid')} AS uuid FROM events WHERE project_id = ? AND ${jsonField(db, 'payload', 'distinct_id')} IN ${texts}`)
          .all(projectId, JSON.stringify(ids)) as { id: number; uuid: string }[]
        const uuids = JSON.stringify(events.map((e) => e.uuid))
        return {
          deliveries: db.prepare(`DELETE FROM deliveries WHERE project_id = ? AND status <> 'delivered' AND event_uuid IN ${texts}`).run(projectId, uuids).changes,
          // Log lines name the distinct id too, and outlive the stored events.
          logs: db.prepare(`DELETE FROM logs WHERE project_id = ? AND (instance_id IN ${texts} OR distinct_id IN ${texts})`).run(projectId, uuids, JSON.stringify(ids)).changes,
          events: db.prepare(`DELETE FROM events WHERE id IN ${jsonValues(db, 'bigint')}`).run(JSON.stringify(events.map((e) => e.id))).changes,
          distinctIds: person ? db.prepare('DELETE FROM person_distinct_ids WHERE project_id = ? AND person_id = ?').run(projectId, person.id).changes : 0,
          persons: person ? this.deleteStatement.run(person.id).changes : 0,
        }
      }),
    )
  }
}

function storedPerson(row: { id: string; properties: string }): StoredPerson {
  return { id: row.id, properties: JSON.parse(row.properties), bytes: Buffer.byteLength(row.properties) }
}
