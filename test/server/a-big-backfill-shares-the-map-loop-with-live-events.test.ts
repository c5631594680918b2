import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { loadHogParser } from '../../src/hog/parser'
import { JobsService } from '../../src/server/jobs-service'
import { PipelineRunner } from '../../src/server/pipeline/runner'
import { newSecretKey } from '../../src/store/secret-key'
import type { Store } from '../../src/store/types'
import { ACCOUNT, storedOrder, TOKEN } from '../helpers/pipeline-server'
import { insertPinterestFunction } from '../helpers/stored-function'
import { openServerStore } from '../helpers/server-store'

jest.setTimeout(60_000)

const BACKFILLED = 5000
let dir: string
let emulator: RunningEmulator
let store: Store

beforeAll(async () => {
  await loadHogParser()
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-fair-'))
  store = openServerStore(path.join(dir, 'db.sqlite'), { secretKeys: [newSecretKey()] })
})
afterAll(async () => {
  store.close()
  await emulator.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const order = storedOrder

/** Yields to the pipeline's loop (which runs on this thread) until `check` holds. */
async function soon(check: () => boolean): Promise<void> {
  for (const started = Date.now(); !check(); await new Promise((resolve) => setTimeout(resolve, 1))) {
    if (Date.now() - started > 30_000) throw new Error('not reached in time')
  }
}

describe('a backfill of thousands of events', () => {
  it("takes one chunk per round: another project's new event is mapped while most of the backfill is still left", async () => {
    const big = store.projects.create('Big').id
    const small = store.projects.create('Small').id
    insertPinterestFunction(store, { id: 'fn-big', project_id: big, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
    insertPinterestFunction(store, { id: 'fn-small', project_id: small, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
    // Last week's events of the big project, already processed (before its destination existed).
    store.events.append(
      big,
      Array.from({ length: BACKFILLED }, (_, i) => order(`big-${i}`)),
    )
    store.events.markProcessedThrough(big, BACKFILLED, Date.now())
    const now = Date.now()
    const job = new JobsService(store).backfill(big, 'fn-big', { after: new Date(now - 3_600_000).toISOString(), before: new Date(now + 60_000).toISOString() }, { key_id: null, label: 'test' })
    expect(job.total).toBe(BACKFILLED)

    const runner = new PipelineRunner(store, { apiUrl: emulator.url, pollMs: 5 })
    runner.start()
    const mapped = () => store.jobs.get(big, 'fn-big', job.id)?.done ?? 0
    const recorded = () => store.deliveries.counts().pending + store.deliveries.counts().delivered
    await soon(() => recorded() > 0)
    store.events.append(small, [order('small-live')])
    runner.notify()
    await soon(() => store.events.countPending(small) === 0)
    const backfilledSoFar = recorded()
    await runner.stop()
    // The live event waited for a chunk or two of the backfill (500 events each), not for all of it.
    expect(backfilledSoFar).toBeLessThanOrEqual(2000)
    expect(mapped()).toBeLessThan(BACKFILLED)
  })
})
