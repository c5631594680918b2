import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadHogParser } from '../../src/hog/parser'
import { JobConflict, JobsService } from '../../src/server/jobs-service'
import { FunctionRegistry } from '../../src/server/pipeline/function-registry'
import { JobRunner } from '../../src/server/pipeline/job-runner'
import { newSecretKey } from '../../src/store/secret-key'
import type { CapturedEvent, Store } from '../../src/store/types'
import { ACCOUNT, TOKEN } from '../helpers/pipeline-server'
import { insertPinterestFunction } from '../helpers/stored-function'
import { openServerStore } from '../helpers/server-store'

const ACTOR = { key_id: null, label: 'test' }
const FAILED = { status: ['failed' as const, 'gave_up' as const] }
const PAGE = { limit: 50, offset: 0 }
let dir: string
let store: Store
let projectId: number

beforeAll(async () => {
  await loadHogParser()
})
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-hold-'))
  store = openServerStore(path.join(dir, 'db.sqlite'), { secretKeys: [newSecretKey()] })
  projectId = store.projects.create('Shop').id
  insertPinterestFunction(store, { id: 'fn-shop', project_id: projectId, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
})
afterEach(() => {
  store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

const event = (uuid: string): CapturedEvent => ({
  uuid,
  event: 'Order Completed',
  distinct_id: `person-${uuid}`,
  properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: 5 },
  timestamp: new Date().toISOString(),
})

/** Stored events that Pinterest rejected once (failed deliveries of the mapping Checkout); their delivery ids. */
function failures(uuids: string[]): number[] {
  store.events.append(projectId, uuids.map(event))
  store.events.markProcessedThrough(projectId, uuids.length, Date.now())
  const now = Date.now()
  store.deliveries.add(
    uuids.map((uuid, i) => ({
      project_id: projectId,
      function_id: 'fn-shop',
      mapping: 'Checkout',
      event_uuid: uuid,
      event_id: uuid,
      payload: '{}',
      next_attempt_at: now,
      first_seen_at: now,
      event_row_id: i + 1,
    })),
  )
  return settlePending('failed')
}

/** The sender's answer for every pending delivery; their ids. */
function settlePending(status: 'delivered' | 'failed'): number[] {
  const due = store.deliveries.dueFor('fn-shop', Date.now() + 60_000, 100)
  store.deliveries.settle(
    due.map((d) => ({ id: d.id, status, attempts: 1, next_attempt_at: 0, last_error: status === 'failed' ? 'email is not hashed' : null })),
    Date.now(),
  )
  return due.map((d) => d.id)
}

const replay = (body: unknown) => new JobsService(store).replay(projectId, 'fn-shop', body, ACTOR)
const runner = () => new JobRunner(store, new FunctionRegistry(store.functions), { settleEveryMs: 0 })
const listed = () => store.deliveries.failed('fn-shop', FAILED, PAGE).results.map((d) => [d.id, d.replay_job_id])

describe('a cancelled replay', () => {
  it('still holds the deliveries it sent until they settle: a second replay of them is a conflict', () => {
    const ids = failures(['hold-1', 'hold-2'])
    const job = replay({ delivery_ids: ids })
    expect(runner().step()).toBe(true)
    expect(store.deliveries.counts().pending).toBe(2)
    expect(store.jobs.cancel(projectId, 'fn-shop', job.id, Date.now())?.status).toBe('cancelled')

    expect(listed()).toEqual([
      [ids[1], job.id],
      [ids[0], job.id],
    ])
    expect(() => replay({ filter: {} })).toThrow(new JobConflict('delivery_ids', `2 of these deliveries are already being replayed by job ${job.id}`))

    // Delivered: the job settles, and the deliveries it replayed leave the list.
    settlePending('delivered')
    runner().step()
    expect(store.jobs.get(projectId, 'fn-shop', job.id)).toMatchObject({ status: 'cancelled', done: 2 })
    expect(listed()).toEqual([])
  })
})

describe('a replay that fails again', () => {
  it('lists the new failure in place of the one it replayed, so that replaying all of them sends each event once', () => {
    const [first, second] = failures(['again-1', 'again-2'])
    const job = replay({ filter: {} })
    runner().step()
    const renewed = settlePending('failed')
    runner().step()
    expect(store.jobs.get(projectId, 'fn-shop', job.id)).toMatchObject({ status: 'completed', done: 0, failed: 2 })
    expect(renewed.every((id) => id > second)).toBe(true)
    expect(listed()).toEqual([
      [renewed[1], null],
      [renewed[0], null],
    ])
    expect(listed().map(([id]) => id)).not.toContain(first)

    const again = replay({ filter: {} })
    expect(again.total).toBe(2)
  })
})
