import { createFunction, firstProject } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage, tabTo } from './helpers/page'
import { captureMatchQualityEvents } from '../helpers/match-quality-events'

jest.setTimeout(60_000)

let setup: PageSetup
let functionId: string

async function quality(): Promise<{ mappings: { events: number }[] }> {
  const response = await fetch(`${setup.pipeline.server.url}/api/projects/1/hog_functions/${functionId}/quality/`, { headers: { authorization: `Bearer ${firstProject.key}` } })
  return (await response.json()) as { mappings: { events: number }[] }
}

/** The key table of a mapping's card, as [key, share] rows. */
const keyRows = (mapping: string) =>
  setup.page
    .getByTestId(`quality-${mapping}`)
    .locator('.quality-keys tbody tr')
    .evaluateAll((rows) => rows.map((row) => [row.querySelector('th')?.textContent, row.querySelector('td')?.textContent]))

beforeAll(async () => {
  setup = await startPage('quality')
  const { server } = setup.pipeline
  functionId = await createFunction(server, firstProject, { name: 'Shop quality' })
  await captureMatchQualityEvents(server)
  const started = Date.now()
  const counted = async () => (await quality()).mappings.reduce((total, m) => total + m.events, 0)
  while ((await counted()) < 8 && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(await counted()).toBe(8)
  await signIn(setup.page)
})

afterAll(() => setup?.close())

test("the Quality tab shows the destination's score and, per mapping, its events, score, skips and key shares", async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${functionId}/quality`)
  await page.getByTestId('quality-score').locator('.metric-value').getByText('30 / 100').waitFor()
  await expect(page.getByTestId('quality-score').textContent()).resolves.toBe('Score, last 7 days30 / 100')
  const checkout = page.getByTestId('quality-Checkout')
  await expect(checkout.locator('.quality-figures dd').allTextContents()).resolves.toEqual(['5', '4', '42 / 100', '20% (1)'])
  await expect(checkout.locator('.quality-reasons li').allTextContents()).resolves.toEqual(['no email, mobile ad id, or IP address with user agent: 1'])
  const rows = await keyRows('Checkout')
  expect(rows.slice(0, 2)).toEqual([
    ['Email (em)', '50%'],
    ['Phone number (ph)', '25%'],
  ])
  expect(rows).toContainEqual(['External id (external_id)', '100%'])
  expect(rows).toContainEqual(['Mobile ad id (hashed_maids)', '0%'])
  expect(rows).toContainEqual(['Pinterest click id (click_id)', '25%'])
  expect(rows).toContainEqual(['IP address with user agent (client_ip_address_and_client_user_agent)', '100%'])
  expect(rows).toHaveLength(17)
  const pageVisit = page.getByTestId('quality-Page Visit')
  await expect(pageVisit.locator('.quality-figures dd').allTextContents()).resolves.toEqual(['3', '1', '10 / 100', '67% (2)'])
  await expect(pageVisit.locator('.quality-reasons li').allTextContents()).resolves.toEqual(['no email, mobile ad id, or IP address with user agent: 1', 'older than 7 days: 1'])
})

test('each mapping gives its advice as text', async () => {
  const advice = setup.page.getByTestId('quality-Checkout').locator('.quality-advice li')
  await expect(advice.allTextContents()).resolves.toEqual([
    '20% of Checkout events were skipped: they had no email, mobile ad id, or IP address with user agent; identify users with `$identify` and an `email` person property, or capture with posthog-js.',
    '50% of Checkout events have no email: identify users with `$identify` and an `email` person property.',
    '75% of Checkout events have no Pinterest click id: keep the `epik` parameter of Pinterest ad links: `posthog.register({ epik })` on landing, or an `epik` person property with `$set_once`.',
    '75% of Checkout events have no phone number: set a `phone` person property with `$identify` or `$set`.',
    '100% of Checkout events have no first and last name: set `first_name` and `last_name` person properties with `$identify` or `$set`.',
    '100% of Checkout events have no postal code: set a `zip` person property with `$set`.',
  ])
  expect(await seriousViolations(setup.page)).toEqual([])
  await setup.screenshot('quality-tab')
  expect(setup.console.filter((line) => line.includes('Content Security Policy'))).toEqual([])
})

test('the period is chosen by keyboard, and a period without events says so', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${functionId}/quality`)
  await page.getByTestId('quality-score').getByText('30 / 100').waitFor()
  expect(await tabTo(page, '#quality-period')).toBe(true)
  await page.keyboard.press('ArrowDown')
  await expect(page.getByLabel('Period').inputValue()).resolves.toBe('30d')
  await page.getByTestId('quality-score').getByText('Score, last 30 days').waitFor()
  await expect(page.getByTestId('quality-score').locator('.metric-value').textContent()).resolves.toBe('30 / 100')
  // Captured a minute ago, the events are in the last 24 hours too; "No events" needs a destination without any.
  const empty = await createFunction(setup.pipeline.server, firstProject, { name: 'Quiet shop' })
  await page.goto(`/#/destinations/${empty}/quality`)
  await page.getByTestId('quality-score').getByText('No events in this period').waitFor()
  await expect(page.locator('.quality-mapping').count()).resolves.toBe(0)
})

test("the destinations list shows each destination's score, and a dash without events", async () => {
  const { page } = setup
  await page.goto('/#/')
  const row = (name: string) => page.getByTestId('destination-row').filter({ hasText: name }).getByTestId('list-quality')
  await row('Shop quality').getByText('Quality 30').waitFor()
  await expect(row('Quiet shop').textContent()).resolves.toBe('—No match quality: no events in the last 7 days')
  await expect(page.locator('table.list thead th').nth(3).textContent()).resolves.toBe('Match quality')
  expect(await seriousViolations(page)).toEqual([])
})

test('the Quality tab fits a 390 pixel wide phone', async () => {
  const { page } = setup
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`/#/destinations/${functionId}/quality`)
  await page.getByTestId('quality-Checkout').waitFor()
  await expect(page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth')).resolves.toBe(0)
  await setup.screenshot('quality-tab-phone')
})
