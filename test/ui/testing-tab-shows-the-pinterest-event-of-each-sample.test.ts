import { createHash } from 'node:crypto'
import type { Response } from 'playwright-core'
import { ACCOUNT, TOKEN } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, readableStorage, signIn, startPage, tabTo } from './helpers/page'
import { openTestingTab, run, shownEvent, shownMapping } from './helpers/testing-tab'

jest.setTimeout(60_000)

let setup: PageSetup
const responses: Promise<string>[] = []
// Pinterest's rule: trimmed, lower case, then SHA-256 as hex.
const HASHED_EMAIL = createHash('sha256').update('jane.doe@acme-customer.example').digest('hex')

beforeAll(async () => {
  setup = await startPage('testing-samples')
  setup.page.on('response', (response: Response) => responses.push(response.text().catch(() => '')))
  await signIn(setup.page)
  await openTestingTab(setup)
})

afterAll(async () => {
  await setup?.close()
})

const pick = (label: string) => setup.page.getByRole('button', { name: new RegExp(`^${label} sample \\(`) }).click()

test('the Checkout sample becomes the checkout event, hashed email, value and currency included', async () => {
  const { page } = setup
  await pick('Checkout')
  expect(await run(page)).toBe(200)
  await expect(page.locator('.testing-summary').textContent()).resolves.toBe('One Pinterest event built.')
  expect(await shownMapping(page, 'Checkout')).toEqual({ status: 'Pinterest event', reason: '' })
  const event = await shownEvent(page, 'Checkout')
  expect(event).toMatchObject({
    event_name: 'checkout',
    action_source: 'web',
    event_source_url: 'https://shop.acme.example/products/lamp?utm_source=pinterest&epik=dj0yJnU9Zm9vYmFy',
    user_data: { em: [HASHED_EMAIL], client_ip_address: '203.0.113.42', click_id: 'dj0yJnU9Zm9vYmFy' },
    custom_data: { currency: 'USD', value: '175', order_id: 'A-1001', num_items: 5 },
  })
  // The other mappings say why they made nothing.
  expect(await shownMapping(page, 'Search')).toEqual({ status: 'Filtered out', reason: 'Its filters do not take this "Order Completed" event' })
  await setup.screenshot('checkout')
})

test('the Search and Add to Cart samples become their mappings’ events', async () => {
  const { page } = setup
  await pick('Search')
  await run(page)
  expect(await shownEvent(page, 'Search')).toMatchObject({ event_name: 'search', custom_data: { search_string: 'floor lamp' }, user_data: { em: [HASHED_EMAIL] } })
  await pick('Add to Cart')
  await run(page)
  expect(await shownEvent(page, 'Add to Cart')).toMatchObject({
    event_name: 'add_to_cart',
    custom_data: { currency: 'USD', value: '149', contents: [{ id: 'lamp-01', item_price: '149', quantity: 1 }] },
  })
})

test('a page view, which none of these mappings takes, says why for each of them', async () => {
  const { page } = setup
  await pick('Page view')
  await run(page)
  await expect(page.locator('.testing-summary').textContent()).resolves.toBe('No Pinterest event: no mapping built one from this event.')
  for (const mapping of ['Checkout', 'Search', 'Add to Cart']) {
    expect(await shownMapping(page, mapping)).toEqual({ status: 'Filtered out', reason: 'Its filters do not take this "$pageview" event' })
  }
  await expect(page.getByRole('heading', { name: 'Request that would go out' }).count()).resolves.toBe(0)
})

test('the request that would go out shows method, URL, headers with the token masked, and body', async () => {
  const { page } = setup
  await pick('Checkout')
  await run(page)
  await page.getByRole('heading', { name: 'Request that would go out' }).waitFor()
  await expect(page.locator('.testing-request-line').textContent()).resolves.toBe(`POST ${setup.pipeline.emulator.url}/v5/ad_accounts/${ACCOUNT}/events?test=true`)
  await expect(page.locator('.testing-headers dt').allTextContents()).resolves.toEqual(['Content-Type', 'Authorization'])
  await expect(page.locator('.testing-headers dd').allTextContents()).resolves.toEqual(['application/json', 'Bearer ***REDACTED***'])
  const body = JSON.parse((await page.getByRole('region', { name: 'Request body' }).textContent()) ?? 'null')
  expect(body.data).toHaveLength(1)
  expect(body.data[0]).toEqual(await shownEvent(page, 'Checkout'))
  expect(setup.pipeline.emulator.requests()).toEqual([])

  expect(await page.content()).not.toContain(TOKEN)
  expect(await page.locator('body').textContent()).not.toContain(TOKEN)
  expect(await readableStorage(page)).not.toContain(TOKEN)
  const bodies = await Promise.all(responses)
  expect(bodies.filter((text) => text.includes('/invocations') || text.includes('"request"')).length).toBeGreaterThan(0)
  expect(bodies.filter((text) => text.includes(TOKEN))).toEqual([])
})

test('the tab works with the keyboard alone and passes axe with results shown', async () => {
  const { page } = setup
  await page.evaluate('document.activeElement?.blur()')
  expect(await tabTo(page, 'button[data-sample="search"]', 40)).toBe(true)
  await page.keyboard.press('Enter')
  await expect(page.getByLabel('Event (JSON)').inputValue()).resolves.toContain('"Products Searched"')
  expect(await tabTo(page, 'button[aria-describedby="test-help"]')).toBe(true)
  await Promise.all([page.waitForResponse((r) => r.url().includes('/invocations')), page.keyboard.press('Enter')])
  await page.getByRole('region', { name: 'Pinterest event of Search' }).waitFor()
  // The event's box scrolls by keyboard: it takes the focus.
  expect(await tabTo(page, 'section[aria-label="Pinterest event of Search"]')).toBe(true)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('results')
  expect(setup.console.filter((line) => /Content Security Policy|pageerror/i.test(line))).toEqual([])
})

test('on a phone the long JSON scrolls inside its box and the page never scrolls sideways', async () => {
  const { page } = setup
  await page.setViewportSize({ width: 390, height: 844 })
  await pick('Checkout')
  await run(page)
  const widths = (await page.evaluate('[document.documentElement.scrollWidth, document.documentElement.clientWidth]')) as number[]
  expect(widths[0]).toBe(widths[1])
  const box = page.getByRole('region', { name: 'Pinterest event of Checkout' })
  const sizes = (await box.evaluate((el) => [el.scrollWidth, el.clientWidth, el.getBoundingClientRect().right])) as number[]
  expect(sizes[0]).toBeGreaterThan(sizes[1])
  expect(sizes[2]).toBeLessThanOrEqual(390)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('phone')
})
