import { Client } from 'pg'
import type { FunctionWrite, Store } from '../../../src/store/types'
import { openTestStore, type TestStore } from '../../helpers/stores'

const BY_TEST = { actor: { key_id: null, label: 'test' } }

const fn = (name: string): FunctionWrite => ({
  id: 'fn-1',
  project_id: 1,
  type: 'destination',
  name,
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: {},
  secrets: {},
  mappings: null,
  filters: null,
})

/**
 * Another API process's transaction, run by the server as one statement: `first` (taking its locks), then
 * a wait until some statement waits for a lock (this test's store, at most 10 s), then `then` and COMMIT.
 * The store under test runs meanwhile on this thread, so the two interleave at the worst moment.
 */
const racing = (first: string, then: string) => `
  BEGIN;
  ${first};
  DO $$ BEGIN
    FOR i IN 1..200 LOOP
      IF EXISTS (SELECT 1 FROM pg_locks WHERE NOT granted) THEN RETURN; END IF;
      PERFORM pg_sleep(0.05);
    END LOOP;
  END $$;
  ${then};
  COMMIT;`

let opened: TestStore
let store: Store
let racer: Client
let watcher: Client

beforeEach(async () => {
  opened = await openTestStore('postgres')
  store = opened.store
  store.projects.create('Shop')
  store.functions.insert(fn('Pinterest'), BY_TEST)
  racer = new Client({ connectionString: opened.location, application_name: 'racer' })
  watcher = new Client({ connectionString: opened.location })
  await Promise.all([racer.connect(), watcher.connect()])
})

afterEach(async () => {
  await Promise.all([racer.end(), watcher.end()])
  await opened.close()
})

/**
 * Starts the other process's transaction and returns once it holds its locks (it is in its wait), with its
 * end (wrapped: an async function returning the promise itself would wait for it).
 */
async function race(first: string, then: string): Promise<{ done: Promise<unknown> }> {
  const done = racer.query(racing(first, then))
  const started = Date.now()
  for (;;) {
    const { rows } = await watcher.query("SELECT wait_event FROM pg_stat_activity WHERE application_name = 'racer'")
    if (rows[0]?.wait_event === 'PgSleep') return { done }
    if (Date.now() - started > 20_000) throw new Error('the racing transaction did not start')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('on Postgres, a check then a write by two processes at once', () => {
  it("numbers a function's versions in turn, each diffed against the other's save", async () => {
    const other = await race(
      "SELECT 1 FROM hog_functions WHERE id = 'fn-1' FOR NO KEY UPDATE",
      `UPDATE hog_functions SET name = 'From B' WHERE id = 'fn-1';
       INSERT INTO hog_function_versions (id, project_id, function_id, version, activity, actor_key_id, actor_label, state, secrets, changes, reverted_from, created_at)
       SELECT 'v-b', 1, 'fn-1', MAX(version) + 1, 'updated', NULL, 'B', '{"name":"From B"}', '{}', '[]', NULL, '2026-12-01T00:00:00.000Z' FROM hog_function_versions WHERE function_id = 'fn-1'`,
    )
    store.functions.update(fn('From A'), BY_TEST)
    await other.done
    const { results } = store.functions.versions(1, 'fn-1', { limit: 10, offset: 0 })
    expect(results.map((v) => [v.version, v.name, v.actor.label])).toEqual([
      [3, 'From A', 'test'],
      [2, 'From B', 'B'],
      [1, 'Pinterest', 'test'],
    ])
    expect(results[0].changes).toEqual([{ type: 'HogFunction', action: 'changed', field: 'name', before: 'From B', after: 'From A' }])
  })

  it('creates one running backfill of a function: the second creation sees the first', async () => {
    const other = await race(
      "SELECT 1 FROM hog_functions WHERE id = 'fn-1' FOR NO KEY UPDATE",
      `INSERT INTO jobs (id, project_id, function_id, kind, status, settled, created_by_label, range_after, range_before, cursor, last_event, total, lost, created_at)
       VALUES ('job-b', 1, 'fn-1', 'backfill', 'running', 0, 'B', 0, 10, 0, 5, 5, 0, 1)`,
    )
    const created = store.jobs.createBackfill({ project_id: 1, function_id: 'fn-1', created_by: { key_id: null, label: 'A' }, created_at: 2 }, { after: 0, before: 10 })
    await other.done
    expect(created).toEqual({ conflict: { count: 0, jobId: 'job-b' } })
    expect(store.jobs.list(1, 'fn-1', 10).map((j) => j.id)).toEqual(['job-b'])
  })

  it("queues nothing of a job cancelled while its step's results were being recorded", async () => {
    const created = store.jobs.createBackfill({ project_id: 1, function_id: 'fn-1', created_by: { key_id: null, label: 'A' }, created_at: 2 }, { after: 0, before: 10 })
    if (!('job' in created)) throw new Error('no job')
    // Running, as if it had events to map.
    await watcher.query("UPDATE jobs SET status = 'running', settled = 0, total = 1, last_event = 1 WHERE id = $1", [created.job.id])
    const job = { ...created.job, status: 'running' as const }
    const other = await race(`UPDATE jobs SET status = 'cancelled', finished_at = 3 WHERE id = '${job.id}'`, 'SELECT 1')
    const delivery = { project_id: 1, function_id: 'fn-1', mapping: 'Checkout', event_uuid: 'u', event_id: 'u', payload: '{}', next_attempt_at: 0, first_seen_at: 0, job_id: job.id, job_item: 1 }
    store.jobs.record(job, [{ item: 1, state: 'sent', deliveries: [delivery] }])
    await other.done
    expect(store.deliveries.counts().pending).toBe(0)
    expect(store.jobs.get(1, 'fn-1', job.id)).toMatchObject({ status: 'cancelled', done: 0 })
  })

  it("opens one episode of an alert condition: the second opening returns the first's", async () => {
    const other = await race(
      'INSERT INTO alert_episodes (project_id, function_id, kind, opened_at, opened_figures) VALUES (1, \'fn-1\', \'degraded\', 1, \'{"kind":"degraded","held":1,"reason":"B"}\')',
      'SELECT 1',
    )
    const episode = store.alerts.open('fn-1', 1, 'degraded', { kind: 'degraded', held: 2, reason: 'A' }, 2)
    await other.done
    expect([episode.opened_at, episode.opened_figures]).toEqual([1, { kind: 'degraded', held: 1, reason: 'B' }])
    expect(store.alerts.openEpisodes('fn-1')).toHaveLength(1)
  })
})
