import { DEFAULT_EVENT_RETENTION_MS, PipelineRunner } from '../../src/server/pipeline/runner'
import { openServerStore } from '../helpers/server-store'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const LIMITS = { events: 100, bytes: 1_000_000, eventBytes: 1_000_000 }

describe('the pipeline’s hourly pruning of stored events', () => {
  it('keeps processed events for 7 days and 6 hours (a backfill of the whole window finds them) and prunes older ones', async () => {
    expect(DEFAULT_EVENT_RETENTION_MS).toBe(7 * DAY_MS + 6 * HOUR_MS)
    const store = openServerStore(':memory:')
    const projectId = store.projects.create('P').id
    const now = Date.now()
    const ages: [string, number][] = [
      ['8 days', 8 * DAY_MS],
      ['7 days 7 hours', 7 * DAY_MS + 7 * HOUR_MS],
      ['7 days 5 hours', 7 * DAY_MS + 5 * HOUR_MS],
      ['6 days', 6 * DAY_MS],
      ['1 day 1 hour', DAY_MS + HOUR_MS],
      ['just now', 0],
    ]
    const clock = jest.spyOn(Date, 'now')
    for (const [uuid, age] of ages) {
      clock.mockReturnValue(now - age)
      store.events.append(projectId, [{ uuid, event: 'Order Completed', distinct_id: 'd', properties: {}, timestamp: new Date(now - age).toISOString() }])
    }
    clock.mockRestore()
    const queued = store.events.pending(projectId, LIMITS)
    store.events.markProcessedThrough(projectId, queued[queued.length - 1].id, now)
    const stored = () =>
      store.events
        .recent(projectId, { limit: 10 })
        .map((e) => e.uuid)
        .reverse()

    const runner = new PipelineRunner(store, { pollMs: 10 })
    runner.start()
    try {
      const started = Date.now()
      while (stored().length === ages.length) {
        if (Date.now() - started > 10_000) throw new Error('nothing was pruned within 10 s')
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
    } finally {
      await runner.stop()
    }
    expect(stored()).toEqual(['7 days 5 hours', '6 days', '1 day 1 hour', 'just now'])
    store.close()
  })
})
