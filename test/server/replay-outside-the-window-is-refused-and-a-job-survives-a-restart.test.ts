import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { loadHogParser } from '../../src/hog/parser'
import { JobsService, presentFailed, presentJob } from '../../src/server/jobs-service'
import { FunctionRegistry } from '../../src/server/pipeline/function-registry'
import { JobRunner } from '../../src/server/pipeline/job-runner'
import { PipelineRunner } from '../../src/server/pipeline/runner'
import { newSecretKey } from '../../src/store/secret-key'
import type { CapturedEvent, Store } from '../../src/store/types'
import { insertPinterestFunction } from '../helpers/stored-function'
import { ACCOUNT, TOKEN, until } from '../helpers/pipeline-server'
import { openServerStore } from '../helpers/server-store'

jest.setTimeout(30_000)

const DAY_MS = 86_400_000
const ACTOR = { key_id: null, label: 'test' }
const secretKeys = [newSecretKey()]

let dir: string
let emulator: RunningEmulator
let store: Store
/** The pipeline's clock: the real one, moved forward by `offset`. */
let offset = 0
const now = () => Date.now() + offset

beforeAll(async () => {
  await loadHogParser()
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
})
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'job-window-'))
  store = openServerStore(path.join(dir, 'db.sqlite'), { secretKeys })
  offset = 0
  emulator.reset()
  emulator.setFaults({})
})
afterEach(() => {
  store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})
afterAll(async () => emulator.close())

function orderEvent(uuid: string): CapturedEvent {
  return { uuid, event: 'Order Completed', distinct_id: `person-${uuid}`, properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: 5 }, timestamp: new Date(now()).toISOString() }
}

