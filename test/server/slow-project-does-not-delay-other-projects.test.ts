import { addProject, capture, createFunction, firstProject, order, setEnabled, type Setup, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(90_000)

// Several milliseconds of Hog per event: 2,000 of them are a backlog of seconds.
const SLOW_EVENT_ID = "{if(length(arrayMap(x -> x * 2, range(300))) > 0, event.uuid, 'never')}"

let setup: Setup
afterEach(() => setup.close())

describe('a project with a slow function', () => {
  it('does not hold up another project: its event is delivered while the slow backlog is still being mapped', async () => {
    setup = await startPipeline('pipelines-fairness-')
    const { server, emulator } = setup
    const slow = firstProject
    const other = addProject(server, 'other')
    const slowFunction = await createFunction(server, slow, {
      mappings: [{ name: 'Slow', filters: { events: [{ id: 'Order Completed', type: 'events' }] }, inputs: { event_id: { value: SLOW_EVENT_ID } } }],
    })
    await createFunction(server, other)

    for (let i = 0; i < 20; i++)
      await capture(
        server,
        slow,
        Array.from({ length: 100 }, (_, j) => order(`slow-${i * 100 + j}`)),
      )
    await capture(server, other, [order('other-project-event')])

    const received = () => emulator.accepted().map((e) => e.event_id)
    expect(await until(() => received().includes('other-project-event'), 30_000)).toBe(true)
    const slowPending = server.store.events.countPending(slow.id)
    const slowDelivered = received().filter((id) => id.startsWith('slow-')).length

    expect(slowPending).toBeGreaterThan(0)
    expect(slowDelivered).toBeLessThan(2_000)
    // Spare the drain at close from mapping the rest of the backlog slowly.
    await setEnabled(server, slow, slowFunction, false)
  })
})
