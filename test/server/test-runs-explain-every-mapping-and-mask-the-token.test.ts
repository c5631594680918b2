import { createHash } from 'node:crypto'
import { capturedEvent, applyPersons } from '../helpers/persons'
import { createFunction, firstProject, type Setup, startPipeline, TOKEN } from '../helpers/pipeline-server'

jest.setTimeout(30_000)

const CHECKOUT = { name: 'Checkout', filters: { events: [{ id: 'Order Completed', type: 'events' }] }, inputs: { event_name: { value: 'checkout' } } }
const SEARCH = { name: 'Search', disabled: true, filters: { events: [{ id: 'Products Searched', type: 'events' }] }, inputs: { event_name: { value: 'search' } } }
const ADD_TO_CART = { name: 'Add to Cart', filters: { events: [{ id: 'Product Added', type: 'events' }] }, inputs: { event_name: { value: 'add_to_cart' } } }

let setup: Setup
let functionId: string
const bodies: string[] = []

async function invoke(id: string, body: Record<string, unknown>) {
  const response = await fetch(`${setup.server.url}/api/projects/${firstProject.id}/hog_functions/${id}/invocations/`, {
    method: 'POST',
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  const text = await response.text()
  bodies.push(text)
  return { status: response.status, body: JSON.parse(text) }
}

const order = () => ({ event: 'Order Completed', distinct_id: 'user-1', properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: 175, currency: 'USD' } })

beforeAll(async () => {
  setup = await startPipeline('test-runs-')
  functionId = await createFunction(setup.server, firstProject, { mappings: [CHECKOUT, SEARCH, ADD_TO_CART] })
})

afterAll(async () => {
  await setup?.close()
  expect(bodies.filter((body) => body.includes(TOKEN))).toEqual([])
})

test('each mapping says what it did: an event built, filtered out by its trigger, or switched off', async () => {
  const { status, body } = await invoke(functionId, { event: order(), mock_async_functions: true })
  expect(status).toBe(200)
  expect(body.status).toBe('success')
  expect(body.result.results.map((r: { mapping: string; status: string }) => [r.mapping, r.status])).toEqual([
    ['Checkout', 'event'],
    ['Add to Cart', 'filtered'],
    ['Search', 'disabled'],
  ])
  expect(body.result.results[1].reason).toBe('its filters do not take this "Order Completed" event')
  expect(body.result.results[2].reason).toBe('this mapping is switched off')
  expect(body.result.results[0].event).toMatchObject({ event_name: 'checkout', custom_data: { currency: 'USD', value: '175' } })
})

test('the request shown has the headers that go out, the token masked', async () => {
  const { body } = await invoke(functionId, { event: order() })
  expect(body.result.request.method).toBe('POST')
  expect(body.result.request.url).toBe(`${setup.emulator.url}/v5/ad_accounts/549755885175/events?test=true`)
  expect(body.result.request.headers).toEqual({ 'Content-Type': 'application/json', Authorization: 'Bearer ***REDACTED***' })
})

test("the destination's own filters leaving the event out are named for every mapping", async () => {
  const configuration = { filters: { properties: [{ key: 'currency', value: 'EUR', operator: 'exact', type: 'event' }] } }
  const { body } = await invoke(functionId, { configuration, event: order() })
  expect(body.status).toBe('skipped')
  expect(body.result.results).toEqual([
    { mapping: 'Checkout', status: 'filtered', reason: "the destination's filters leave this event out" },
    { mapping: 'Add to Cart', status: 'filtered', reason: "the destination's filters leave this event out" },
    { mapping: 'Search', status: 'disabled', reason: 'this mapping is switched off' },
  ])
})

test('a draft that pauses the destination is still tested, with the stored token', async () => {
  const configuration = { name: 'Pinterest', enabled: false, inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { secret: true } } }
  const { body } = await invoke(functionId, { configuration, event: order(), mock_async_functions: false })
  expect(body.status).toBe('success')
  expect(body.result.response.status).toBe(200)
  expect(setup.server.store.functions.get(firstProject.id, functionId)?.enabled).toBe(true)
})

test('an event that is no event gets one error and no mapping results', async () => {
  const { body } = await invoke(functionId, { globals: { event: { event: 'Order Completed', properties: 'x' } } })
  expect(body.status).toBe('error')
  expect(body.result.results).toEqual([{ mapping: null, status: 'error', reason: 'event.properties: expected an object' }])
})

test('a captured event runs with its stored person, changed by its own $set, and nothing is written', async () => {
  applyPersons(setup.server.store, firstProject.id, [capturedEvent('identify-1', '$identify', 'buyer-9', { $set: { email: 'Stored@Example.com', first_name: 'Ana' } })])
  const event = { ...order(), distinct_id: 'buyer-9', properties: { ...order().properties, $set: { first_name: 'Anna' } } }
  const { body } = await invoke(functionId, { event })
  const sha = (text: string) => createHash('sha256').update(text).digest('hex')
  expect(body.result.results[0].event.user_data).toMatchObject({ em: [sha('stored@example.com')], fn: [sha('anna')] })
  expect(setup.server.store.persons.find(firstProject.id, 'buyer-9')?.properties).toEqual({ email: 'Stored@Example.com', first_name: 'Ana' })
})

test('a captured event of a distinct id without a person runs without one', async () => {
  const { body } = await invoke(functionId, { event: { ...order(), distinct_id: 'nobody-1' } })
  expect(body.result.results[0].event.user_data.em).toBeUndefined()
  expect(body.result.results[0].event.user_data.external_id).toEqual([createHash('sha256').update('nobody-1').digest('hex')])
})
