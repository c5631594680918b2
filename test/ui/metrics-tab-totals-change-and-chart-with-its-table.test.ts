import { firstProject } from '../helpers/pipeline-server'
import { insertPinterestFunction } from '../helpers/stored-function'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage, tabTo } from './helpers/page'

jest.setTimeout(60_000)

const FUNCTION_ID = '0193c0de-0000-7000-8000-0000000000aa'
const HOUR = 3_600_000
const DAY = 24 * HOUR
let setup: PageSetup
let seededAt: number

const card = (key: string) => setup.page.getByTestId(`metric-${key}`)
const cardText = async (key: string) => [await card(key).locator('.metric-value').textContent(), await card(key).locator('.metric-change').textContent()]

/** The table's cells, a row of texts per bucket, without the first (time) column. */
const tableRows = () => setup.page.locator('.figures tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((cell) => Number(cell.textContent))))

beforeAll(async () => {
  setup = await startPage('metrics')
  const { store } = setup.pipeline.server
  insertPinterestFunction(store, { id: FUNCTION_ID, project_id: firstProject.id, name: 'Shop EU' })
  const now = Date.now()
  seededAt = now
  const add = (name: string, count: number, agoMs: number) => store.metrics.increment(firstProject.id, FUNCTION_ID, name, count, now - agoMs)
  // This week: 12 delivered, 3 failed (2 rejected, 1 given up), 4 skipped; the week before: 10 delivered, 8 skipped.
  add('succeeded', 9, 2 * HOUR)
  add('succeeded', 3, 3 * DAY)
  add('failed', 2, DAY)
  add('gave_up', 1, DAY)
  add('skipped', 4, 2 * HOUR)
  add('fetch', 5, 2 * HOUR)
  add('succeeded', 10, 8 * DAY)
  add('skipped', 8, 10 * DAY)
  await signIn(setup.page)
})

afterAll(() => setup?.close())

test('the totals of the last 7 days each say how they changed against the 7 days before', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${FUNCTION_ID}/metrics`)
  await card('delivered').waitFor()
  await expect(cardText('delivered')).resolves.toEqual(['12', '+20% vs previous 7 days'])
  await expect(cardText('failed')).resolves.toEqual(['3', 'Up from 0 vs previous 7 days'])
  await expect(cardText('skipped')).resolves.toEqual(['4', '−50% vs previous 7 days'])
  await expect(cardText('filtered')).resolves.toEqual(['0', 'No change vs previous 7 days'])
  await expect(card('delivered').locator('.metric-change').getAttribute('class')).resolves.toBe('metric-change good')
  await expect(card('failed').locator('.metric-change').getAttribute('class')).resolves.toBe('metric-change bad')
})

test('a chart by day is drawn on a canvas, with a legend, and its table holds the same figures', async () => {
  const { page } = setup
  await expect(page.locator('[data-testid="metrics-chart"] canvas').count()).resolves.toBe(1)
  await expect(page.locator('.chart-legend li').allTextContents()).resolves.toEqual(['Delivered', 'Failed', 'Skipped', 'Filtered'])
  await expect(page.locator('.figures thead th').allTextContents()).resolves.toEqual(['Day from', 'Delivered', 'Failed', 'Skipped', 'Filtered'])
  // Days end with the current hour: 2 hours ago is in the last, 1 day ago in the one before, 3 days ago in the fourth.
  await expect(tableRows()).resolves.toEqual([
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 0, 0, 0],
    [3, 0, 0, 0],
    [0, 0, 0, 0],
    [0, 3, 0, 0],
    [9, 0, 4, 0],
  ])
  await page.getByText('Show the figures as a table').click()
  await expect(page.locator('.figures').isVisible()).resolves.toBe(true)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('seven-days')
})

test('the last 24 hours are charted by hour only; 7 days can be charted by hour too', async () => {
  const { page } = setup
  await page.getByLabel('Period').selectOption('24h')
  await page.getByTestId('metric-delivered').getByText('Up from 0 vs previous 24 hours').waitFor()
  await expect(cardText('delivered')).resolves.toEqual(['9', 'Up from 0 vs previous 24 hours'])
  await expect(cardText('failed')).resolves.toEqual(['0', '−100% vs previous 24 hours'])
  const rows = await tableRows()
  expect(rows).toHaveLength(24)
  // Read by its hour rather than its place, which moves if an hour ends while the test runs.
  const twoHoursAgo = new Date(Math.floor((seededAt - 2 * HOUR) / HOUR) * HOUR).toISOString()
  const row = setup.page.locator('.figures tbody tr').filter({ has: setup.page.locator(`time[datetime="${twoHoursAgo}"]`) })
  await expect(row.locator('td').allTextContents()).resolves.toEqual(['9', '0', '4', '0'])
  expect(rows.flat().reduce((a, b) => a + b, 0)).toBe(13)
  await expect(page.locator('[data-testid="metrics-chart"] canvas').count()).resolves.toBe(1)
  await expect(page.locator('#metrics-interval option[value="day"]').isDisabled()).resolves.toBe(true)
  await page.getByLabel('Period').selectOption('7d')
  await page.getByText('+20% vs previous 7 days').waitFor()
  await page.getByLabel('Chart by').selectOption('hour')
  await expect(page.locator('.figures thead th').first().textContent()).resolves.toBe('Hour from')
  const hours = await tableRows()
  expect(hours).toHaveLength(168)
  expect(hours.map((cells) => cells[0]).reduce((a, b) => a + b, 0)).toBe(12)
  await page.getByLabel('Period').selectOption('30d')
  await page.getByTestId('metric-delivered').getByText('Up from 0 vs previous 30 days').waitFor()
  await expect(cardText('delivered')).resolves.toEqual(['22', 'Up from 0 vs previous 30 days'])
  await expect(page.locator('.figures thead th').first().textContent()).resolves.toBe('Day from')
  await expect(tableRows()).resolves.toHaveLength(30)
})

test('by keyboard alone the period is chosen and the table opened', async () => {
  const { page } = setup
  await page.reload()
  await page.getByText('+20% vs previous 7 days').waitFor()
  await page.evaluate('document.activeElement?.blur()')
  expect(await tabTo(page, '#metrics-period')).toBe(true)
  await page.keyboard.press('ArrowUp')
  await page.getByTestId('metric-delivered').getByText('Up from 0 vs previous 24 hours').waitFor()
  expect(await tabTo(page, '.metrics-table summary')).toBe(true)
  await page.keyboard.press('Enter')
  await expect(page.locator('.figures').isVisible()).resolves.toBe(true)
  await expect(tableRows()).resolves.toHaveLength(24)
})

test('at 390 px the tab has no horizontal scroll, and the page had no CSP errors', async () => {
  const { page } = setup
  await page.setViewportSize({ width: 390, height: 844 })
  await page.getByLabel('Period').selectOption('7d')
  await page.getByText('+20% vs previous 7 days').waitFor()
  await expect(page.evaluate('document.documentElement.scrollWidth')).resolves.toBeLessThanOrEqual(390)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('phone')
  expect(setup.console.filter((line) => /Content.Security.Policy|pageerror/i.test(line))).toEqual([])
})