/** A project with a destination whose events `uuids` Pinterest rejected once; returns the project id. */
async function failedDeliveries(uuids: string[]): Promise<number> {
  const projectId = store.projects.create('P').id
  insertPinterestFunction(store, { id: 'fn-a', project_id: projectId, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
  emulator.setFaults({ fail_event_ids: uuids })
  store.events.append(projectId, uuids.map(orderEvent))
  const runner = new PipelineRunner(store, { apiUrl: emulator.url, pollMs: 5, now })
  runner.start()
  const failed = await until(() => store.deliveries.counts().failed === uuids.length, 20_000)
  await runner.stop()
  expect(failed).toBe(true)
  emulator.setFaults({})
  return projectId
}

async function runUntilSettled(projectId: number, jobId: string): Promise<ReturnType<typeof presentJob>> {
  const runner = new PipelineRunner(store, { apiUrl: emulator.url, pollMs: 5, now })
  runner.start()
  const settled = await until(() => store.jobs.get(projectId, 'fn-a', jobId)?.status === 'completed', 20_000)
  await runner.stop()
  expect(settled).toBe(true)
  return presentJob(store.jobs.get(projectId, 'fn-a', jobId) as NonNullable<ReturnType<Store['jobs']['get']>>)
}

describe('a replay', () => {
  it("refuses events that left Pinterest's 7-day window since they failed, with outside_window, and sends nothing", async () => {
    const projectId = await failedDeliveries(['old-1', 'old-2'])
    const requestsBefore = emulator.requests().length
    offset = 8 * DAY_MS
    const listed = store.deliveries.failed('fn-a', { status: ['failed', 'gave_up'] }, { limit: 50, offset: 0 }).results.map((d) => presentFailed(d, now()))
    expect(listed.map((d) => [d.event_id, d.replayable, d.not_replayable_reason])).toEqual([
      ['old-2', false, "outside Pinterest's 7-day window"],
      ['old-1', false, "outside Pinterest's 7-day window"],
    ])

    const job = new JobsService(store, now).replay(projectId, 'fn-a', { filter: {} }, ACTOR)
    const finished = await runUntilSettled(projectId, job.id)
    expect(finished).toMatchObject({ status: 'completed', total: 2, done: 0, failed: 2, left: 0, failures: [{ reason: 'outside_window', label: "Outside Pinterest's 7-day window", count: 2 }] })
    expect(emulator.requests().length).toBe(requestsBefore)
    // Refused, not replayed: still listed as failed.
    expect(store.deliveries.failed('fn-a', { status: ['failed'] }, { limit: 50, offset: 0 }).count).toBe(2)
  })

  it('refuses a delivery whose stored event is no longer kept, with event_not_kept', async () => {
    const projectId = await failedDeliveries(['gone-1'])
    store.events.prune(Number.MAX_SAFE_INTEGER)
    const [listed] = store.deliveries.failed('fn-a', { status: ['failed'] }, { limit: 50, offset: 0 }).results
    expect([listed.event, presentFailed(listed, now()).not_replayable_reason]).toEqual([null, 'the stored event is no longer kept'])
    const job = new JobsService(store, now).replay(projectId, 'fn-a', { delivery_ids: [listed.id] }, ACTOR)
    expect((await runUntilSettled(projectId, job.id)).failures).toEqual([{ reason: 'event_not_kept', label: 'The stored event is no longer kept', count: 1 }])
  })
})

/** Saves the function with these mappings, as a PATCH would. */
function saveMappings(projectId: number, mappings: unknown[]): void {
  const { created_at: _c, updated_at: _u, credentials_version: _v, ...fn } = store.functions.get(projectId, 'fn-a') as NonNullable<ReturnType<Store['functions']['get']>>
  store.functions.update({ ...fn, mappings }, { actor: ACTOR })
}

describe('a replay after the mapping changed', () => {
  it('refuses a delivery whose mapping is gone (mapping_gone) and one the mapping now skips (not_mapped)', async () => {
    const projectId = await failedDeliveries(['changed-1'])
    saveMappings(projectId, [])
    const gone = new JobsService(store, now).replay(projectId, 'fn-a', { filter: {} }, ACTOR)
    expect((await runUntilSettled(projectId, gone.id)).failures).toEqual([{ reason: 'mapping_gone', label: 'The mapping no longer exists', count: 1 }])

    const noIdentifier = { event_name: { value: 'checkout' }, action_source: { value: 'web' }, event_id: { value: '{event.uuid}' }, user_data: { value: {} } }
    saveMappings(projectId, [{ name: 'Checkout', filters: { events: [{ id: 'Order Completed', type: 'events' }] }, inputs: noIdentifier }])
    const skipped = new JobsService(store, now).replay(projectId, 'fn-a', { filter: {} }, ACTOR)
    expect((await runUntilSettled(projectId, skipped.id)).failures).toEqual([{ reason: 'not_mapped', label: 'The mapping skipped the event or failed on it', count: 1 }])
    expect(emulator.accepted()).toEqual([])
  })
})

describe('a job', () => {
  it('goes on after a restart where its last recorded step ended: every event delivered once', async () => {
    const uuids = ['restart-1', 'restart-2', 'restart-3']
    const projectId = await failedDeliveries(uuids)
    const job = new JobsService(store, now).replay(projectId, 'fn-a', { filter: {} }, ACTOR)
    // One item mapped and queued, then the thread stops.
    const first = new JobRunner(store, new FunctionRegistry(store.functions), { chunk: 1, sliceMs: 100 }, now)
    expect(first.step()).toBe(true)
    expect(store.deliveries.counts().pending).toBe(1)

    store.close()
    store = openServerStore(path.join(dir, 'db.sqlite'), { secretKeys })
    const finished = await runUntilSettled(projectId, job.id)
    expect(finished).toMatchObject({ status: 'completed', total: 3, done: 3, failed: 0, left: 0 })
    const replayed = emulator
      .accepted()
      .map((e) => e.event_id)
      .sort()
    expect(replayed).toEqual(uuids)
    expect(store.deliveries.failed('fn-a', { status: ['failed'] }, { limit: 50, offset: 0 }).count).toBe(0)
  })
})
