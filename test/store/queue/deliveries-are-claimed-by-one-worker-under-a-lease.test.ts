import { SyncPgConnection } from '../../../src/store/postgres/sync-connection'
import { PENDING_FUNCTIONS_SQL, SqlDeliveryQueue } from '../../../src/store/sql/deliveries'
import type { DeliveryClaim, DeliveryUpdate, NewDelivery, Store } from '../../../src/store/types'
import { anotherPostgresStore, openTestStore, type TestStore } from '../../helpers/stores'
import { countingConnection } from './counting-connection'

const LEASE_MS = 1_000
const T = 1_000_000

const rows = (functionId: string, count: number, due = 0): NewDelivery[] =>
  Array.from({ length: count }, (_, i) => ({
    project_id: 1,
    function_id: functionId,
    mapping: 'm',
    event_uuid: `u-${i}`,
    event_id: `${functionId}-${i}`,
    payload: '{}',
    next_attempt_at: due + i,
    first_seen_at: 0,
  }))
const claimAt = (store: Store, atMs: number, limit = 1_000) => store.deliveries.claim('fn', { dueBy: T * 10, atMs, leaseMs: LEASE_MS, limit })
const delivered = (claim: DeliveryClaim): DeliveryUpdate[] => claim.rows.map((r) => ({ id: r.id, status: 'delivered', attempts: r.attempts + 1, next_attempt_at: 0, last_error: null }))
const ids = (claim: DeliveryClaim) => claim.rows.map((r) => r.id)

