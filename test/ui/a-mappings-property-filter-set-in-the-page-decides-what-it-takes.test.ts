import type { Page } from 'playwright-core'
import { capture, createFunction, firstProject } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { functionByApi, mappingItem } from './helpers/mappings'
import { type PageSetup, signIn, startPage } from './helpers/page'

jest.setTimeout(60_000)

let setup: PageSetup
let page: Page
let functionId: string

const order = (uuid: string, revenue: number) => ({ event: 'Order Completed', distinct_id: 'buyer', uuid, properties: { $ip: '203.0.113.5', $raw_user_agent: 'UA', revenue } })

beforeAll(async () => {
  setup = await startPage('mapping-property-filters')
  page = setup.page
  functionId = await createFunction(setup.pipeline.server, firstProject)
  await signIn(page)
  await page.goto(`/#/destinations/${functionId}/mappings`)
  await page.getByRole('heading', { name: 'Mappings' }).waitFor()
  await page.getByRole('button', { name: 'Checkout', exact: true }).click()
})

afterAll(async () => {
  await setup?.close()
})

const checkout = () => mappingItem(page, 'Checkout')

test("a mapping's filter is checked before saving and lands on the part that is wrong", async () => {
  await checkout().getByRole('button', { name: 'Add filter' }).click()
  await expect(page.evaluate(() => (globalThis as any).document.activeElement.id)).resolves.toBe('mapping-m1-filters__properties__0__key')
  await checkout().getByLabel('Filter 1: property').fill('revenue')
  await checkout().getByLabel('Filter 1: operator').selectOption({ label: 'greater than' })
  await checkout().getByLabel('Filter 1: value').fill('lots')
  await page.getByRole('button', { name: 'Save changes' }).click()
  const error = page.locator('#mapping-m1-filters__properties__0__value-error')
  await error.waitFor()
  await expect(error.textContent()).resolves.toBe('This operator compares numbers: give a number.')
  await expect(checkout().getByLabel('Filter 1: value').getAttribute('aria-invalid')).resolves.toBe('true')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('mapping-filter-error')
})

test('saved, the filter is in the mapping the REST API returns, and only the events that match it go through that mapping', async () => {
  await checkout().getByLabel('Filter 1: value').fill('100')
  await expect(page.locator('#mapping-m1-filters__properties__0__value-error').count()).resolves.toBe(0)
  const [patch] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PATCH'), page.getByRole('button', { name: 'Save changes' }).click()])
  expect(patch.status()).toBe(200)
  await page.getByText('Changes saved.').waitFor()
  const stored = (await functionByApi(setup.pipeline.server, functionId)).mappings
  expect(stored[0].filters).toEqual({ properties: [{ key: 'revenue', operator: 'gt', type: 'event', value: 100 }], events: [{ id: 'Order Completed', name: 'Order Completed', type: 'events' }] })
  // The other mappings are as they were.
  expect(stored.slice(1).every((m) => !('properties' in (m.filters ?? {})))).toBe(true)

  await capture(setup.pipeline.server, firstProject, [order('small-order', 20), order('large-order', 250)])
  const started = Date.now()
  while (setup.pipeline.emulator.accepted().length < 1 && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 25))
  // The small order was decided first (it came first), so had it been sent it would be here too.
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect(setup.pipeline.emulator.accepted().map((e) => e.event_id)).toEqual(['large-order'])
})

test('after a reload the filter shows again; removing it saves an empty list', async () => {
  await page.reload()
  await page.getByRole('button', { name: 'Checkout', exact: true }).click()
  await expect(checkout().getByLabel('Filter 1: property').inputValue()).resolves.toBe('revenue')
  await expect(checkout().getByLabel('Filter 1: operator').inputValue()).resolves.toBe('gt')
  await checkout().getByRole('button', { name: 'Remove filter 1' }).click()
  await page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'mapping-m1-filters-add-property-filter')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await page.getByText('Changes saved.').waitFor()
  expect((await functionByApi(setup.pipeline.server, functionId)).mappings[0].filters).toEqual({ properties: [], events: [{ id: 'Order Completed', name: 'Order Completed', type: 'events' }] })
  expect(setup.console.filter((line) => /Content Security Policy|Refused to|pageerror/i.test(line))).toEqual([])
})
