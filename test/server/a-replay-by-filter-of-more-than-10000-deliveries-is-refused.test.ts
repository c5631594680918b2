import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ConfigError } from '../../src/errors'
import { JobsService } from '../../src/server/jobs-service'
import { newSecretKey } from '../../src/store/secret-key'
import type { Store } from '../../src/store/types'
import { insertPinterestFunction } from '../helpers/stored-function'
import { openServerStore } from '../helpers/server-store'

const ACTOR = { key_id: null, label: 'test' }
let dir: string
let store: Store
let projectId: number

/** 10,000 failures of the mapping Checkout and one of Lead, stored as the sender stores them. */
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replay-limit-'))
  store = openServerStore(path.join(dir, 'db.sqlite'), { secretKeys: [newSecretKey()] })
  projectId = store.projects.create('Many').id
  insertPinterestFunction(store, { id: 'fn-many', project_id: projectId })
  const now = Date.now()
  store.deliveries.add(
    Array.from({ length: 10_001 }, (_, i) => ({
      project_id: projectId,
      function_id: 'fn-many',
      mapping: i === 10_000 ? 'Lead' : 'Checkout',
      event_uuid: `u-${i}`,
      event_id: `u-${i}`,
      payload: '{}',
      next_attempt_at: now,
      first_seen_at: now,
    })),
  )
  const ids = store.deliveries.dueFor('fn-many', now + 1000, 20_000).map((d) => d.id)
  store.deliveries.settle(
    ids.map((id) => ({ id, status: 'failed', attempts: 1, next_attempt_at: now, last_error: 'rejected' })),
    now,
  )
})
afterAll(() => {
  store.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

function refusal(body: unknown): ConfigError {
  try {
    new JobsService(store).replay(projectId, 'fn-many', body, ACTOR)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a refusal')
}

describe('a replay by filter', () => {
  it('is refused, naming the filter, when it matches more than 10,000 deliveries; nothing is stored', () => {
    const error = refusal({ filter: {} })
    expect([error.field, error.detail]).toEqual(['filter', 'The filter matches more than 10,000 deliveries; narrow the filter (mapping, reason, time) or replay in parts.'])
    expect(store.jobs.list(projectId, 'fn-many', 10)).toEqual([])
  })

  it('of 10,000 deliveries is accepted', () => {
    const job = new JobsService(store).replay(projectId, 'fn-many', { filter: { mapping: 'Checkout' } }, ACTOR)
    expect(job).toMatchObject({ kind: 'replay', status: 'running', total: 10_000 })
  })
})
