import { SyncPgConnection } from '../../../src/store/postgres/sync-connection'
import { PipelineRunner } from '../../../src/server/pipeline/runner'
import { openTestStore, type TestStore } from '../../helpers/stores'

/** A bounded wait for the runner's loop (not a speed assertion). */
async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time')
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe("a worker's pipeline on postgres", () => {
  let opened: TestStore
  let raw: SyncPgConnection
  beforeEach(async () => {
    opened = await openTestStore('postgres')
    raw = new SyncPgConnection(opened.location)
  })
  afterEach(async () => {
    raw.close()
    await opened.close()
  })

  it('frees the leases that ran out, of any worker, in its send loop, and keeps those that have not', async () => {
    const { store } = opened
    const later = Date.now() + 3_600_000
    // Not due for an hour: the sender itself leaves them alone, only the janitor touches them.
    store.deliveries.add(
      ['gone', 'alive'].map((id) => ({ project_id: 1, function_id: `fn-${id}`, mapping: 'm', event_uuid: id, event_id: id, payload: '{}', next_attempt_at: later, first_seen_at: 0 })),
    )
    store.deliveries.claim('fn-gone', { dueBy: later, atMs: Date.now() - 60_000, leaseMs: 1_000, limit: 10 })
    store.deliveries.claim('fn-alive', { dueBy: later, atMs: Date.now(), leaseMs: 600_000, limit: 10 })
    const leased = () => raw.prepare('SELECT event_id FROM deliveries WHERE lease_token IS NOT NULL ORDER BY event_id').pluck().all()
    expect(leased()).toEqual(['alive', 'gone'])
    const runner = new PipelineRunner(store, { pollMs: 10, janitorMs: 50 })
    runner.start()
    try {
      await eventually(() => leased().length === 1)
      expect(leased()).toEqual(['alive'])
    } finally {
      await runner.stop()
    }
  })
})
