import Database from 'better-sqlite3'
import { RECENT_OF_NAME_SQL, SqlEventQueue } from '../../src/store/sql/events'
import { SqliteConnection } from '../../src/store/sqlite/connection'
import { migrate } from '../../src/store/sqlite/migrations'
import type { CapturedEvent } from '../../src/store/types'

const event = (uuid: string, name: string): CapturedEvent => ({ uuid, event: name, distinct_id: 'd', properties: {}, timestamp: '2026-12-01T00:00:00.000Z' })

describe('the latest stored events of one name', () => {
  let db: Database.Database
  let queue: SqlEventQueue

  beforeEach(() => {
    db = new Database(':memory:')
    migrate(db)
    queue = new SqlEventQueue(new SqliteConnection(db))
  })

  afterEach(() => db.close())

  it('are read through the events_name index, not by reading every payload of the project', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${RECENT_OF_NAME_SQL}`).all({ projectId: 1, event: 'Lead', limit: 1 }) as { detail: string }[]).map((row) => row.detail)
    expect(plan).toEqual(['SEARCH events USING INDEX events_name (project_id=? AND <expr>=?)'])
  })

  it('are listed newest first, of that project and name only, and an unreadable payload neither fails its insert nor shows', () => {
    queue.append(1, [event('a1', 'Order Completed'), event('b1', 'Product Added'), event('a2', 'Order Completed')])
    queue.append(2, [event('other', 'Order Completed')])
    db.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (1, ?, 0)').run('{"event": "Order Completed", not json')
    queue.append(1, [event('a3', 'Order Completed')])

    expect(queue.recent(1, { limit: 10, event: 'Order Completed' }).map((e) => e.uuid)).toEqual(['a3', 'a2', 'a1'])
    expect(queue.recent(1, { limit: 2, event: 'Order Completed' }).map((e) => e.uuid)).toEqual(['a3', 'a2'])
    expect(queue.recent(1, { limit: 10, event: 'Lead' })).toEqual([])
    expect(queue.recent(1, { limit: 10 }).map((e) => e.uuid)).toEqual(['a3', 'a2', 'b1', 'a1'])
  })
})
