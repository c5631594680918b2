import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { migrate } from '../../src/store/sqlite/migrations'
import type { CapturedEvent, QueuedEvent, Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

const event = (uuid: string, properties: Record<string, unknown> = {}): CapturedEvent => ({ uuid, event: 'e', distinct_id: 'd', properties, timestamp: '2026-11-29T00:00:00.000Z' })
const LIMITS = { events: 100, bytes: 1_000_000, eventBytes: 1_000_000 }
const uuids = (events: QueuedEvent[]) => events.map((e) => e.event?.uuid ?? `unread:${e.id}`)

describe.each(STORE_KINDS)('the event queue on %s', (kind) => {
  let opened: TestStore
  let store: Store
  beforeEach(async () => {
    opened = await openTestStore(kind)
    store = opened.store
  })
  afterEach(() => opened.close())

  it('keeps a watermark per project: one project processed leaves the other pending', () => {
    const [a, b] = [store.projects.create('A').id, store.projects.create('B').id]
    store.events.appendGroups([
      { projectId: a, payloads: [event('a1'), event('a2')].map((e) => JSON.stringify(e)) },
      { projectId: b, payloads: [JSON.stringify(event('b1'))] },
    ])
    store.events.append(a, [event('a3')])
    expect(store.events.pendingProjects()).toEqual([a, b])
    const ofA = store.events.pending(a, LIMITS)
    expect(uuids(ofA)).toEqual(['a1', 'a2', 'a3'])
    store.events.markProcessedThrough(a, ofA[2].id, 1)
    expect(store.events.pendingProjects()).toEqual([b])
    expect(uuids(store.events.pending(b, LIMITS))).toEqual(['b1'])
    expect([store.events.countPending(a), store.events.countPending(b), store.events.countPending()]).toEqual([0, 1, 1])
  })

  it('bounds a batch by bytes, and an event larger than the bound is a batch alone', () => {
    const p = store.projects.create('P').id
    const big = 'x'.repeat(2_000)
    store.events.append(p, [event('huge', { big }), event('s1'), event('s2'), event('s3')])
    const size = Buffer.byteLength(JSON.stringify(event('s1')))
    const limits = { ...LIMITS, bytes: 2 * size }
    const first = store.events.pending(p, limits)
    expect(uuids(first)).toEqual(['huge'])
    store.events.markProcessedThrough(p, first[0].id, 1)
    expect(uuids(store.events.pending(p, limits))).toEqual(['s1', 's2'])
    expect(uuids(store.events.pending(p, { ...limits, events: 1 }))).toEqual(['s1'])
  })

  it('hands an event over the size limit and one that is not JSON over unread, with the reason', () => {
    const p = store.projects.create('P').id
    const oversized = event('big', { big: 'é'.repeat(2_500) })
    store.events.append(p, [oversized, event('after')])
    const [big, after] = store.events.pending(p, { ...LIMITS, eventBytes: 4_000 })
    expect(big).toMatchObject({ event: null, unreadable: `it is ${Buffer.byteLength(JSON.stringify(oversized))} bytes, over the limit of 4000` })
    expect(after.event?.uuid).toBe('after')
  })

  it('counts a failure for the events of a batch that never finished when the project is next claimed, and hands each such event over alone', () => {
    const p = store.projects.create('P').id
    const failures = () => store.events.pending(p, LIMITS).map((e) => [e.event?.uuid, e.failures])
    // A turn: claimed, and released whatever happened to its batch.
    const claimAgain = () => {
      expect(store.events.claim(p)).toBe(true)
      store.events.release(p)
    }
    store.events.append(p, [event('e1'), event('e2'), event('e3')])
    const [e1, , e3] = store.events.pending(p, LIMITS)
    store.events.append(p, [event('e4')])
    store.events.begin(p, e1.id, e3.id)
    expect(failures()).toEqual([
      ['e1', 0],
      ['e2', 0],
      ['e3', 0],
      ['e4', 0],
    ])
    claimAgain()
    expect(failures()).toEqual([['e1', 1]])

    store.events.begin(p, e1.id, e1.id)
    claimAgain()
    expect(failures()).toEqual([['e1', 2]])
    store.events.markProcessedThrough(p, e1.id, 1)
    expect(failures()).toEqual([['e2', 1]])

    // A batch that finished leaves nothing to count.
    store.events.begin(p, e3.id + 1, e3.id + 1)
    store.events.markProcessedThrough(p, e3.id, 2)
    claimAgain()
    expect(failures()).toEqual([['e4', 0]])
  })

  it("refuses to mark a batch processed when the watermark passed its first event meanwhile, and the batch's transaction stores nothing", () => {
    const p = store.projects.create('P').id
    store.events.append(p, [event('e1'), event('e2')])
    const [e1, e2] = store.events.pending(p, LIMITS)
    // Another worker (whose claim this one's dropped connection let it take) processed both.
    store.events.markProcessedThrough(p, e2.id, 1, e1.id)
    const late = () =>
      store.transaction(() => {
        store.deliveries.add([{ project_id: p, function_id: 'f', mapping: 'm', event_uuid: 'e1', event_id: 'e1', payload: '{}', next_attempt_at: 0, first_seen_at: 0 }])
        store.events.markProcessedThrough(p, e1.id, 2, e1.id)
      })
    expect(late).toThrow(`the events of project ${p} from #${e1.id} were processed by another worker meanwhile`)
    expect(store.deliveries.counts().pending).toBe(0)
    expect(store.events.countPending(p)).toBe(0)
  })
})

describe('the event queue of an older SQLite database', () => {
  let store: Store | undefined
  afterEach(() => store?.close())

  it('carries the single watermark of an older database over to every project', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'queue-migration-'))
    const file = path.join(dir, 'old.sqlite')
    try {
      const old = new Database(file)
      migrate(old, 4)
      const insert = old.prepare('INSERT INTO events (project_id, payload, received_at) VALUES (?, ?, 0)')
      for (const [projectId, uuid] of [
        [1, 'a1'],
        [2, 'b1'],
        [1, 'a2'],
        [2, 'b2'],
      ] as const)
        insert.run(projectId, JSON.stringify(event(uuid)))
      old.prepare('UPDATE event_watermark SET processed_through = 2').run()
      old.close()

      store = openSqliteStore(file)
      expect(store.events.pendingProjects()).toEqual([1, 2])
      expect(uuids(store.events.pending(1, LIMITS))).toEqual(['a2'])
      expect(uuids(store.events.pending(2, LIMITS))).toEqual(['b2'])
    } finally {
      store?.close()
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })
})
