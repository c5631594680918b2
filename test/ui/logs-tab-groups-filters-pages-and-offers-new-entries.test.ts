import type { LogEntry } from '../../src/store/types'
import { firstProject } from '../helpers/pipeline-server'
import { insertPinterestFunction } from '../helpers/stored-function'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage, tabTo } from './helpers/page'

jest.setTimeout(60_000)

const FUNCTION_ID = '0193c0de-0000-7000-8000-00000000000a'
const BUSY_ID = '0193c0de-0000-7000-8000-00000000000b'
const BATCH_ID = '0193c0de-0000-7000-8000-00000000000c'
const MINUTE = 60_000
let setup: PageSetup
let now: number

const entry = (minutesAgo: number, level: LogEntry['level'], message: string, instance_id: string | null = null, function_id = FUNCTION_ID): LogEntry => ({
  project_id: firstProject.id,
  function_id,
  timestamp: new Date(now - minutesAgo * MINUTE).toISOString(),
  level,
  message,
  instance_id,
})

/** A datetime-local field's value (the browser's time zone, which is the test's). */
const localInput = (ms: number) => {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`
}

interface GroupsDocument {
  document: { querySelectorAll(selector: string): { length: number } }
}
/** Run in the page: whether it shows `count` log groups. */
const groupCountIs = (count: number) => (globalThis as unknown as GroupsDocument).document.querySelectorAll('[data-testid="log-group"]').length === count

const summaries = () => setup.page.locator('[data-testid="log-group"] .log-summary').allTextContents()

/** Waits until the list shows exactly `expected`: a change of filters first empties it, then loads again. */
async function summariesBecome(expected: string[]): Promise<void> {
  let shown: string[] = []
  for (const until = Date.now() + 10_000; Date.now() < until; await setup.page.waitForTimeout(50)) {
    shown = await summaries()
    if (JSON.stringify(shown) === JSON.stringify(expected)) return
  }
  expect(shown).toEqual(expected)
}

beforeAll(async () => {
  setup = await startPage('logs')
  now = Date.now()
  const { store } = setup.pipeline.server
  insertPinterestFunction(store, { id: FUNCTION_ID, project_id: firstProject.id, name: 'Shop EU' })
  insertPinterestFunction(store, { id: BUSY_ID, project_id: firstProject.id, name: 'Busy' })
  insertPinterestFunction(store, { id: BATCH_ID, project_id: firstProject.id, name: 'Batches' })
  store.logs.add([
    entry(3 * 24 * 60, 'debug', 'event evt-c (Checkout) delivered', 'evt-c'),
    entry(10, 'info', 'event evt-a (Checkout) request sent', 'evt-a'),
    entry(9, 'error', 'event evt-a (Checkout) failed: the ad account does not exist', 'evt-a'),
    entry(5, 'info', 'Search skipped for event evt-b: no search_string', 'evt-b'),
    entry(2, 'warn', 'Pinterest is unavailable; 3 events held'),
  ])
  store.logs.add(Array.from({ length: 130 }, (_, i) => entry(200 - i, 'info', `line ${i}`, `busy-${i}`, BUSY_ID)))
  // One request's lines share their time: 150 at the same millisecond, and 10 older ones.
  store.logs.add(Array.from({ length: 10 }, (_, i) => entry(100 - i, 'info', `older ${i}`, `older-${i}`, BATCH_ID)))
  store.logs.add(Array.from({ length: 150 }, (_, i) => entry(60, 'debug', `batch ${i}`, `batch-${i}`, BATCH_ID)))
  await signIn(setup.page)
})

afterAll(() => setup?.close())

test('entries are grouped by event, newest first, with the most severe line as the summary, expandable', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${FUNCTION_ID}/logs`)
  await page.locator('[data-testid="log-group"]').first().waitFor()
  await summariesBecome([
    'Pinterest is unavailable; 3 events held',
    'Search skipped for event evt-b: no search_string',
    'event evt-a (Checkout) failed: the ad account does not exist',
    'event evt-c (Checkout) delivered',
  ])
  const group = page.locator('[data-instance-id="evt-a"]')
  await expect(group.locator('.badge').textContent()).resolves.toBe('Error')
  await expect(group.locator('.log-count').textContent()).resolves.toBe('event evt-a · 2 lines')
  await group.locator('summary').click()
  await expect(group.locator('tbody td.log-message').allTextContents()).resolves.toEqual(['event evt-a (Checkout) failed: the ad account does not exist', 'event evt-a (Checkout) request sent'])
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('grouped')
})

