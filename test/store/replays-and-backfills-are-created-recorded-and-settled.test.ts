import { SyncPgConnection } from '../../src/store/postgres/sync-connection'
import type { CapturedEvent, FunctionWrite, Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type StoreKind, type TestStore } from '../helpers/stores'

const BY_TEST = { actor: { key_id: null, label: 'test' } }
const ALL_FAILED = { status: ['failed', 'gave_up'] as ('failed' | 'gave_up')[] }
const LIMITS = { events: 100, bytes: 1_000_000, eventBytes: 1_000_000 }

const fn: FunctionWrite = {
  id: 'fn-1',
  project_id: 1,
  type: 'destination',
  name: 'Pinterest',
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: {},
  secrets: {},
  mappings: null,
  filters: null,
}

const delivery = (eventId: string, extra: Record<string, unknown> = {}) => ({
  project_id: 1,
  function_id: 'fn-1',
  mapping: 'Checkout',
  event_uuid: eventId,
  event_id: eventId,
  payload: '{}',
  next_attempt_at: 0,
  first_seen_at: 0,
  ...extra,
})

const event = (uuid: string): CapturedEvent => ({ uuid, event: 'Checkout', distinct_id: 'd', properties: {}, timestamp: '2026-12-01T00:00:00.000Z' })

describe.each(STORE_KINDS)('jobs, on %s', (kind: StoreKind) => {
  let opened: TestStore
  let store: Store
  const job = (createdAt: number) => ({ project_id: 1, function_id: 'fn-1', created_by: { key_id: null, label: 'test' }, created_at: createdAt })

  beforeEach(async () => {
    opened = await openTestStore(kind)
    store = opened.store
    store.projects.create('Shop')
    store.functions.insert(fn, BY_TEST)
  })

  afterEach(() => opened.close())

  /** Failed deliveries of fn-1, as the sender leaves them, and one delivered: their ids. */
  function failures(): { failed: number[]; delivered: number } {
    store.deliveries.add(['a', 'b', 'c', 'd'].map((id) => delivery(id)))
    const [a, b, c, d] = store.deliveries.dueFor('fn-1', 10, 10).map((row) => row.id)
    store.deliveries.settle(
      [
        ...[a, b, c].map((id) => ({ id, status: 'failed' as const, attempts: 1, next_attempt_at: 5, last_error: 'email is not hashed' })),
        { id: d, status: 'delivered' as const, attempts: 1, next_attempt_at: 5, last_error: null },
      ],
      5,
    )
    return { failed: [a, b, c], delivered: d }
  }

  it('replays chosen failures once: a second replay of one is refused while the first holds it, and a done replay takes them off the failed list', () => {
    const { failed, delivered } = failures()
    const [a, b, c] = failed
    const created = store.jobs.createReplay(job(100), { deliveryIds: [b, a, a] })
    if (!('job' in created)) throw new Error(`no job: ${JSON.stringify(created)}`)
    const replay = created.job
    expect([replay.kind, replay.status, replay.total, replay.done]).toEqual(['replay', 'running', 2, 0])
    expect(store.jobs.createReplay(job(101), { deliveryIds: [b, c] })).toEqual({ conflict: { count: 1, jobId: replay.id } })
    expect(store.jobs.createReplay(job(101), { deliveryIds: [c, delivered] })).toEqual({ invalid: 'delivery_ids' })
    expect(store.jobs.createReplay(job(101), { filter: ALL_FAILED, atMost: 2 })).toEqual({ invalid: 'filter', tooMany: 2 })
    expect(store.deliveries.failed('fn-1', ALL_FAILED, { limit: 10, offset: 0 }).results.map((d) => [d.id, d.replay_job_id])).toEqual([
      [c, null],
      [b, replay.id],
      [a, replay.id],
    ])

    expect(store.jobs.work(replay, 10).map((w) => [w.item, w.mapping])).toEqual([
      [a, 'Checkout'],
      [b, 'Checkout'],
    ])
    store.jobs.record(replay, [
      { item: a, state: 'sent', deliveries: [delivery('a-again', { job_id: replay.id, job_item: a })] },
      { item: b, state: 'done' },
    ])
    expect(store.jobs.work(replay, 10)).toEqual([])
    expect(store.jobs.inFlight(replay, 10)).toBe(1)
    // Its delivery still waits: the job runs on.
    expect(store.jobs.settle(replay, 200)).toMatchObject({ status: 'running', done: 1, failed: 0 })
    const [again] = store.deliveries.dueFor('fn-1', 10, 10)
    expect(again.event_id).toBe('a-again')
    store.deliveries.settle([{ id: again.id, status: 'delivered', attempts: 1, next_attempt_at: 300, last_error: null }], 300)
    expect(store.jobs.settle(replay, 400)).toMatchObject({ status: 'completed', finished_at: 400, total: 2, done: 2, failed: 0 })
    expect(store.jobs.unsettled()).toEqual([])
    expect(store.deliveries.failed('fn-1', ALL_FAILED, { limit: 10, offset: 0 }).results.map((d) => d.id)).toEqual([c])
    expect(store.jobs.createReplay(job(500), { filter: ALL_FAILED, atMost: 5 })).toMatchObject({ job: { total: 1 } })
  })

  it('lists jobs newest first, those of one millisecond by creation, and a cancelled one with nothing in flight is settled', () => {
    const { failed } = failures()
    const ids = failed.map((id) => {
      const created = store.jobs.createReplay(job(100), { deliveryIds: [id] })
      if (!('job' in created)) throw new Error('no job')
      return created.job.id
    })
    expect(store.jobs.list(1, 'fn-1', 10).map((j) => j.id)).toEqual([...ids].reverse())
    expect(store.jobs.list(1, 'fn-1', 2).map((j) => j.id)).toEqual([ids[2], ids[1]])
    expect(store.jobs.unsettled().map((j) => j.id)).toEqual(ids)
    expect(store.jobs.cancel(1, 'fn-1', ids[1], 150)).toMatchObject({ status: 'cancelled', finished_at: 150 })
    expect(store.jobs.cancel(2, 'fn-1', ids[0], 150)).toBeUndefined()
    expect(store.jobs.unsettled().map((j) => j.id)).toEqual([ids[0], ids[2]])
    expect(store.jobs.prune(151)).toBe(1)
    expect(store.jobs.list(1, 'fn-1', 10).map((j) => j.id)).toEqual([ids[2], ids[0]])
  })

  it("backfills the project's processed events of the range behind a cursor, one backfill of a function at a time", () => {
    const now = jest.spyOn(Date, 'now')
    for (const [project, uuid, at] of [
      [1, 'e1', 1000],
      [1, 'e2', 2000],
      [2, 'other', 2500],
      [1, 'e3', 3000],
      [1, 'unprocessed', 9000],
    ] as const) {
      now.mockReturnValue(at)
      store.events.append(project, [event(uuid)])
    }
    now.mockRestore()
    const rows = store.events.pending(1, LIMITS)
    const id = (uuid: string) => rows.find((row) => row.event?.uuid === uuid)?.id as number
    processedThrough(1, id('e3'))

    const created = store.jobs.createBackfill(job(100), { after: 1500, before: 10_000 })
    if (!('job' in created)) throw new Error(`no job: ${JSON.stringify(created)}`)
    const backfill = created.job
    expect([backfill.kind, backfill.status, backfill.total, backfill.range]).toEqual(['backfill', 'running', 2, { after: 1500, before: 10_000 }])
    expect(store.jobs.createBackfill(job(101), { after: 0, before: 10_000 })).toEqual({ conflict: { count: 0, jobId: backfill.id } })

    expect(store.jobs.work(backfill, 1).map((w) => [w.item, w.event?.uuid])).toEqual([[id('e2'), 'e2']])
    store.jobs.record(backfill, [{ item: id('e2'), state: 'done' }])
    expect(store.jobs.work(backfill, 10).map((w) => w.event?.uuid)).toEqual(['e3'])
    store.jobs.record(backfill, [{ item: id('e3'), state: 'failed', reason: 'rejected' }])
    // A result of an older step (a lower item) does not move the cursor back.
    store.jobs.record(backfill, [{ item: id('e2'), state: 'done' }])
    expect(store.jobs.work(backfill, 10)).toEqual([])
    expect(store.jobs.settle(backfill, 200)).toMatchObject({ status: 'completed', total: 2, done: 1, failed: 1, failures: [{ reason: 'rejected', count: 1 }] })
    expect(store.jobs.createBackfill(job(300), { after: 20_000, before: 30_000 })).toMatchObject({ job: { status: 'completed', total: 0 } })
  })

  /** Seeds the project's watermark (the event queue's own marking is tested with the queue). */
  function processedThrough(projectId: number, lastId: number): void {
    if (kind === 'sqlite') {
      store.events.markProcessedThrough(projectId, lastId, 0)
      return
    }
    const raw = new SyncPgConnection(opened.location)
    raw.prepare('UPDATE project_watermarks SET processed_through = ? WHERE project_id = ?').run(lastId, projectId)
    raw.close()
  }
})
