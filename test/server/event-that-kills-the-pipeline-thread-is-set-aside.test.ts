import { addProject, capture, createFunction, firstProject, order, type Setup, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(120_000)

let setup: Setup
afterEach(() => setup.close())

describe('an event that kills the pipeline thread', () => {
  it('is set aside after two deaths, with a log line and the failed metric, while the events around it are delivered', async () => {
    // The hook makes the thread exhaust its (small) heap on this event, as a genuinely poisonous one would.
    setup = await startPipeline('pipelines-poison-', { memoryMb: 256, testHooks: { exhaustMemoryOnEvent: 'Poison' } })
    const { server, emulator } = setup
    const a = firstProject
    const b = addProject(server, 'other')
    const aFunction = await createFunction(server, a)
    await createFunction(server, b)
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true)

    const poison = { ...order('poison-1'), event: 'Poison' }
    await capture(server, a, [order('before-1'), order('before-2'), poison, order('after-1')])
    await capture(server, b, [order('other-project-event')])
    await capture(server, a, [order('after-2')])

    const received = () => new Set(emulator.accepted().map((e) => e.event_id))
    const expected = ['before-1', 'before-2', 'after-1', 'after-2', 'other-project-event']
    const done = await until(() => expected.every((id) => received().has(id)), 90_000)
    const health = await fetch(`${server.url}/_health`)
    const written = stderr.mock.calls.map(([text]) => String(text))
    stderr.mockRestore()

    expect(done).toBe(true)
    expect(health.status).toBe(200)
    expect([...received()].sort()).toEqual([...expected].sort())
    const errors = server.store.logs.list(a.id, aFunction, { level: ['error'], limit: 10 })
    expect(errors.map((l) => [l.message, l.instance_id])).toEqual([['event poison-1 set aside: processing it stopped the pipeline 2 times', 'poison-1']])
    const metrics = server.store.metrics.series(a.id, aFunction, '1970-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')
    expect(metrics.filter((m) => m.name === 'failed').map((m) => m.count)).toEqual([1])
    // Both deaths were the heap limit ending the thread, reported, not the process.
    expect(written.filter((text) => text.includes('ERR_WORKER_OUT_OF_MEMORY') || text.includes('out of memory'))).toHaveLength(2)
    expect(written.filter((text) => text.startsWith('pipeline thread stopped'))).toHaveLength(2)
    expect(server.store.events.countPending()).toBe(0)
  })
})
