import { createServer } from 'node:net'
import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import type { Store } from '../../src/store/types'
import { ACCOUNT, addDeliveries, runUntil, senderStore, TOKEN } from './delivery-sender-fixtures'

jest.setTimeout(30_000)

// The old schedule gave a delivery 8 attempts; every outage here outlasts 10.
const OUTLASTING = 10
const short = { baseDelayMs: 5, maxDelayMs: 40 }

let store: Store
const emulators: RunningEmulator[] = []
const emulator = async (port = 0) => {
  const started = await startEmulator({ port, credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  emulators.push(started)
  return started
}
afterEach(async () => {
  await Promise.all(emulators.splice(0).map((e) => e.close()))
  store.close()
})

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

describe("the server's sender in an outage longer than the old retry schedule", () => {
  it('delivers every stored event once Pinterest stops answering 503', async () => {
    const setup = await senderStore()
    store = setup.store
    const pinterest = await emulator()
    pinterest.setFaults({ unavailable_share: 1 })
    addDeliveries(store, setup.projectId, setup.addFunction('fn-a'), 'a', 150)
    const sender = setup.sender({ apiUrl: pinterest.url, retry: short })
    await runUntil(sender, () => pinterest.requests().length >= OUTLASTING)
    expect(store.deliveries.counts()).toEqual({ pending: 150, delivered: 0, failed: 0, gave_up: 0 })
    pinterest.setFaults({})
    await runUntil(sender, () => store.deliveries.counts().pending === 0)
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 150, failed: 0, gave_up: 0 })
    expect(new Set(pinterest.accepted().map((e) => e.event_id)).size).toBe(150)
  })

  it('delivers every stored event once connections stop being refused', async () => {
    const setup = await senderStore()
    store = setup.store
    const port = await freePort()
    const functionId = setup.addFunction('fn-b')
    addDeliveries(store, setup.projectId, functionId, 'b', 40)
    const sender = setup.sender({ apiUrl: `http://127.0.0.1:${port}`, retry: short })
    const fetches = () => store.metrics.series(setup.projectId, functionId, '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z').find((m) => m.name === 'fetch')?.count ?? 0
    await runUntil(sender, () => fetches() >= OUTLASTING)
    const pinterest = await emulator(port)
    await runUntil(sender, () => store.deliveries.counts().pending === 0)
    expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 40, failed: 0, gave_up: 0 })
    expect(pinterest.accepted()).toHaveLength(40)
  })
})
