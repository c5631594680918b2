import { createHash } from 'node:crypto'
import { PROJECT_TOKEN } from '../helpers/pipeline-server'
import { type PageSetup, signIn, startPage } from './helpers/page'
import { openTestingTab, run, SHOP_MAPPINGS, shownEvent, shownMapping } from './helpers/testing-tab'

jest.setTimeout(60_000)

let setup: PageSetup

beforeAll(async () => {
  setup = await startPage('testing-events')
  await signIn(setup.page)
  await openTestingTab(setup)
})

afterAll(async () => {
  await setup?.close()
})

async function capture(events: Record<string, unknown>[]): Promise<void> {
  const response = await fetch(`${setup.pipeline.server.url}/e/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: PROJECT_TOKEN, batch: events }) })
  expect(response.status).toBe(200)
}

const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString()
const notice = () =>
  setup.page
    .getByRole('status')
    .filter({ hasText: /captured|sample/ })
    .textContent()
const load = () => setup.page.getByRole('button', { name: 'Load the latest captured event' }).click()

test('with no captured event that a mapping takes, loading says so and keeps the event', async () => {
  const { page } = setup
  // A page view is captured, but none of the three mappings takes it.
  await capture([{ event: '$pageview', distinct_id: 'visitor-1', uuid: 'pageview-1', timestamp: minutesAgo(1), properties: {} }])
  const before = await page.getByLabel('Event (JSON)').inputValue()
  await load()
  await page.getByText('No event that a mapping takes has been captured yet').waitFor()
  await expect(notice()).resolves.toBe(
    'No event that a mapping takes has been captured yet (they take “Order Completed”, “Products Searched” and “Product Added”). Capture one, or start from a sample.',
  )
  await expect(page.getByLabel('Event (JSON)').inputValue()).resolves.toBe(before)
})

async function personStored(distinctId: string): Promise<void> {
  const until = Date.now() + 10_000
  while (!setup.pipeline.server.store.persons.find(1, distinctId) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20))
}

test('the latest captured event that a mapping takes is loaded, and the test runs it with its person', async () => {
  const { page } = setup
  await capture([{ event: '$identify', distinct_id: 'buyer-7', uuid: 'identify-7', timestamp: minutesAgo(10), properties: { $set: { email: ' Buyer@Example.com' } } }])
  await personStored('buyer-7')
  await capture([
    { event: 'Order Completed', distinct_id: 'buyer-7', uuid: 'captured-order-1', timestamp: minutesAgo(5), properties: { revenue: 42, currency: 'EUR', $ip: '198.51.100.7' } },
    // Captured later, but it happened earlier: not the latest.
    { event: 'Product Added', distinct_id: 'buyer-7', uuid: 'captured-cart-1', timestamp: minutesAgo(30), properties: { price: 9, currency: 'EUR' } },
  ])
  await load()
  await page.getByText('Loaded the latest captured “Order Completed” event').waitFor()
  expect(JSON.parse(await page.getByLabel('Event (JSON)').inputValue())).toMatchObject({ event: 'Order Completed', uuid: 'captured-order-1', distinct_id: 'buyer-7' })
  await run(page)
  expect(await shownEvent(page, 'Checkout')).toMatchObject({
    event_name: 'checkout',
    event_id: 'captured-order-1',
    // The email is the stored person's, as the pipeline would send it.
    user_data: { em: [createHash('sha256').update('buyer@example.com').digest('hex')], client_ip_address: '198.51.100.7' },
    custom_data: { value: '42', currency: 'EUR' },
  })
  await setup.screenshot('captured')
})

test('pasted text that is not JSON gets an error at the field, and nothing is run', async () => {
  const { page } = setup
  const field = page.getByLabel('Event (JSON)')
  await field.fill('{\n  "event": "Order Completed",\n  "distinct_id": \n}')
  let invocations = 0
  page.on('request', (request) => {
    if (request.url().includes('/invocations')) invocations++
  })
  await page.getByRole('button', { name: 'Test', exact: true }).click()
  const error = page.locator('#test-event-error')
  await expect(error.textContent()).resolves.toBe('This is not valid JSON: at line 4, column 1 it expected a value (an object, array, string, number, true, false or null).')
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true')
  await expect(field.getAttribute('aria-describedby')).resolves.toContain('test-event-error')
  await expect(page.evaluate('document.activeElement.id')).resolves.toBe('test-event')
  await field.fill('{"name": "Order Completed"}')
  await expect(error.count()).resolves.toBe(0)
  await page.getByRole('button', { name: 'Test', exact: true }).click()
  await expect(error.textContent()).resolves.toMatch(/^This JSON is not an event: it needs an "event" field/)
  expect(invocations).toBe(0)
  await setup.screenshot('invalid-json')
})

test('a pasted event is tested as it is', async () => {
  const { page } = setup
  const pasted = { event: 'Products Searched', distinct_id: 'searcher-3', uuid: 'pasted-1', timestamp: minutesAgo(2), properties: { query: 'brass lamp', email: 'searcher@example.com' } }
  await page.getByLabel('Event (JSON)').fill(JSON.stringify(pasted))
  expect(await run(page)).toBe(200)
  await expect(page.locator('#test-event-error').count()).resolves.toBe(0)
  expect(await shownEvent(page, 'Search')).toMatchObject({ event_name: 'search', event_id: 'pasted-1', custom_data: { search_string: 'brass lamp' } })
  expect(await shownMapping(page, 'Checkout')).toEqual({ status: 'Filtered out', reason: 'Its filters do not take this "Products Searched" event' })
})

test('an event the server finds wrong is shown as the event’s error', async () => {
  const { page } = setup
  await page.getByLabel('Event (JSON)').fill('{"event": {"event": "Order Completed", "properties": []}}')
  await run(page)
  expect(await shownMapping(page, 'The event')).toEqual({ status: 'Error', reason: 'event.properties: expected an object' })
  await expect(page.locator('.testing-summary').textContent()).resolves.toBe('The test run found a problem: see the results below.')
})

test('a destination whose mappings are all switched off has no event to load, and its test says so per mapping', async () => {
  const { page } = setup
  await openTestingTab(setup, { name: 'All off', mappings: SHOP_MAPPINGS.map((m) => ({ ...m, disabled: true })) })
  await page.getByRole('button', { name: 'Load the latest captured event' }).waitFor()
  await page.waitForFunction('!document.querySelector(".testing-event button:disabled")')
  await load()
  await page.getByText('No mapping of this destination is switched on, so none would take an event.').waitFor()
  await run(page)
  expect(await shownMapping(page, 'Checkout')).toEqual({ status: 'Switched off', reason: 'This mapping is switched off' })
})
