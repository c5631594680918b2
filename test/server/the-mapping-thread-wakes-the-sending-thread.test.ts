import { capture, createFunction, firstProject, order, type Setup, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

let setup: Setup
afterEach(() => setup.close())

describe('the server pipeline, mapping on one thread and sending on another', () => {
  it('sends what the mapping thread made without waiting for the sending thread to poll', async () => {
    // Both threads poll every 30 s at most: a delivery within seconds was sent because the sender was told.
    setup = await startPipeline('pipelines-two-threads-', { pollMs: 30_000, idlePollMs: 30_000 })
    const { server, emulator } = setup
    await createFunction(server, firstProject)
    // Let both threads finish their first rounds and fall asleep.
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    await capture(server, firstProject, [order('woken-1'), order('woken-2')])
    const sent = await until(() => emulator.accepted().length === 2, 10_000)
    expect(sent).toBe(true)
    expect(
      emulator
        .accepted()
        .map((event) => event.event_id)
        .sort(),
    ).toEqual(['woken-1', 'woken-2'])
  })
})
