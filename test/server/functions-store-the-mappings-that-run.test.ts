import { DEFAULT_MAPPING_NAMES } from '../helpers/fixtures'
import { capture, createFunction, firstProject, order, type Setup, startPipeline, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

let setup: Setup
afterEach(() => setup.close())

const PREBUILT = DEFAULT_MAPPING_NAMES

interface Mapping {
  name: string
  filters?: unknown
  inputs: Record<string, { value: unknown }>
}

async function rest(method: 'GET' | 'PATCH', id: string, body?: unknown) {
  const response = await fetch(`${setup.server.url}/api/projects/1/hog_functions/${id}/`, {
    method,
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as { mappings: Mapping[] } }
}

const web = (event: string, uuid: string, properties: Record<string, unknown> = {}) => ({
  event,
  distinct_id: `person-${uuid}`,
  uuid,
  properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', ...properties },
})

const sentNames = () => Object.fromEntries(setup.emulator.accepted().map((e) => [e.event_id, e.event_name]))

describe('a function stores the mappings it runs', () => {
  it('created without mappings, GET lists the 16 default mappings; PATCH adding one keeps the 16 running', async () => {
    setup = await startPipeline('explicit-mappings-')
    const id = await createFunction(setup.server, firstProject)
    const { body } = await rest('GET', id)
    expect(body.mappings.map((m) => m.name)).toEqual(PREBUILT)
    const checkout = body.mappings[0]
    expect(checkout.filters).toEqual({ events: [{ id: 'Order Completed', name: 'Order Completed', type: 'events' }] })
    expect(checkout.inputs.event_name).toEqual({ value: 'checkout' })
    expect(checkout.inputs.action_source).toEqual({ value: 'web' })
    expect(checkout.inputs.event_id).toEqual({ value: '{event.uuid}' })
    expect((checkout.inputs.user_data.value as Record<string, string>).email).toBe('{person.properties.email ?? event.properties.email}')
    expect(body.mappings[3].inputs.event_name).toEqual({ value: 'page_visit' })
    // Inputs without a default are left out, as they run: opt_out and partner_name have none.
    expect(Object.keys(checkout.inputs)).not.toContain('opt_out')

    // PATCH adding one mapping to the listed ones keeps the other 16 running.
    const listed = body.mappings
    const quote = { name: 'Quote requested', filters: { events: [{ id: 'Quote Requested', type: 'events' }] }, inputs: { event_name: { value: 'lead' } } }
    const patched = await rest('PATCH', id, { mappings: [...listed, quote] })
    expect(patched.status).toBe(200)
    expect(patched.body.mappings.map((m) => m.name)).toEqual([...PREBUILT, 'Quote requested'])
    // Saved changes reach the pipeline thread within half a second; no event is captured before.
    await new Promise((resolve) => setTimeout(resolve, 700))
    await capture(setup.server, firstProject, [order('e-order'), web('$pageview', 'e-page'), web('Product Added', 'e-cart'), web('Quote Requested', 'e-quote')])
    expect(await until(() => setup.emulator.accepted().length >= 4, 20_000)).toBe(true)
    expect(sentNames()).toEqual({ 'e-order': 'checkout', 'e-page': 'page_visit', 'e-cart': 'add_to_cart', 'e-quote': 'lead' })
  })

  it('"mappings": [] stores and sends nothing, and PATCH "mappings": null gives the defaults back', async () => {
    setup = await startPipeline('explicit-mappings-')
    const none = await createFunction(setup.server, firstProject, { name: 'Nothing', mappings: [] })
    const defaults = await createFunction(setup.server, firstProject, { name: 'Defaults' })
    expect((await rest('GET', none)).body.mappings).toEqual([])
    await capture(setup.server, firstProject, [order('e-1')])
    expect(await until(() => setup.server.store.deliveries.counts().delivered === 1, 20_000)).toBe(true)
    expect(setup.server.store.events.countPending()).toBe(0)
    expect(setup.emulator.accepted().map((e) => e.event_id)).toEqual(['e-1'])
    const metrics = setup.server.store.metrics.series(1, none, '1970-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z')
    expect(metrics.map((m) => [m.name, m.count])).toEqual([['filtered', 1]])
    const restored = await rest('PATCH', none, { mappings: null })
    expect(restored.body.mappings).toEqual((await rest('GET', defaults)).body.mappings)
  })
})
