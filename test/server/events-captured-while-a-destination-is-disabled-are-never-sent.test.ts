import { capture, createFunction, firstProject, order, setEnabled, type Setup, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

let setup: Setup
afterEach(() => setup.close())

describe('events captured while a destination is disabled', () => {
  it('are processed without it and never sent, not even once it is enabled again', async () => {
    setup = await startPipeline('disabled-destination-')
    const { server, emulator } = setup
    const functionId = await createFunction(server, firstProject, { enabled: false })
    await capture(server, firstProject, [order('e-while-disabled')])
    // The event is processed (the queue moves past it) with no delivery, metric or log for the destination.
    expect(await until(() => server.store.events.countPending() === 0, 20_000)).toBe(true)
    expect(server.store.deliveries.counts()).toEqual({ pending: 0, delivered: 0, failed: 0, gave_up: 0 })
    expect(server.store.metrics.series(1, functionId, '1970-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')).toEqual([])

    await setEnabled(server, firstProject, functionId, true)
    // Saved changes reach the pipeline thread within half a second.
    await new Promise((resolve) => setTimeout(resolve, 700))
    await capture(server, firstProject, [order('e-after-enabling')])
    expect(await until(() => server.store.deliveries.counts().delivered === 1, 20_000)).toBe(true)
    // Events are processed in order: had the first been kept for later, it would have gone before this one.
    expect(emulator.accepted().map((e) => e.event_id)).toEqual(['e-after-enabling'])
  })
})
