import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { migrate } from '../../src/store/sqlite/migrations'
import { applyPersons, capturedEvent } from '../helpers/persons'

const event = (id: string) => JSON.stringify({ event_name: 'checkout', event_id: id, custom_data: { value: '12.5' } })
let dir: string
let file: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'delivery-payloads-'))
  file = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** The schema version before deliveries' events moved out of their rows. */
function versionBefore(): number {
  const fresh = new Database(':memory:')
  migrate(fresh)
  const latest = fresh.pragma('user_version', { simple: true }) as number
  fresh.close()
  return latest - 1
}

function rawRows(sql: string): unknown[] {
  const db = new Database(file, { readonly: true })
  try {
    return db.prepare(sql).all()
  } finally {
    db.close()
  }
}

describe("a SQLite delivery's Pinterest event", () => {
  it('moves out of the deliveries of an older database, and is read back as it was', () => {
    const old = new Database(file)
    migrate(old, versionBefore())
    const insert = old.prepare(
      `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at, reason)
       VALUES (1, 'f', 'Checkout', ?, ?, ?, ?, 1, 5, 5, 5, ?)`,
    )
    insert.run('u1', 'waiting', event('waiting'), 'pending', null)
    insert.run('u2', 'sent', event('sent'), 'delivered', null)
    insert.run('u3', 'refused', event('refused'), 'failed', 'rejected')
    old.close()

    const store = openSqliteStore(file)
    expect(store.deliveries.dueFor('f', 10, 10).map((d) => [d.event_id, d.payload])).toEqual([['waiting', event('waiting')]])
    const failed = store.deliveries.failed('f', { status: ['failed'] }, { limit: 10, offset: 0 })
    expect(failed.results.map((d) => [d.event_id, d.payload])).toEqual([['refused', event('refused')]])
    store.close()

    expect(rawRows("SELECT name FROM pragma_table_info('deliveries') WHERE name = 'payload'")).toEqual([])
    expect(rawRows('SELECT d.event_id, p.payload FROM delivery_payloads p JOIN deliveries d ON d.id = p.delivery_id ORDER BY d.id')).toEqual([
      { event_id: 'waiting', payload: event('waiting') },
      { event_id: 'sent', payload: event('sent') },
      { event_id: 'refused', payload: event('refused') },
    ])
  })

  it('is stored beside each new delivery, stays as it was when the delivery settles, and goes when the delivery is pruned', () => {
    const store = openSqliteStore(file)
    store.deliveries.add(
      ['a', 'b', 'c'].map((id) => ({ project_id: 1, function_id: 'f', mapping: 'Checkout', event_uuid: `u-${id}`, event_id: id, payload: event(id), next_attempt_at: 5, first_seen_at: 5 })),
    )
    const [a, b] = store.deliveries.dueFor('f', 10, 2)
    expect([a.payload, b.payload]).toEqual([event('a'), event('b')])
    store.deliveries.settle(
      [
        { id: a.id, status: 'delivered', attempts: 1, next_attempt_at: 5, last_error: null },
        { id: b.id, status: 'failed', attempts: 1, next_attempt_at: 5, last_error: 'rejected by Pinterest (400): bad event' },
      ],
      100,
    )
    expect(store.deliveries.failed('f', { status: ['failed'] }, { limit: 10, offset: 0 }).results.map((d) => d.payload)).toEqual([event('b')])
    expect(store.deliveries.dueFor('f', 10, 10).map((d) => d.payload)).toEqual([event('c')])

    expect(store.deliveries.prune(200)).toBe(2)
    store.close()
    expect(rawRows('SELECT d.event_id, p.payload FROM delivery_payloads p JOIN deliveries d ON d.id = p.delivery_id')).toEqual([{ event_id: 'c', payload: event('c') }])
    expect(rawRows('SELECT COUNT(*) AS n FROM delivery_payloads')).toEqual([{ n: 1 }])
  })

  it("leaves no byte of itself in the database's files when its person is deleted", () => {
    const store = openSqliteStore(file)
    const events = [capturedEvent('e1', 'Order Completed', 'user-1', { $set: { email: 'jane@example.com' } })]
    store.events.append(1, events)
    applyPersons(store, 1, events)
    const marker = 'a1b2c3d4e5f60718293a4b5c6d7e8f90-hashed-email-of-jane'
    store.deliveries.add([
      { project_id: 1, function_id: 'f', mapping: 'Checkout', event_uuid: 'e1', event_id: 'e1', payload: JSON.stringify({ user_data: { em: [marker] } }), next_attempt_at: 5, first_seen_at: 5 },
    ])
    const onDisk = () => ['', '-wal'].map((suffix) => (fs.existsSync(file + suffix) ? fs.readFileSync(file + suffix).includes(marker) : false))
    expect(onDisk()).toContain(true)

    expect(store.persons.delete(1, 'user-1')).toMatchObject({ persons: 1, deliveries: 1 })
    store.close()
    expect(onDisk()).toEqual([false, false])
    expect(rawRows('SELECT COUNT(*) AS n FROM delivery_payloads')).toEqual([{ n: 0 }])
  })
})
