import type { Page, Response } from 'playwright-core'
import { capture, createFunction, firstProject, order, setEnabled, TOKEN } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage, tabTo } from './helpers/page'

jest.setTimeout(90_000)

const PHONE = { width: 390, height: 844 }
const CARTS = ['cart-1', 'cart-2', 'cart-3']
const ORDERS = ['order-x1', 'order-x2']
/** Sent while Pinterest is down, with a retry period of 5 s (long enough for a busy machine to make the first attempt of the others in time): given up. */
const LOST = 'signup-lost'
const recent = () => new Date(Date.now() - 60_000).toISOString()
const cart = (uuid: string) => ({ ...order(uuid), event: 'Product Added', timestamp: recent() })
const checkout = (uuid: string) => ({ ...order(uuid), timestamp: recent() })
const signUp = (uuid: string) => ({ ...order(uuid), event: 'Signed Up', timestamp: recent() })

let setup: PageSetup
let functionId: string
const responses: Promise<string>[] = []
/** Every confirm the page asked, in order; each is accepted. */
const dialogs: string[] = []

const api = async <T>(path: string): Promise<T> => {
  const response = await fetch(`${setup.pipeline.server.url}/api/projects/${firstProject.id}/hog_functions/${functionId}/${path}`, { headers: { authorization: `Bearer ${firstProject.key}` } })
  return (await response.json()) as T
}
/** The event_ids of the rows shown, top to bottom. */
const shownIds = (page: Page) => page.getByTestId('delivery').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-event-id')))
interface Rows {
  document: { querySelectorAll(selector: string): { length: number } }
}
/** Waits until the list shows `count` rows (a function, not a string: the page's CSP forbids eval). */
const waitForRows = (page: Page, count: number) =>
  page.waitForFunction((n) => (globalThis as unknown as Rows).document.querySelectorAll('[data-testid="delivery"]').length === n, count, { timeout: 10_000 })
const accepted = (ids: string[]) =>
  setup.pipeline.emulator
    .accepted()
    .filter((e) => ids.includes(e.event_id))
    .map((e) => e.event_id)
const overflow = (page: Page) => page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth') as Promise<number>
/** The text of the newest job's progress once it reads `text`. */
const jobProgress = (page: Page, text: string) => page.getByTestId('job').first().getByTestId('job-progress').getByText(text, { exact: true }).waitFor({ timeout: 20_000 })

/** Waits until the function has `count` failed or given-up deliveries. */
async function untilListed(count: number): Promise<void> {
  const started = Date.now()
  while ((await api<{ count: number }>('deliveries/')).count < count && Date.now() - started < 20_000) await new Promise((resolve) => setTimeout(resolve, 50))
  expect((await api<{ count: number }>('deliveries/')).count).toBe(count)
}

beforeAll(async () => {
  setup = await startPage('deliveries', undefined, { retry: { baseDelayMs: 20, maxDelayMs: 50, maxRetryMs: 5_000 } })
  setup.page.on('response', (response: Response) => responses.push(response.text().catch(() => '')))
  setup.page.on('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.accept()
  })
  const { server, emulator } = setup.pipeline
  functionId = await createFunction(server, firstProject, { name: 'Shop with failures' })
  emulator.setFaults({ fail_event_ids: [...CARTS, ...ORDERS] })
  // One batch after the other, so that the newest-first order is known: the orders, the carts, then the sign-up.
  await capture(server, firstProject, [checkout('order-ok'), ...ORDERS.map(checkout)])
  await untilListed(2)
  await capture(server, firstProject, CARTS.map(cart))
  await untilListed(5)
  emulator.setFaults({ unavailable_share: 1 })
  await capture(server, firstProject, [signUp(LOST)])
  await untilListed(6)
  emulator.setFaults({})
  await signIn(setup.page)
})

afterAll(() => setup?.close())

