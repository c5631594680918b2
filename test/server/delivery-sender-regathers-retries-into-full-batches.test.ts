import { ACCOUNT, addDeliveries, runUntil, TOKEN, useSenderAndEmulator } from './delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(30_000)

const start = useSenderAndEmulator()

describe("the server's sender after a 503", () => {
  it('sends the 50 due events again as one request', async () => {
    const setup = await start({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }], faults: { next_statuses: [503] } })
    const { store, emulator } = setup
    addDeliveries(store, setup.projectId, setup.addFunction('fn-a'), 'a', 50)
    const sender = setup.sender({ apiUrl: emulator.url, retry: { baseDelayMs: 20, maxDelayMs: 20 } })
    await runUntil(sender, () => store.deliveries.counts().delivered === 50)
    expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([
      [503, 50],
      [200, 50],
    ])
  })
})
