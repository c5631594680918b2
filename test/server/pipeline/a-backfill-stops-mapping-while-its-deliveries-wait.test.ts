import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadHogParser } from '../../../src/hog/parser'
import { JobsService } from '../../../src/server/jobs-service'
import { FunctionRegistry } from '../../../src/server/pipeline/function-registry'
import { JobRunner } from '../../../src/server/pipeline/job-runner'
import { newSecretKey } from '../../../src/store/secret-key'
import type { Store } from '../../../src/store/types'
import { ACCOUNT, storedOrder, TOKEN } from '../../helpers/pipeline-server'
import { insertPinterestFunction } from '../../helpers/stored-function'
import { openServerStore } from '../../helpers/server-store'

const EVENTS = 1000
const IN_FLIGHT = 250
let dir: string
let store: Store

beforeAll(async () => {
  await loadHogParser()
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-bound-'))
  store = openServerStore(path.join(dir, 'db.sqlite'), { secretKeys: [newSecretKey()] })
})
afterAll(() => {
  store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const order = storedOrder

/** The sender delivering every pending delivery (no sender runs here: deliveries wait as for a held destination). */
function deliverPending(): number {
  const due = store.deliveries.dueFor('fn-held', Date.now() + 60_000, EVENTS)
  store.deliveries.settle(
    due.map((d) => ({ id: d.id, status: 'delivered', attempts: 1, next_attempt_at: 0, last_error: null })),
    Date.now(),
  )
  return due.length
}

describe('a backfill whose deliveries are not delivered', () => {
  it('stops mapping at the bound of items in flight, and goes on once they are delivered', () => {
    const projectId = store.projects.create('Held').id
    insertPinterestFunction(store, { id: 'fn-held', project_id: projectId, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
    store.events.append(
      projectId,
      Array.from({ length: EVENTS }, (_, i) => order(`held-${i}`)),
    )
    store.events.markProcessedThrough(projectId, EVENTS, Date.now())
    const now = Date.now()
    const job = new JobsService(store).backfill(projectId, 'fn-held', { after: new Date(now - 3_600_000).toISOString(), before: new Date(now + 60_000).toISOString() }, { key_id: null, label: 'test' })
    expect(job.total).toBe(EVENTS)

    const runner = new JobRunner(store, new FunctionRegistry(store.functions), { chunk: 100, sliceMs: 60_000, inFlight: IN_FLIGHT, settleEveryMs: 0 })
    let steps = 0
    while (runner.step()) steps += 1
    // 100 + 100 + 50: the last chunk is cut to the room left.
    expect(steps).toBe(3)
    expect(store.jobs.inFlight(job, EVENTS)).toBe(IN_FLIGHT)
    expect(store.deliveries.counts().pending).toBe(IN_FLIGHT)
    expect(runner.step()).toBe(false)

    expect(deliverPending()).toBe(IN_FLIGHT)
    while (runner.step()) {}
    expect(store.jobs.get(projectId, 'fn-held', job.id)).toMatchObject({ status: 'running', done: IN_FLIGHT, failed: 0 })
    expect(store.jobs.inFlight(job, EVENTS)).toBe(IN_FLIGHT)
    expect(store.deliveries.counts()).toMatchObject({ pending: IN_FLIGHT, delivered: IN_FLIGHT })

    while (deliverPending() > 0) while (runner.step()) {}
    runner.step()
    expect(store.jobs.get(projectId, 'fn-held', job.id)).toMatchObject({ status: 'completed', total: EVENTS, done: EVENTS, failed: 0 })
    expect(store.deliveries.counts()).toMatchObject({ pending: 0, delivered: EVENTS })
  })
})