test('the Deliveries tab lists the rejected deliveries newest first with their reason, error and attempts', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${functionId}/deliveries`)
  await waitForRows(page, 6)
  const ids = await shownIds(page)
  expect(ids[0]).toBe(LOST)
  expect(ids.slice(1, 4).sort()).toEqual(CARTS)
  expect(ids.slice(4).sort()).toEqual(ORDERS)
  const lost = page.getByTestId('delivery').first()
  await expect(lost.getByTestId('delivery-reason').textContent()).resolves.toBe('Retries ran out before the deadline')
  await expect(lost.locator('.badge').textContent()).resolves.toBe('Given up')
  await expect(lost.locator('.delivery-mapping').textContent()).resolves.toBe('Sign Up')
  const first = page.getByTestId('delivery').nth(1)
  await expect(first.getByTestId('delivery-reason').textContent()).resolves.toBe('Pinterest rejected the event')
  await expect(first.getByTestId('delivery-error').textContent()).resolves.toMatch(/emulated failure/)
  await expect(first.locator('.delivery-mapping').textContent()).resolves.toBe('Add to Cart')
  await expect(first.locator('.delivery-event-name').textContent()).resolves.toBe('add_to_cart')
  await expect(first.textContent()).resolves.toContain('1 attempt')
  await expect(page.getByTestId('deliveries-count').textContent()).resolves.toBe('6 of 6 shown')
  await expect(page.getByRole('button', { name: 'Replay all 6 matching' }).isEnabled()).resolves.toBe(true)
  await expect(page.getByRole('button', { name: 'Replay selected (0)' }).isDisabled()).resolves.toBe(true)
})

test('a row opens to its PostHog event and the Pinterest payload as JSON text', async () => {
  const { page } = setup
  const row = page.locator(`[data-event-id="${ORDERS[0]}"]`)
  await row.getByText('Details', { exact: false }).click()
  await expect(row.locator('.delivery-event dd').allTextContents()).resolves.toEqual([ORDERS[0], 'Order Completed', `person-${ORDERS[0]}`, expect.stringMatching(/ UTC$/)])
  const payload = JSON.parse((await row.getByTestId('delivery-payload').textContent()) ?? '') as Record<string, unknown>
  expect(payload).toMatchObject({ event_name: 'checkout', event_id: ORDERS[0], action_source: 'web' })
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('deliveries')
})

test('the mapping, reason and status filters narrow the list to the expected rows', async () => {
  const { page } = setup
  await expect(page.getByLabel('Reason').locator('option').allTextContents()).resolves.toEqual(['All reasons', 'Pinterest rejected the event (5)', 'Retries ran out before the deadline (1)'])
  await page.getByLabel('Reason').selectOption('gave_up')
  await waitForRows(page, 1)
  expect(await shownIds(page)).toEqual([LOST])
  await page.getByLabel('Reason').selectOption('rejected')
  await waitForRows(page, 5)
  expect((await shownIds(page)).sort()).toEqual([...CARTS, ...ORDERS])
  await page.getByLabel('Mapping').selectOption('Checkout')
  await waitForRows(page, 2)
  expect((await shownIds(page)).sort()).toEqual(ORDERS)
  // The reasons are counted under the other filters: the Checkout deliveries were all rejected.
  await expect(page.getByLabel('Reason').locator('option').allTextContents()).resolves.toEqual(['All reasons', 'Pinterest rejected the event (2)'])
  await page.getByLabel('Reason').selectOption('')
  await page.getByLabel('Status').selectOption('gave_up')
  await page.getByText('No failed deliveries match these filters.').waitFor()
  await page.getByLabel('Mapping').selectOption('')
  await waitForRows(page, 1)
  expect(await shownIds(page)).toEqual([LOST])
  await page.getByLabel('Status').selectOption('both')
  await page.getByLabel('Mapping').selectOption('Add to Cart')
  await waitForRows(page, 3)
  expect((await shownIds(page)).sort()).toEqual(CARTS)
})

test('with the keyboard alone, the rows of a page are selected and replayed; the job reaches 3 done, 0 left', async () => {
  const { page } = setup
  setup.pipeline.emulator.setFaults({})
  dialogs.length = 0
  await page.locator('#deliveries-title').focus()
  expect(await tabTo(page, '.replay-bar input[type="checkbox"]')).toBe(true)
  await page.keyboard.press('Space')
  await page.getByRole('button', { name: 'Replay selected (3)' }).waitFor()
  expect(await tabTo(page, '.replay-bar .button.primary')).toBe(true)
  await page.keyboard.press('Enter')
  await jobProgress(page, '3 done · 0 failed · 0 left of 3')
  // The message comes with the API's answer: wait for it rather than read the element as it stands.
  await page.locator('#replay-message', { hasText: 'Replay started' }).waitFor()
  await expect(page.locator('#replay-message').textContent()).resolves.toBe('Replay started for 3 deliveries.')
  expect(dialogs).toEqual(["Replay 3 deliveries? Each is mapped again with this destination's current configuration and sent to Pinterest with its own event_id."])
  const job = page.getByTestId('job').first()
  await expect(job.locator('progress').evaluate((p) => [(p as unknown as { value: number }).value, (p as unknown as { max: number }).max])).resolves.toEqual([3, 3])
  await expect(job.locator('h4').textContent()).resolves.toBe('Replay')
  await expect(job.locator('.badge').textContent()).resolves.toBe('Completed')
  expect(accepted(CARTS).sort()).toEqual(CARTS)
  const jobs = await api<{ results: { done: number; left: number; total: number }[] }>('jobs/')
  expect(jobs.results[0]).toMatchObject({ total: 3, done: 3, left: 0 })
  expect(await seriousViolations(page)).toEqual([])
})

test('while a replay of the filter runs its rows say why they cannot be replayed, a second one shows the conflict, and Cancel stops it', async () => {
  const { page } = setup
  const { server } = setup.pipeline
  await page.getByLabel('Mapping').selectOption('Checkout')
  await waitForRows(page, 2)
  // A paused destination's job waits: it runs, and holds its deliveries, until the destination is enabled.
  await setEnabled(server, firstProject, functionId, false)
  await page.getByRole('button', { name: 'Replay all 2 matching' }).click()
  const job = page.getByTestId('job').first()
  await job.locator('.badge').getByText('Running', { exact: true }).waitFor()
  await jobProgress(page, '0 done · 0 failed · 2 left of 2')
  const jobId = await job.getAttribute('data-job-id')
  await page.getByTestId('not-replayable').first().waitFor()
  await expect(page.getByTestId('not-replayable').allTextContents()).resolves.toEqual([` · Not replayable: being replayed by job ${jobId}`, ` · Not replayable: being replayed by job ${jobId}`])
  await expect(page.locator('.delivery-check:disabled').count()).resolves.toBe(2)
  await page.getByRole('button', { name: 'Replay all 2 matching' }).click()
  await page.locator('#replay-message', { hasText: 'already being replayed' }).waitFor()
  await expect(page.locator('#replay-message').textContent()).resolves.toBe(`2 of these deliveries are already being replayed by job ${jobId}. Wait for that job to finish, or cancel it.`)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('deliveries-job')
  await job.getByRole('button', { name: 'Cancel this replay' }).click()
  await job.locator('.badge').getByText('Cancelled', { exact: true }).waitFor()
  // The list is read again once the job has ended: its rows become replayable when that answer arrives.
  await page.waitForFunction(() => (globalThis as any).document.querySelectorAll('.delivery-check:enabled').length === 2)
  await expect(page.locator('.delivery-check:enabled').count()).resolves.toBe(2)
  await expect(page.getByTestId('not-replayable').count()).resolves.toBe(0)
})

test('"Replay all matching" replays every delivery of the filter once the destination runs', async () => {
  const { page } = setup
  await setEnabled(setup.pipeline.server, firstProject, functionId, true)
  dialogs.length = 0
  await page.getByRole('button', { name: 'Replay all 2 matching' }).click()
  await jobProgress(page, '2 done · 0 failed · 0 left of 2')
  expect(dialogs).toEqual(["Replay all 2 deliveries that match the filters? Each is mapped again with this destination's current configuration and sent to Pinterest with its own event_id."])
  expect(accepted(ORDERS).sort()).toEqual(ORDERS)
  await page.getByText('No failed deliveries match these filters.').waitFor()
  // What was replayed leaves the list: only the given-up sign-up is left.
  const left = await api<{ results: { event_id: string }[] }>('deliveries/')
  expect(left.results.map((d) => d.event_id)).toEqual([LOST])
})

test('the tab fits a 390 pixel wide phone, and never shows the conversion token', async () => {
  const { page } = setup
  await page.setViewportSize(PHONE)
  await page.getByLabel('Mapping').selectOption('')
  await page.getByText('Backfill stored events').click()
  await page.locator(`[data-event-id="${LOST}"] summary`).click()
  await page.locator(`[data-event-id="${LOST}"]`).getByTestId('delivery-payload').waitFor()
  expect(await overflow(page)).toBe(0)
  await setup.screenshot('deliveries-phone')
  await page.setViewportSize({ width: 1280, height: 800 })
  expect(await page.content()).not.toContain(TOKEN)
  for (const text of await Promise.all(responses)) expect(text).not.toContain(TOKEN)
  expect(setup.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([])
})
