import { PipelineRunner } from '../../../src/server/pipeline/runner'
import type { CapturedEvent, Store } from '../../../src/store/types'
import { anotherPostgresStore, openTestStore, type TestStore } from '../../helpers/stores'

jest.setTimeout(30_000)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const order = (uuid: string): CapturedEvent => ({ uuid, event: 'Order Completed', distinct_id: 'jane', timestamp: new Date(Date.now() - 60_000).toISOString(), properties: {} })

async function eventually(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not reached in time')
    await sleep(20)
  }
}

// Counts are bounded from above only: a slow machine polls less, never more.
describe('an idle worker on postgres', () => {
  let opened: TestStore
  let other: Store
  beforeEach(async () => {
    opened = await openTestStore('postgres')
    other = anotherPostgresStore(opened)
  })
  afterEach(async () => {
    other.close()
    await opened.close()
  })

  it('polls ever less often while nothing is pending, and maps at once what capture tells it of', async () => {
    const { store } = opened
    const polls = jest.spyOn(store.events, 'pendingProjects')
    const runner = new PipelineRunner(store, { pollMs: 10, idlePollMs: 200 })
    runner.start()
    try {
      await sleep(1_200)
      // At 10 ms a poll, 1.2 s would be 120 polls; backing off to 200 ms makes it about 12.
      expect(polls.mock.calls.length).toBeLessThan(25)
      const p = store.projects.create('P').id
      store.events.append(p, [order('e1')])
      runner.notify()
      await eventually(() => store.events.countPending(p) === 0)
    } finally {
      await runner.stop()
    }
  })

  it('does not retry every round gap a project that another worker holds', async () => {
    const { store } = opened
    const p = store.projects.create('P').id
    store.events.append(p, [order('e1')])
    expect(other.events.claim(p)).toBe(true)
    const claims = jest.spyOn(store.events, 'claim')
    const runner = new PipelineRunner(store, { pollMs: 10, idlePollMs: 200 })
    runner.start()
    try {
      await sleep(1_200)
      // A retry every 20 ms round gap would be about 60 claims.
      expect(claims.mock.calls.length).toBeLessThan(25)
      expect(store.events.countPending(p)).toBe(1)
      other.events.release(p)
      await eventually(() => store.events.countPending(p) === 0)
    } finally {
      await runner.stop()
    }
  })
})
