import { ACCOUNT, addDeliveries, TOKEN, useSenderAndEmulator } from './delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(30_000)

const start = useSenderAndEmulator()

describe("the server's sender with a busy function beside a quiet one", () => {
  it("sends the quiet function's 10 deliveries in the first round, beside the busy one's 5,000", async () => {
    const setup = await start({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT, '42'] }] })
    const { store, emulator } = setup
    addDeliveries(store, setup.projectId, setup.addFunction('fn-busy'), 'busy', 5000)
    addDeliveries(store, setup.projectId, setup.addFunction('fn-quiet', '42'), 'quiet', 10)
    await setup.sender({ apiUrl: emulator.url, concurrency: 1 }).runOnce()
    const accepted = emulator.accepted().map((e) => e.event_id)
    expect(accepted.filter((id) => id.startsWith('quiet-')).sort()).toEqual(Array.from({ length: 10 }, (_, i) => `quiet-${i}`).sort())
    expect(accepted.filter((id) => id.startsWith('busy-'))).toHaveLength(1000)
  })
})
