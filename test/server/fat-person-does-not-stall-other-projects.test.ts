import { addProject, capture, createFunction, firstProject, order, type Setup, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(90_000)

let setup: Setup
afterEach(() => setup.close())

describe('a fat person', () => {
  it('gets no more than the person size limit, a warning per refused update, and never stops another project', async () => {
    setup = await startPipeline('pipelines-fat-person-')
    const { server, emulator } = setup
    const a = firstProject
    const b = addProject(server, 'other')
    const aFunction = await createFunction(server, a)
    await createFunction(server, b)

    // Three $set of 300 KB each: the first fits the 512 KB limit, the next two would not.
    for (let i = 0; i < 3; i++) await capture(server, a, [order(`fat-set-${i}`, 'fat', { $set: { [`blob_${i}`]: 'v'.repeat(300_000) } })])
    await capture(
      server,
      a,
      Array.from({ length: 500 }, (_, i) => order(`fat-${i}`, 'fat')),
    )
    await capture(server, b, [order('other-project-event')])

    const received = () => new Set(emulator.accepted().map((e) => e.event_id))
    const done = await until(() => received().has('other-project-event') && received().size === 504, 60_000)
    expect(done).toBe(true)

    const person = server.store.persons.find(a.id, 'fat')
    expect(Object.keys(person?.properties ?? {})).toEqual(['blob_0'])
    const warnings = server.store.logs.list(a.id, aFunction, { level: ['warn'], limit: 10 })
    expect(warnings.map((l) => l.message).sort()).toEqual([
      expect.stringMatching(/^person "fat" not updated by event fat-set-1: its properties would be about 6\d{5} bytes, over the limit of 524288$/),
      expect.stringMatching(/^person "fat" not updated by event fat-set-2: its properties would be about 6\d{5} bytes, over the limit of 524288$/),
    ])
    expect(server.store.events.countPending()).toBe(0)
  })
})
