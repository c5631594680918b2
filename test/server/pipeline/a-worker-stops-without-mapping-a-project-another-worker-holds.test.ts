import { PipelineRunner } from '../../../src/server/pipeline/runner'
import type { CapturedEvent } from '../../../src/store/types'
import { anotherPostgresStore, openTestStore, type TestStore } from '../../helpers/stores'

const event = (uuid: string): CapturedEvent => ({ uuid, event: 'e', distinct_id: 'd', properties: {}, timestamp: new Date().toISOString() })

describe('a worker stopping on postgres', () => {
  let opened: TestStore
  beforeEach(async () => {
    opened = await openTestStore('postgres')
  })
  afterEach(() => opened.close())

  it('maps what is its to map and leaves, without waiting for a project another worker holds', async () => {
    const { store } = opened
    const [held, free] = [store.projects.create('Held').id, store.projects.create('Free').id]
    store.events.append(held, [event('h1')])
    store.events.append(free, [event('f1'), event('f2')])
    const other = anotherPostgresStore(opened)
    try {
      expect(other.events.claim(held)).toBe(true)
      const runner = new PipelineRunner(store, { pollMs: 10 })
      runner.start()
      await runner.stop()
      expect([store.events.countPending(held), store.events.countPending(free)]).toEqual([1, 0])
    } finally {
      other.close()
    }
  })
})