test('the level boxes and the search narrow the list', async () => {
  const { page } = setup
  await page.getByLabel('Debug', { exact: true }).uncheck()
  await page.getByLabel('Info', { exact: true }).uncheck()
  await page.waitForFunction(groupCountIs, 2)
  await summariesBecome(['Pinterest is unavailable; 3 events held', 'event evt-a (Checkout) failed: the ad account does not exist'])
  await expect(page.locator('[data-instance-id="evt-a"] .log-count').textContent()).resolves.toBe('event evt-a · 1 line')
  await page.getByLabel('Debug', { exact: true }).check()
  await page.getByLabel('Info', { exact: true }).check()
  await page.getByLabel('Search logs').fill('search_string')
  await page.waitForFunction(groupCountIs, 1)
  await summariesBecome(['Search skipped for event evt-b: no search_string'])
  await page.getByLabel('Search logs').fill('evt-a')
  await page.locator('[data-instance-id="evt-a"]').waitFor()
  await expect(page.locator('[data-testid="log-group"]').count()).resolves.toBe(1)
  await page.getByLabel('Search logs').fill('')
  await page.locator('[data-instance-id="evt-c"]').waitFor()
})

test('"Group by event" off lists every line; "Show only this event\'s lines" searches for the event', async () => {
  const { page } = setup
  await page.getByLabel('Group by event').uncheck()
  await summariesBecome([
    'Pinterest is unavailable; 3 events held',
    'Search skipped for event evt-b: no search_string',
    'event evt-a (Checkout) failed: the ad account does not exist',
    'event evt-a (Checkout) request sent',
    'event evt-c (Checkout) delivered',
  ])
  await page.getByLabel('Group by event').check()
  const group = page.locator('[data-instance-id="evt-a"]')
  if (!(await group.locator('details').evaluate((d) => (d as unknown as { open: boolean }).open))) await group.locator('summary').click()
  await group.getByRole('button', { name: "Show only this event's lines" }).click()
  await expect(page.getByLabel('Search logs').inputValue()).resolves.toBe('evt-a')
  await page.locator('[data-instance-id="evt-b"]').waitFor({ state: 'detached' })
  await summariesBecome(['event evt-a (Checkout) failed: the ad account does not exist'])
  await page.getByLabel('Search logs').fill('')
  await page.locator('[data-instance-id="evt-c"]').waitFor()
})

test('the time range leaves out older entries; a custom range takes from and to, in order', async () => {
  const { page } = setup
  await page.getByLabel('Time range').selectOption('24h')
  await page.locator('[data-instance-id="evt-c"]').waitFor({ state: 'detached' })
  await summariesBecome(['Pinterest is unavailable; 3 events held', 'Search skipped for event evt-b: no search_string', 'event evt-a (Checkout) failed: the ad account does not exist'])
  await page.getByLabel('Time range').selectOption('custom')
  await page.getByLabel('From', { exact: true }).fill(localInput(now - 4 * 24 * 60 * MINUTE))
  await page.getByLabel('To', { exact: true }).fill(localInput(now - 2 * 24 * 60 * MINUTE))
  await page.locator('[data-instance-id="evt-b"]').waitFor({ state: 'detached' })
  await summariesBecome(['event evt-c (Checkout) delivered'])
  await page.getByLabel('From', { exact: true }).fill(localInput(now - MINUTE))
  await expect(page.getByRole('alert').textContent()).resolves.toBe('From must be before To.')
  await page.getByLabel('Time range').selectOption('7d')
  await page.locator('[data-instance-id="evt-c"]').waitFor()
})

test('a new entry is offered as "1 new entry" without moving the list or reloading, and shown when asked', async () => {
  const { page } = setup
  await page.evaluate('window.__sameDocument = true')
  setup.pipeline.server.store.logs.add([{ ...entry(0, 'error', 'event evt-d (Checkout) failed: 400', 'evt-d'), timestamp: new Date().toISOString() }])
  const offer = page.getByRole('button', { name: '1 new entry — show' })
  await offer.waitFor({ timeout: 15_000 })
  await expect(summaries()).resolves.toHaveLength(4)
  await offer.click()
  await summariesBecome([
    'event evt-d (Checkout) failed: 400',
    'Pinterest is unavailable; 3 events held',
    'Search skipped for event evt-b: no search_string',
    'event evt-a (Checkout) failed: the ad account does not exist',
    'event evt-c (Checkout) delivered',
  ])
  await expect(offer.count()).resolves.toBe(0)
  await expect(page.evaluate('window.__sameDocument')).resolves.toBe(true)
})

