import { DeliverySender } from '../../src/server/pipeline/delivery-sender'
import { insertPinterestFunction } from '../helpers/stored-function'
import { FunctionRegistry } from '../../src/server/pipeline/function-registry'
import type { Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

let store: Store

function setUp(enabled: boolean, deleted: boolean): { sender: DeliverySender; functionId: string } {
  store = openServerStore(':memory:')
  const project = store.projects.create('P')
  const fn = insertPinterestFunction(store, { id: 'fn-1', project_id: project.id, enabled, deleted })
  store.deliveries.add([{ project_id: project.id, function_id: fn.id, mapping: 'Checkout', event_uuid: 'u-1', event_id: 'e-1', payload: '{}', next_attempt_at: 0, first_seen_at: 0 }])
  const neverCalled = async (): Promise<Response> => {
    throw new Error('nothing may be sent for a function that is not running')
  }
  return { sender: new DeliverySender(store, new FunctionRegistry(store.functions), { fetch: neverCalled }), functionId: fn.id }
}

afterEach(() => store.close())

describe('deliveries of functions that are not running', () => {
  it('wait untouched while their function is disabled', async () => {
    const { sender, functionId } = setUp(false, false)
    expect(await sender.runOnce(1_000)).toBe(0)
    expect(await sender.runOnce(1_000)).toBe(0)
    expect(store.deliveries.counts()).toEqual({ pending: 1, delivered: 0, failed: 0, gave_up: 0 })
    expect(store.deliveries.dueFor(functionId, 1_000, 10)).toEqual([expect.objectContaining({ status: 'pending', attempts: 0, next_attempt_at: 0, last_error: null })])
    expect(store.logs.list(1, functionId, { limit: 10 })).toEqual([])
  })

  it('fail with a log line and the failed metric when their function was deleted', async () => {
    const { sender, functionId } = setUp(true, true)
    await sender.runOnce(1_000)
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 0, failed: 1, gave_up: 0 })
    expect(store.logs.list(1, functionId, { limit: 10 }).map((l) => [l.level, l.message])).toEqual([['error', 'event e-1 (Checkout) failed: the function was deleted before delivery']])
    const metrics = store.metrics.series(1, functionId, '1970-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')
    expect(metrics.map((m) => [m.name, m.count])).toEqual([['failed', 1]])
  })
})
