import type { Page } from 'playwright-core'
import { createFunction, firstProject, PROJECT_TOKEN } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage } from './helpers/page'

jest.setTimeout(60_000)

let setup: PageSetup
let page: Page
let functionId: string

const api = async (method: string, path: string, body?: unknown) => {
  const response = await fetch(`${setup.pipeline.server.url}/api/projects/${firstProject.id}/${path}`, {
    method,
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as Record<string, any> }
}

const capture = (batch: unknown[]) =>
  fetch(`${setup.pipeline.server.url}/batch/`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ api_key: PROJECT_TOKEN, batch }) })

async function waitFor<T>(read: () => T, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const started = Date.now()
  for (;;) {
    const value = read()
    if (done(value) || Date.now() - started > timeoutMs) return value
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

const order = (uuid: string, url: string) => ({ event: 'Order Completed', distinct_id: 'buyer', uuid, properties: { $ip: '203.0.113.5', $raw_user_agent: 'UA', $current_url: url } })

beforeAll(async () => {
  setup = await startPage('property-filters')
  page = setup.page
  // An event that no mapping takes, so that the project has a recent $current_url to suggest.
  expect((await capture([{ event: 'Seen only', distinct_id: 'x', properties: { $current_url: 'https://shop.example/', plan_name: 'pro' } }])).status).toBe(200)
  functionId = await createFunction(setup.pipeline.server, firstProject)
  await signIn(page)
  await page.goto(`/#/destinations/${functionId}/configuration`)
  await page.getByRole('button', { name: 'Add filter' }).waitFor()
})

afterAll(async () => {
  await setup?.close()
})

test('a filter is added with a suggested property and an operator by its label, and the value hides for "is set"', async () => {
  await page.getByRole('button', { name: 'Add filter' }).click()
  await expect(page.evaluate(() => (globalThis as any).document.activeElement.id)).resolves.toBe('filters__properties__0__key')
  await expect(page.locator('#filter-event-properties option').evaluateAll((options) => options.map((o) => (o as any).value))).resolves.toEqual(['$current_url', '$ip', 'plan_name'])
  await page.getByLabel('Filter 1: property').fill('$current_url')
  await page.getByLabel('Filter 1: operator').selectOption({ label: 'is set' })
  await expect(page.getByLabel('Filter 1: value').count()).resolves.toBe(0)
  await page.getByLabel('Filter 1: operator').selectOption({ label: 'contains' })
  await page.getByLabel('Filter 1: value').fill('checkout')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('configuration-with-filter')
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
  await setup.screenshot('configuration-with-filter-narrow')
  await page.setViewportSize({ width: 1280, height: 800 })
})

test('an RE2-invalid regex comes back from the server onto the value field', async () => {
  await page.getByLabel('Filter 1: operator').selectOption({ label: 'matches regex' })
  await page.getByLabel('Filter 1: value').fill('(?=x)checkout')
  await page.getByRole('button', { name: 'Save changes' }).click()
  const value = page.getByLabel('Filter 1: value')
  await page.locator('#filters__properties__0__value-error').waitFor()
  await expect(value.getAttribute('aria-invalid')).resolves.toBe('true')
  await expect(value.getAttribute('aria-describedby')).resolves.toBe('filters__properties__0__value-error')
  await expect(page.locator('#filters__properties__0__value-error').textContent()).resolves.toMatch(/RE2/)
  await expect(page.evaluate(() => (globalThis as any).document.activeElement.id)).resolves.toBe('filters__properties__0__value')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('filter-server-error')
})

test('saved, the filter is what the REST API returns, and only matching events are delivered', async () => {
  await page.getByLabel('Filter 1: operator').selectOption({ label: 'contains' })
  await page.getByLabel('Filter 1: value').fill('checkout')
  // Once edited, the value no longer carries the server's complaint.
  await expect(page.locator('#filters__properties__0__value-error').count()).resolves.toBe(0)
  await expect(page.getByLabel('Filter 1: value').getAttribute('aria-invalid')).resolves.toBeNull()
  const [patch] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PATCH'), page.getByRole('button', { name: 'Save changes' }).click()])
  expect(patch.status()).toBe(200)
  await page.getByRole('button', { name: 'No changes' }).waitFor()
  const fetched = await api('GET', `hog_functions/${functionId}/`)
  expect(fetched.body.filters).toEqual({ properties: [{ key: '$current_url', operator: 'icontains', type: 'event', value: 'checkout' }] })
  expect(fetched.body).toEqual(await patch.json())

  const cart = await api('POST', `hog_functions/${functionId}/invocations/`, { event: order('cart-1', 'https://shop.example/cart') })
  expect(cart.body).toMatchObject({ status: 'skipped', result: { request: null } })
  const cartResults = cart.body.result.results as { status: string; reason: string }[]
  expect(cartResults).toHaveLength(16)
  expect(new Set(cartResults.map((r) => `${r.status}: ${r.reason}`))).toEqual(new Set(["filtered: the destination's filters leave this event out"]))
  const checkout = await api('POST', `hog_functions/${functionId}/invocations/`, { event: order('checkout-1', 'https://shop.example/checkout?step=2') })
  expect(checkout.body).toMatchObject({ status: 'success' })
  const sent = (checkout.body.result.results as { status: string; mapping: string; event?: { event_id: string; event_name: string } }[]).filter((r) => r.status === 'event')
  expect(sent).toMatchObject([{ mapping: 'Checkout', event: { event_id: 'checkout-1', event_name: 'checkout' } }])

  // Through capture: the event that does not match goes first, so it has been decided when the other arrives.
  expect((await capture([order('cart-2', 'https://shop.example/cart'), order('checkout-2', 'https://shop.example/checkout')])).status).toBe(200)
  const accepted = await waitFor(
    () => setup.pipeline.emulator.accepted(),
    (events) => events.length >= 1,
  )
  expect(accepted.map((e) => e.event_id)).toEqual(['checkout-2'])
})

test('the filter shows again after a reload and removing it saves an empty list', async () => {
  await page.reload()
  await expect(page.getByLabel('Filter 1: property').inputValue()).resolves.toBe('$current_url')
  await expect(page.getByLabel('Filter 1: operator').inputValue()).resolves.toBe('icontains')
  await page.getByRole('button', { name: 'Remove filter 1' }).click()
  await page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'add-property-filter')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await page.getByRole('button', { name: 'No changes' }).waitFor()
  expect((await api('GET', `hog_functions/${functionId}/`)).body.filters).toEqual({ properties: [] })
  expect(setup.console.filter((line) => /Content Security Policy|Refused to|pageerror/i.test(line))).toEqual([])
})
