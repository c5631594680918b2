import { capture, createFunction, firstProject, order, type Setup, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

let setup: Setup
let functionId: string

// Without a user agent Pinterest cannot take a page view: the pipeline logs it as skipped.
const pageview = (uuid: string, distinctId: string) => ({ event: '$pageview', distinct_id: distinctId, uuid, properties: {} })

beforeAll(async () => {
  setup = await startPipeline('pipelines-log-search-')
  // debug_mode logs each delivered event, on the sending side of the pipeline.
  functionId = await createFunction(setup.server, firstProject, {
    inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'pina_pipeline_conversion_token' }, debug_mode: { value: true } },
  })
  await capture(setup.server, firstProject, [
    pageview('pv-1', 'anon-7'),
    { event: '$identify', distinct_id: 'person-alice', uuid: 'identify-1', properties: { $anon_distinct_id: 'anon-7' } },
    order('ord-1', 'person-alice'),
    pageview('pv-2', 'person-alice'),
    order('ord-2', 'person-bob'),
    pageview('pv-3', 'person-bob'),
  ])
  const { store } = setup.server
  expect(await until(() => store.events.countPending() === 0 && store.deliveries.counts().delivered === 2, 20_000)).toBe(true)
})

afterAll(() => setup.close())

async function search(text: string): Promise<string[]> {
  const response = await fetch(`${setup.server.url}/api/projects/1/hog_functions/${functionId}/logs/?search=${encodeURIComponent(text)}&limit=100`, {
    headers: { authorization: `Bearer ${firstProject.key}` },
  })
  expect(response.status).toBe(200)
  const { results } = (await response.json()) as { results: { message: string; instance_id: string | null }[] }
  return results.map((r) => `${r.instance_id}: ${r.message.replace(/: no identifier.*$/, ': no identifier')}`).sort()
}

describe('searching logs', () => {
  it("by distinct id finds the lines of that person's events, from mapping and from sending", async () => {
    expect(await search('person-bob')).toEqual(['ord-2: event ord-2 (Checkout) delivered', 'pv-3: Page Visit skipped for event pv-3: no identifier'])
  })

  it("by any of a person's distinct ids finds the lines of all of them", async () => {
    const alice = ['ord-1: event ord-1 (Checkout) delivered', 'pv-1: Page Visit skipped for event pv-1: no identifier', 'pv-2: Page Visit skipped for event pv-2: no identifier']
    expect(await search('person-alice')).toEqual(alice)
    expect(await search('anon-7')).toEqual(alice)
  })

  it("by event uuid still finds that event's lines, and text still matches messages", async () => {
    expect(await search('pv-3')).toEqual(['pv-3: Page Visit skipped for event pv-3: no identifier'])
    expect(await search('Page Visit skipped')).toHaveLength(3)
  })

  it('by part of a distinct id finds nothing: ids match exactly', async () => {
    expect(await search('person-bo')).toEqual([])
  })

  it('finds nothing once the person is deleted, even after their stored events were pruned', async () => {
    const { store } = setup.server
    // Stored events are kept a day, log lines a week: the lines are found by their distinct id alone.
    while (store.events.prune(Date.now() + 1) > 0);
    expect(store.persons.delete(1, 'person-bob').logs).toBe(2)
    expect(await search('person-bob')).toEqual([])
    expect(await search('person-alice')).toHaveLength(3)
  })
})
