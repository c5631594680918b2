import Database from 'better-sqlite3'
import { RECENT_OF_NAME_SQL, SqlEventQueue } from '../../src/store/sql/events'
import { SyncPgConnection } from '../../src/store/postgres/sync-connection'
import { SqliteConnection } from '../../src/store/sqlite/connection'
import { migrate } from '../../src/store/sqlite/migrations'
import type { CapturedEvent } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

const event = (uuid: string, name: string): CapturedEvent => ({ uuid, event: name, distinct_id: 'd', properties: {}, timestamp: '2026-12-01T00:00:00.000Z' })
const UNREADABLE = '{"event": "Order Completed", not json'

describe('the latest stored events of one name on sqlite', () => {
  it('are read through the events_name index, not by reading every payload of the project', () => {
    const db = new Database(':memory:')
    migrate(db)
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${RECENT_OF_NAME_SQL.sqlite}`).all({ projectId: 1, event: 'Lead', limit: 1 }) as { detail: string }[]).map((row) => row.detail)
    db.close()
    expect(plan).toEqual(['SEARCH events USING INDEX events_name (project_id=? AND <expr>=?)'])
  })
})

describe('the latest stored events of one name on postgres', () => {
  let opened: TestStore
  let raw: SyncPgConnection
  beforeAll(async () => {
    opened = await openTestStore('postgres')
    raw = new SyncPgConnection(opened.location)
  })
  afterAll(async () => {
    raw.close()
    await opened.close()
  })

  it('are read through the events_name index on the name stored at insert', () => {
    const names = ['Order Completed', 'Product Added', 'Lead']
    for (let p = 1; p <= 4; p++)
      opened.store.events.append(
        p,
        Array.from({ length: 500 }, (_, i) => event(`${p}-${i}`, names[i % 3])),
      )
    raw.exec('ANALYZE events')
    const plan = (
      raw.prepare(`EXPLAIN ${RECENT_OF_NAME_SQL.postgres.replace(/@(\w+)/g, (_, name) => ({ projectId: '1', event: "'Lead'", limit: '5' })[name as string] as string)}`).all() as {
        'QUERY PLAN': string
      }[]
    )
      .map((row) => row['QUERY PLAN'])
      .join('\n')
    expect(plan).toMatch(/Index Scan Backward using events_name on events/)
    const stored = raw.prepare('SELECT event_name, COUNT(*) AS n FROM events WHERE project_id = 1 GROUP BY event_name ORDER BY event_name').all()
    expect(stored).toEqual([
      { event_name: 'Lead', n: 166 },
      { event_name: 'Order Completed', n: 167 },
      { event_name: 'Product Added', n: 167 },
    ])
  })
})

describe.each(STORE_KINDS)('the latest stored events of one name on %s', (kind) => {
  let opened: TestStore
  let insertRaw: (projectId: number, payload: string) => void
  let closeRaw: () => void
  beforeEach(async () => {
    opened = await openTestStore(kind)
    if (kind === 'sqlite') {
      // In memory: the test's rows go through the store's own connection.
      const db = new Database(':memory:')
      migrate(db)
      const queue = new SqlEventQueue(new SqliteConnection(db))
      opened = { ...opened, store: { ...opened.store, events: queue } }
      insertRaw = (projectId, payload) => db.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (?, ?, 0)').run(projectId, payload)
      closeRaw = () => db.close()
    } else {
      const raw = new SyncPgConnection(opened.location)
      insertRaw = (projectId, payload) => raw.prepare('INSERT INTO events (project_id, payload, received_at, event_name) VALUES (?, ?, 0, NULL)').run(projectId, payload)
      closeRaw = () => raw.close()
    }
  })
  afterEach(async () => {
    closeRaw()
    await opened.close()
  })

  it('are listed newest first, of that project and name only, and an unreadable payload neither fails its insert nor shows', () => {
    const queue = opened.store.events
    queue.append(1, [event('a1', 'Order Completed'), event('b1', 'Product Added'), event('a2', 'Order Completed')])
    queue.append(2, [event('other', 'Order Completed')])
    insertRaw(1, UNREADABLE)
    queue.append(1, [event('a3', 'Order Completed')])

    expect(queue.recent(1, { limit: 10, event: 'Order Completed' }).map((e) => e.uuid)).toEqual(['a3', 'a2', 'a1'])
    expect(queue.recent(1, { limit: 2, event: 'Order Completed' }).map((e) => e.uuid)).toEqual(['a3', 'a2'])
    expect(queue.recent(1, { limit: 10, event: 'Lead' })).toEqual([])
    expect(queue.recent(1, { limit: 10 }).map((e) => e.uuid)).toEqual(['a3', 'a2', 'b1', 'a1'])
  })

  it('finds names that need escaping, and a name with a NUL finds nothing rather than failing', () => {
    const queue = opened.store.events
    const odd = ['say "hi"', 'back\\slash', 'émoji 🎉', 'nul\0name']
    queue.append(
      1,
      odd.map((name, i) => event(`odd-${i}`, name)),
    )
    expect(odd.map((name) => queue.recent(1, { limit: 5, event: name }).map((e) => e.uuid))).toEqual([['odd-0'], ['odd-1'], ['odd-2'], []])
  })
})
