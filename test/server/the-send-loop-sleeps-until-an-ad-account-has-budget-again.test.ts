import { startEmulator } from '../../src/emulator/server'
import { DeliverySender } from '../../src/server/pipeline/delivery-sender'
import { PipelineRunner } from '../../src/server/pipeline/runner'
import { ACCOUNT, addDeliveries, senderStore, TOKEN } from './delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(60_000)

describe('the pipeline’s send loop when an ad account is out of budget', () => {
  it('sleeps until the next request may go (not the poll interval, and without spinning)', async () => {
    const setup = await senderStore()
    const { store, projectId } = setup
    const emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
    const rounds = jest.spyOn(DeliverySender.prototype, 'runOnce')
    // One request per 300 ms for three functions of one ad account; the poll alone would wait 30 s.
    for (const id of ['fn-a', 'fn-b', 'fn-c']) addDeliveries(store, projectId, setup.addFunction(id), id, 2)
    const runner = new PipelineRunner(store, { apiUrl: emulator.url, pollMs: 30_000, requestsPerMinute: 1, paceWindowMs: 300 })
    try {
      const started = Date.now()
      runner.start()
      while (store.deliveries.counts().delivered < 6) {
        if (Date.now() - started > 20_000) throw new Error('not delivered within 20 s')
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      // A round per request and one after each (the loop goes on at once after a round that sent something).
      expect(rounds.mock.calls.length).toBeLessThanOrEqual(10)
      // One function's batch per request (how many per window: delivery-sender-paces-requests-per-ad-account.test.ts).
      expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([
        [200, 2],
        [200, 2],
        [200, 2],
      ])
    } finally {
      await runner.stop()
      rounds.mockRestore()
      await emulator.close()
      store.close()
    }
  })
})
