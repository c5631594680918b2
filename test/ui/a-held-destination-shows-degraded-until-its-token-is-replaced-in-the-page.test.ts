import type { Page } from 'playwright-core'
import { ACCOUNT, capture, createFunction, firstProject, order, TOKEN, until } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage, tabTo } from './helpers/page'

jest.setTimeout(90_000)

const REFUSED_TOKEN = 'pina_revoked_conversion_token'
const NAME = 'Shop with a revoked token'
const EVENTS = Array.from({ length: 20 }, (_, i) => order(`held-ui-${String(i).padStart(3, '0')}`))
const PHONE = { width: 390, height: 844 }

let setup: PageSetup
let functionId: string

async function statusOf(): Promise<{ state: number; held_deliveries?: number }> {
  const response = await fetch(`${setup.pipeline.server.url}/api/projects/${firstProject.id}/hog_functions/${functionId}/`, { headers: { authorization: `Bearer ${firstProject.key}` } })
  return ((await response.json()) as { status: { state: number; held_deliveries?: number } }).status
}

/** Polls the API until the function holds every captured event (a generous bound, not a speed assertion). */
async function heldAll(): Promise<void> {
  const started = Date.now()
  for (;;) {
    const status = await statusOf()
    if (status.state === 2 && status.held_deliveries === EVENTS.length) return
    if (Date.now() - started > 30_000) throw new Error(`not held in time: ${JSON.stringify(status)}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** How far the page is wider than the screen, in CSS pixels (0 when there is no horizontal scroll). */
const overflow = (page: Page) => page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth') as Promise<number>
/** Waits until the element with `id` has the focus; fails after 5 s. */
const focusOn = (page: Page, id: string) =>
  page.waitForFunction((expected) => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === expected, id, { timeout: 5000 })
const acceptedIds = () =>
  setup.pipeline.emulator
    .accepted()
    .map((e) => e.event_id)
    .filter((id) => id.startsWith('held-ui-'))

beforeAll(async () => {
  setup = await startPage('held')
  functionId = await createFunction(setup.pipeline.server, firstProject, { name: NAME, inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: REFUSED_TOKEN } } })
  // The pipeline takes a new function up within half a second: events mapped before that are not its.
  await new Promise((resolve) => setTimeout(resolve, 700))
  await capture(setup.pipeline.server, firstProject, EVENTS)
  await heldAll()
})
afterAll(() => setup?.close())

test('the list shows the held destination as Degraded, with the held count and the reason as text', async () => {
  const { page } = setup
  await signIn(page)
  const row = page.getByTestId('destination-row').filter({ hasText: NAME })
  await row.getByText('Degraded', { exact: true }).waitFor()
  await expect(row.getByTestId('held-note').locator('strong').textContent()).resolves.toBe('20 deliveries held')
  await expect(row.getByTestId('held-note').textContent()).resolves.toContain('conversion token rejected by Pinterest (401)')
  await expect(row.locator('.status-cell .badge').allTextContents()).resolves.toEqual(['Enabled', 'Degraded'])
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('list')
  await page.setViewportSize(PHONE)
  expect(await overflow(page)).toBe(0)
  await setup.screenshot('list-phone')
  await page.setViewportSize({ width: 1280, height: 800 })
})

test('the destination shows the banner with the reason, since when and the held count; its ad account note leads to that field', async () => {
  const { page } = setup
  await page.getByRole('link', { name: NAME }).click()
  const banner = page.getByRole('alert').filter({ hasText: 'until the credentials change' })
  await banner.waitFor()
  await expect(banner.getByTestId('held-count').textContent()).resolves.toBe('20 deliveries held')
  await expect(banner.textContent()).resolves.toContain('conversion token rejected by Pinterest (401)')
  await expect(banner.locator('time').textContent()).resolves.toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d UTC$/)
  await expect(banner.textContent()).resolves.toContain('correct the Ad Account ID')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('banner')
  await page.setViewportSize(PHONE)
  expect(await overflow(page)).toBe(0)
  await setup.screenshot('banner-phone')
  await page.setViewportSize({ width: 1280, height: 800 })

  // The note's button leads to the Ad Account ID field; a save that changes neither credential keeps the hold.
  await banner.getByRole('button', { name: 'correct the Ad Account ID' }).click()
  await focusOn(page, 'inputs__ad_account_id')
  await page.getByLabel('Description').fill('Held until the token is replaced')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await page.getByRole('button', { name: 'No changes' }).waitFor()
  await expect(banner.getByTestId('held-count').textContent()).resolves.toBe('20 deliveries held')
  expect(await statusOf()).toMatchObject({ state: 2, held_deliveries: 20 })
})

test('replacing the token from the banner by keyboard and saving removes it and sends each held event once', async () => {
  const { page } = setup
  const banner = page.getByRole('alert').filter({ hasText: 'until the credentials change' })
  await page.getByRole('link', { name: 'Logs', exact: true }).click()
  await page.waitForURL(/\/logs$/)
  await banner.waitFor()
  await expect(banner.getByTestId('held-count').textContent()).resolves.toBe('20 deliveries held')
  expect(await seriousViolations(page)).toEqual([])

  // From the Logs tab, the banner's button opens Configuration with the token's Replace button focused.
  await page.locator('body').focus()
  expect(await tabTo(page, '.held-banner .button.primary')).toBe(true)
  await page.keyboard.press('Enter')
  await page.waitForURL(new RegExp(`#/destinations/${functionId}$`))
  await focusOn(page, 'inputs__conversion_token-replace')
  await page.keyboard.press('Enter')
  await focusOn(page, 'inputs__conversion_token')
  await page.keyboard.type(TOKEN)
  expect(acceptedIds()).toEqual([])
  await page.keyboard.press('Enter')

  await banner.waitFor({ state: 'detached', timeout: 20_000 })
  await page.getByRole('button', { name: 'Replace' }).waitFor()
  expect(await until(() => acceptedIds().length >= EVENTS.length, 20_000)).toBe(true)
  expect(acceptedIds().sort()).toEqual(EVENTS.map((e) => e.uuid))
  expect(await statusOf()).toEqual({ state: 1, rating: 1, tokens: 0 })
  expect(setup.console.filter((line) => /Content.Security.Policy|pageerror/i.test(line))).toEqual([])
})
