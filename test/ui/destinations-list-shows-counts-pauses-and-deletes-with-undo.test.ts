import { createFunction, firstProject } from '../helpers/pipeline-server'
import { type PageSetup, signIn, startPage, waitForFocusOn } from './helpers/page'

jest.setTimeout(60_000)

let setup: PageSetup
let shopId: string

beforeAll(async () => {
  setup = await startPage('destinations-list')
  const { server } = setup.pipeline
  shopId = await createFunction(server, firstProject, { name: 'Shop EU' })
  await createFunction(server, firstProject, { name: 'Blog', enabled: false })
  const hour = 3_600_000
  server.store.metrics.increment(firstProject.id, shopId, 'succeeded', 40, Date.now() - 30 * hour)
  server.store.metrics.increment(firstProject.id, shopId, 'succeeded', 2, Date.now())
  server.store.metrics.increment(firstProject.id, shopId, 'failed', 3, Date.now())
  server.store.metrics.increment(firstProject.id, shopId, 'gave_up', 1, Date.now() - 2 * hour)
  // Older than seven days: not counted.
  server.store.metrics.increment(firstProject.id, shopId, 'succeeded', 500, Date.now() - 8 * 24 * hour)
  await signIn(setup.page)
})

afterAll(async () => {
  await setup?.close()
})

const row = (name: string) => setup.page.getByTestId('destination-row').filter({ hasText: name })

test('each destination shows its icon, status, and its delivered and failed counts of 7 days with a sparkline', async () => {
  const shop = row('Shop EU')
  await shop.getByText('42 delivered').waitFor()
  await expect(shop.getByText('4 failed').count()).resolves.toBe(1)
  await expect(shop.locator('.badge').textContent()).resolves.toBe('Enabled')
  await expect(shop.locator('img.icon').getAttribute('src')).resolves.toBe('/static/services/pinterest.com.png')
  await expect(shop.locator('img.icon').evaluate((img) => (img as unknown as { naturalWidth: number }).naturalWidth > 0)).resolves.toBe(true)
  await expect(shop.locator('svg.sparkline path').count()).resolves.toBe(2)
  await expect(shop.locator('time').textContent()).resolves.toBe('just now')
  await expect(row('Blog').locator('.badge').textContent()).resolves.toBe('Paused')
  await setup.screenshot('list')
})

test('search and "show paused" narrow the list', async () => {
  const { page } = setup
  await page.getByLabel('Search destinations').fill('blog')
  await expect(page.getByTestId('destination-row').allTextContents()).resolves.toEqual([expect.stringContaining('Blog')])
  await page.getByLabel('Show paused').uncheck()
  await page.getByText('No destination matches.').waitFor()
  await page.getByLabel('Search destinations').fill('')
  await expect(page.getByTestId('destination-row').count()).resolves.toBe(1)
  await page.getByLabel('Show paused').check()
  await expect(page.getByTestId('destination-row').count()).resolves.toBe(2)
})

test('the row menu, used with the keyboard, pauses a destination', async () => {
  const { page } = setup
  await page.getByRole('button', { name: 'Actions for Shop EU' }).focus()
  await page.keyboard.press('Enter')
  await waitForFocusOn(page, 'Pause')
  await page.keyboard.press('ArrowDown')
  await waitForFocusOn(page, 'Delete')
  await page.keyboard.press('ArrowDown')
  await waitForFocusOn(page, 'Pause')
  await page.keyboard.press('Escape')
  await waitForFocusOn(page, 'Actions for Shop EU')
  await expect(page.getByRole('menu').count()).resolves.toBe(0)
  await page.keyboard.press('Enter')
  await waitForFocusOn(page, 'Pause')
  await page.keyboard.press('Enter')
  await page.getByText('Shop EU paused.').waitFor()
  await expect(row('Shop EU').locator('.badge').textContent()).resolves.toBe('Paused')
  const stored = setup.pipeline.server.store.functions.get(firstProject.id, shopId)
  expect(stored?.enabled).toBe(false)
})

test('delete removes the row, and Undo in the toast brings it back', async () => {
  const { page } = setup
  const { store } = setup.pipeline.server
  await page.getByRole('button', { name: 'Actions for Shop EU' }).click()
  await page.getByRole('menuitem', { name: 'Delete' }).click()
  await page.getByText('Shop EU deleted.').waitFor()
  await expect(page.getByTestId('destination-row').count()).resolves.toBe(1)
  expect(store.functions.get(firstProject.id, shopId)?.deleted).toBe(true)
  await setup.screenshot('deleted-with-undo')
  await page.getByRole('button', { name: 'Undo' }).click()
  await page.getByText('Shop EU restored.').waitFor()
  await row('Shop EU').waitFor()
  expect(store.functions.get(firstProject.id, shopId)?.deleted).toBe(false)
})

test('a destination, a template or a page that does not exist says so, with a way back', async () => {
  const { page } = setup
  await page.goto('/#/destinations/no-such-id')
  await expect(page.getByRole('alert').textContent()).resolves.toBe('This destination does not exist (or was deleted).')
  await page.goto('/#/new/no-such-template')
  await expect(page.getByRole('alert').textContent()).resolves.toBe('There is no such destination in the catalogue.')
  await page.goto('/#/elsewhere')
  await page.getByRole('heading', { name: 'Page not found' }).waitFor()
  await page.getByRole('link', { name: 'Back to destinations' }).click()
  await page.getByRole('heading', { name: 'Destinations' }).waitFor()
})