test('a long log comes a page at a time: "Load older entries" adds the rest', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${BUSY_ID}/logs`)
  await page.locator('[data-instance-id="busy-129"]').waitFor()
  await expect(page.locator('[data-testid="log-group"]').count()).resolves.toBe(100)
  await page.getByRole('button', { name: 'Load older entries' }).click()
  await page.locator('[data-instance-id="busy-0"]').waitFor()
  await expect(page.locator('[data-testid="log-group"]').count()).resolves.toBe(130)
  await expect(summaries().then((s) => [s[0], s[99], s[100], s[129]])).resolves.toEqual(['line 129', 'line 30', 'line 29', 'line 0'])
  await expect(page.getByRole('button', { name: 'Load older entries' }).count()).resolves.toBe(0)
})

test('a page of lines that all share one time is followed by the rest of that time and the older lines', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${BATCH_ID}/logs`)
  await page.locator('[data-instance-id="batch-149"]').waitFor()
  await expect(page.locator('[data-testid="log-group"]').count()).resolves.toBe(100)
  await page.getByRole('button', { name: 'Load older entries' }).click()
  await page.locator('[data-instance-id="older-0"]').waitFor()
  await expect(page.locator('[data-testid="log-group"]').count()).resolves.toBe(160)
  await expect(page.locator('[data-instance-id^="batch-"]').count()).resolves.toBe(150)
  await expect(page.getByRole('button', { name: 'Load older entries' }).count()).resolves.toBe(0)
})

test('more new lines than one poll brings are offered as "500+", and showing them loads the newest again', async () => {
  const { page } = setup
  const at = new Date().toISOString()
  setup.pipeline.server.store.logs.add(Array.from({ length: 501 }, (_, i) => ({ ...entry(0, 'info', `burst ${i}`, `burst-${i}`, BATCH_ID), timestamp: at })))
  const offer = page.getByRole('button', { name: '500+ new entries — show' })
  await offer.waitFor({ timeout: 15_000 })
  await offer.click()
  await page.locator('[data-instance-id="burst-500"]').waitFor()
  await expect(page.locator('[data-testid="log-group"]').count()).resolves.toBe(100)
  await expect(page.locator('[data-instance-id^="burst-"]').count()).resolves.toBe(100)
})

test('by keyboard alone a group opens with Enter, and the offer of new entries is a button in the tab order', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${FUNCTION_ID}/logs`)
  await page.locator('[data-instance-id="evt-a"]').waitFor()
  await page.evaluate('document.activeElement?.blur()')
  expect(await tabTo(page, '[data-instance-id="evt-a"] summary', 40)).toBe(true)
  await page.keyboard.press('Enter')
  await expect(page.locator('[data-instance-id="evt-a"] details').evaluate((d) => (d as unknown as { open: boolean }).open)).resolves.toBe(true)
  setup.pipeline.server.store.logs.add([{ ...entry(0, 'warn', 'event evt-e (Search) held', 'evt-e'), timestamp: new Date().toISOString() }])
  await page.getByRole('button', { name: '1 new entry — show' }).waitFor({ timeout: 15_000 })
  await page.evaluate('document.activeElement?.blur()')
  expect(await tabTo(page, '.new-entries button', 40)).toBe(true)
  await page.keyboard.press('Enter')
  await page.locator('[data-instance-id="evt-e"]').waitFor()
  await expect(summaries().then((s) => s[0])).resolves.toBe('event evt-e (Search) held')
})

test('at 390 px the tab has no horizontal scroll, and the page had no CSP errors', async () => {
  const { page } = setup
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`/#/destinations/${FUNCTION_ID}/logs`)
  await page.locator('[data-instance-id="evt-a"] summary').click()
  await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('phone')
  expect(setup.console.filter((line) => /Content.Security.Policy|pageerror/i.test(line))).toEqual([])
})