describe('deliveries claimed by several workers on postgres', () => {
  let opened: TestStore
  let a: Store
  let b: Store
  let raw: SyncPgConnection
  // One database for the file (making one takes seconds): each test starts from no deliveries.
  beforeAll(async () => {
    opened = await openTestStore('postgres')
    a = opened.store
    b = anotherPostgresStore(opened)
    raw = new SyncPgConnection(opened.location)
  })
  beforeEach(() => raw.exec('TRUNCATE deliveries'))
  afterAll(async () => {
    raw.close()
    b.close()
    await opened.close()
  })
  const leases = () => raw.prepare('SELECT lease_token AS token, lease_until AS until FROM deliveries ORDER BY id').all() as { token: string | null; until: number | null }[]

  it('hands two workers claiming the same function disjoint rows, oldest due first, and neither a row that is not due', () => {
    a.deliveries.add([...rows('fn', 2_000), ...rows('other', 3)])
    a.deliveries.add([{ ...rows('fn', 1, T * 20)[0], event_id: 'later' }])
    const first = claimAt(a, T)
    const second = claimAt(b, T)
    expect(first.rows.map((r) => r.event_id)).toEqual(Array.from({ length: 1_000 }, (_, i) => `fn-${i}`))
    expect(second.rows.map((r) => r.event_id)).toEqual(Array.from({ length: 1_000 }, (_, i) => `fn-${1_000 + i}`))
    expect(claimAt(a, T).rows).toEqual([])
    expect(first.token).not.toBe(second.token)
    expect(new Set(leases().map((l) => l.token))).toEqual(new Set([first.token, second.token, null]))
  })

  it('holds back a claim of less than a full batch while another worker’s lease of the function is live, and leases none of its rows', () => {
    a.deliveries.add(rows('fn', 1_300))
    const out = claimAt(a, T)
    expect(out.rows).toHaveLength(1_000)
    expect(claimAt(b, T).rows).toEqual([])
    expect(leases().filter((l) => l.token !== null)).toHaveLength(1_000)
    // Settled, the lease holds nothing back: the 300 due meanwhile go as one batch.
    a.deliveries.settle(delivered(out), T + 10, out.token)
    expect(claimAt(b, T + 20).rows.map((r) => r.event_id)).toEqual(Array.from({ length: 300 }, (_, i) => `fn-${1_000 + i}`))
  })

  it('holds nothing back for a lease that ran out, for another function’s lease, or for the worker’s own lease', () => {
    a.deliveries.add([...rows('fn', 8), ...rows('other', 5)])
    expect(claimAt(a, T, 5).rows).toHaveLength(5)
    expect(b.deliveries.claim('other', { dueBy: T * 10, atMs: T, leaseMs: LEASE_MS, limit: 1_000 }).rows).toHaveLength(5)
    expect(claimAt(b, T + 1).rows).toEqual([])
    expect(claimAt(b, T + LEASE_MS + 1).rows).toHaveLength(8)
    a.deliveries.add(rows('fn', 3, T * 2))
    expect(claimAt(b, T + LEASE_MS + 2).rows).toHaveLength(3)
  })

  it('gives rows whose lease ran out to the next claim, and the first worker’s settle then changes nothing', () => {
    a.deliveries.add(rows('fn', 3))
    const lost = claimAt(a, T)
    expect(claimAt(b, T + LEASE_MS - 1).rows).toEqual([])
    const taken = claimAt(b, T + LEASE_MS + 1)
    expect(ids(taken)).toEqual(ids(lost))
    expect(a.deliveries.settle(delivered(lost), T + 2_000, lost.token)).toBe(3)
    expect(a.deliveries.counts()).toMatchObject({ pending: 3, delivered: 0 })
    expect(b.deliveries.settle(delivered(taken), T + 2_000, taken.token)).toBe(0)
    expect(a.deliveries.counts()).toMatchObject({ pending: 0, delivered: 3 })
    expect(leases()).toEqual([
      { token: null, until: null },
      { token: null, until: null },
      { token: null, until: null },
    ])
  })

  it('keeps an extended lease from other workers, and its settle lands', () => {
    a.deliveries.add(rows('fn', 2))
    const kept = claimAt(a, T)
    expect(a.deliveries.extend(kept, T + 10_000)).toBe(2)
    expect(claimAt(b, T + LEASE_MS + 1).rows).toEqual([])
    expect(a.deliveries.settle(delivered(kept), T + 5_000, kept.token)).toBe(0)
    expect(a.deliveries.counts()).toMatchObject({ pending: 0, delivered: 2 })
  })

  it('extends nothing of a lease another worker took over', () => {
    a.deliveries.add(rows('fn', 2))
    const lost = claimAt(a, T)
    claimAt(b, T + LEASE_MS + 1)
    expect(a.deliveries.extend(lost, T + 10_000)).toBe(0)
  })

  it('hands released rows to the next claim at once', () => {
    a.deliveries.add(rows('fn', 2))
    const released = claimAt(a, T)
    a.deliveries.release(released)
    expect(ids(claimAt(b, T))).toEqual(ids(released))
  })

  it('frees, with the janitor, the leases that ran out and only those', () => {
    a.deliveries.add([...rows('fn', 2), ...rows('other', 1)])
    const ending = claimAt(a, T)
    b.deliveries.claim('other', { dueBy: T, atMs: T + 500, leaseMs: LEASE_MS, limit: 10 })
    expect(b.deliveries.expireLeases(T + LEASE_MS)).toBe(0)
    expect(b.deliveries.expireLeases(T + LEASE_MS + 1)).toBe(2)
    expect(leases()).toEqual([
      { token: null, until: null },
      { token: null, until: null },
      { token: expect.any(String), until: T + 500 + LEASE_MS },
    ])
    expect(a.deliveries.settle(delivered(ending), T + 2_000, ending.token)).toBe(2)
  })

  it('settles without a lease (a replay, the CLI) whoever holds the rows', () => {
    a.deliveries.add(rows('fn', 1))
    const held = claimAt(a, T)
    expect(b.deliveries.settle(delivered(held), T)).toBe(0)
    expect(leases()).toEqual([{ token: null, until: null }])
  })

  it('adds, claims and settles a request of 1,000 deliveries in one statement each', () => {
    const { db, statements } = countingConnection(new SyncPgConnection(opened.location))
    const queue = new SqlDeliveryQueue(db)
    try {
      const count = () => statements.splice(0).length
      queue.add(rows('fn', 1_000))
      expect(count()).toBe(1)
      const claim = queue.claim('fn', { dueBy: T * 10, atMs: T, leaseMs: LEASE_MS, limit: 1_000 })
      expect([claim.rows.length, count()]).toEqual([1_000, 1])
      const outcomes = claim.rows.map(
        (r, i): DeliveryUpdate => (i % 2 ? { id: r.id, status: 'pending', attempts: 1, next_attempt_at: T + 60_000, last_error: 'HTTP 503' } : delivered({ ...claim, rows: [r] })[0]),
      )
      expect(queue.settle(outcomes, T + 1, claim.token)).toBe(0)
      expect(count()).toBe(1)
      expect(queue.counts()).toMatchObject({ pending: 500, delivered: 500 })
    } finally {
      db.close()
    }
  })

  it('leases claimed rows in place, adding no index entries (HOT updates), even with kilobyte payloads', () => {
    const db = new SyncPgConnection(opened.location)
    const queue = new SqlDeliveryQueue(db)
    const payload = JSON.stringify({ event_name: 'checkout', user_data: { em: ['a'.repeat(64)] }, custom_data: { note: 'x'.repeat(1_000) } })
    try {
      const [hot, updated] = db.transaction(() => {
        queue.add(rows('fn', 300).map((row) => ({ ...row, payload })))
        expect(queue.claim('fn', { dueBy: T * 10, atMs: T, leaseMs: LEASE_MS, limit: 1_000 }).rows).toHaveLength(300)
        const stats = db.prepare("SELECT pg_stat_get_xact_tuples_hot_updated('deliveries'::regclass) AS hot, pg_stat_get_xact_tuples_updated('deliveries'::regclass) AS updated").get() as {
          hot: number
          updated: number
        }
        return [Number(stats.hot), Number(stats.updated)]
      })
      expect(updated).toBe(300)
      // Nearly all: a page's last rows may find no room.
      expect(hot).toBeGreaterThanOrEqual(270)
    } finally {
      db.close()
    }
  })

  it('lists the functions with pending deliveries through the pending index', () => {
    a.deliveries.add([...rows('f1', 3_000), ...rows('f2', 2), ...rows('f3', 2_000)])
    const settled = a.deliveries.dueFor('f3', T * 10, 2_000).map((r): DeliveryUpdate => ({ id: r.id, status: 'delivered', attempts: 1, next_attempt_at: 0, last_error: null }))
    a.deliveries.settle(settled, T)
    raw.exec('ANALYZE deliveries')
    expect(a.deliveries.pendingFunctions()).toEqual(['f1', 'f2'])
    const plan = (raw.prepare(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) ${PENDING_FUNCTIONS_SQL}`).all() as { 'QUERY PLAN': string }[]).map((row) => row['QUERY PLAN']).join('\n')
    // A seek in a pending index (both partial ones lead with function_id) for the first function, then one
    // for each next: two, the last finding none.
    expect(plan).toMatch(/Index Only Scan using deliveries_(function_due|pending_age) on deliveries \w+ \(actual rows=1 loops=1\)/)
    expect(plan).toMatch(/Index Only Scan using deliveries_(function_due|pending_age) on deliveries \(actual rows=0 loops=2\)/)
    expect(plan).not.toMatch(/Seq Scan/)
  })
})
