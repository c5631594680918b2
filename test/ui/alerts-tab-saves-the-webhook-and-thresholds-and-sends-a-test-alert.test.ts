import type { Page } from 'playwright-core'
import { createFunction, firstProject } from '../helpers/pipeline-server'
import { startReceiver, type WebhookReceiver } from '../helpers/webhook-receiver'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, readableStorage, signIn, startPage, tabTo } from './helpers/page'

jest.setTimeout(90_000)

const HOOK_PATH = '/services/T0/B0/pageS3cr3tPath'

let setup: PageSetup
let receiver: WebhookReceiver
let functionId: string

const overflow = (page: Page) => page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth') as Promise<number>
const csp = () => setup.console.filter((line) => line.includes('Content Security Policy'))

async function stored(): Promise<any> {
  const response = await fetch(`${setup.pipeline.server.url}/api/projects/1/hog_functions/${functionId}/alerts/`, { headers: { authorization: `Bearer ${firstProject.key}` } })
  return response.json()
}

beforeAll(async () => {
  receiver = await startReceiver()
  setup = await startPage('alerts')
  functionId = await createFunction(setup.pipeline.server, firstProject, { name: 'Shop alerts' })
  await signIn(setup.page)
})

afterAll(async () => {
  await setup?.close()
  await receiver?.close()
})

test('the Alerts tab starts with alerts off and no webhook, and passes axe', async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${functionId}/alerts`)
  await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor()
  await expect(page.getByRole('link', { name: 'Alerts', exact: true }).getAttribute('aria-current')).resolves.toBe('page')
  await expect(page.getByRole('switch', { name: 'Send alerts' }).isChecked()).resolves.toBe(false)
  await expect(page.getByLabel('Webhook URL').inputValue()).resolves.toBe('')
  await expect(page.getByLabel("Share of the last hour's events that failed (%)").inputValue()).resolves.toBe('10')
  await expect(page.getByLabel('Minutes without a delivery').inputValue()).resolves.toBe('60')
  await expect(page.getByRole('button', { name: 'Send test alert' }).isDisabled()).resolves.toBe(true)
  await expect(page.locator('.alert-episodes').textContent()).resolves.toBe('Recent alertsNo alert so far.')
  expect(await seriousViolations(page)).toEqual([])
})

test("a wrong threshold is shown on its field with the server's words; nothing is saved", async () => {
  const { page } = setup
  await page.getByLabel('Minutes without a delivery').fill('3')
  await page.getByRole('button', { name: 'Save alerts' }).click()
  await page.locator('#alert-no-deliveries-minutes-error').getByText('must be at least 5').waitFor()
  await page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'alert-no-deliveries-minutes')
  await expect(page.evaluate('document.activeElement.id')).resolves.toBe('alert-no-deliveries-minutes')
  await expect(page.getByLabel('Minutes without a delivery').getAttribute('aria-invalid')).resolves.toBe('true')
  expect((await stored()).no_deliveries.minutes).toBe(60)
})

test('the webhook and thresholds are set by keyboard and saved; after a reload the webhook shows as set', async () => {
  const { page } = setup
  // A fresh form: the one before holds the refused value.
  await page.reload()
  await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor()
  expect(await tabTo(page, '#alerts-enabled')).toBe(true)
  await page.keyboard.press('Space')
  await page.keyboard.press('Tab')
  await page.keyboard.type(receiver.url(HOOK_PATH))
  expect(await tabTo(page, '#alert-failure-percent')).toBe(true)
  await page.keyboard.press('ControlOrMeta+A')
  await page.keyboard.type('30')
  expect(await tabTo(page, '#alert-degraded-enabled')).toBe(true)
  await page.keyboard.press('Space')
  expect(await tabTo(page, 'button[type="submit"]')).toBe(true)
  await page.keyboard.press('Enter')
  await page.getByText('Alert settings saved.').waitFor()
  expect(await stored()).toEqual({
    webhook_url_set: true,
    enabled: true,
    failure_share: { enabled: true, percent: 30 },
    no_deliveries: { enabled: true, minutes: 60 },
    degraded: { enabled: false },
    episodes: [],
  })
  expect(setup.pipeline.server.store.alerts.settings(functionId)?.webhook_url).toBe(receiver.url(HOOK_PATH))

  await page.reload()
  await page.getByRole('heading', { name: 'Alerts', exact: true }).waitFor()
  await expect(page.locator('#alert-webhook-state').textContent()).resolves.toBe('Set')
  await expect(page.getByRole('switch', { name: 'Send alerts' }).isChecked()).resolves.toBe(true)
  await expect(page.getByLabel("Share of the last hour's events that failed (%)").inputValue()).resolves.toBe('30')
  await expect(page.getByRole('switch', { name: /credentials/ }).isChecked()).resolves.toBe(false)
  expect(await page.content()).not.toContain('pageS3cr3tPath')
  expect(await readableStorage(page)).not.toContain('pageS3cr3tPath')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('alerts-tab')
})

test('Send test alert reaches the webhook and says what it answered', async () => {
  const { page } = setup
  await page.getByRole('button', { name: 'Send test alert' }).click()
  await page.locator('#alert-test-result').getByText('Sent (the webhook answered 200): The webhook took the test message.').waitFor()
  expect(receiver.taken(HOOK_PATH)).toEqual([
    `Test alert: Pinterest destination “Shop alerts” of project “Default project”: alerts of this destination reach this webhook. See /#/destinations/${functionId}/alerts`,
  ])
  receiver.answer = () => 500
  await page.getByRole('button', { name: 'Send test alert' }).click()
  await page.locator('#alert-test-result').getByText('Not sent (the webhook answered 500): the alert webhook answered 500.').waitFor()
  receiver.answer = () => 200
  expect(csp()).toEqual([])
})

test('Replace takes a new webhook URL; recent episodes show open and cleared with their figures', async () => {
  const { page } = setup
  const { alerts } = setup.pipeline.server.store
  const episode = alerts.open(functionId, 1, 'failure_share', { kind: 'failure_share', failed: 12, total: 40, percent: 30, threshold: 30 }, Date.parse('2026-12-01T09:30:00.000Z'))
  alerts.markNotified(episode.id, 'opened', Date.parse('2026-12-01T09:30:05.000Z'))
  alerts.clear(episode.id, { kind: 'failure_share', failed: 12, total: 90, percent: 13.3, threshold: 30 }, Date.parse('2026-12-01T10:05:00.000Z'))
  alerts.open(functionId, 1, 'no_deliveries', { kind: 'no_deliveries', waiting: 8, quiet_minutes: 75, threshold: 60 }, Date.parse('2026-12-01T11:00:00.000Z'))
  await page.reload()
  const items = page.getByTestId('alert-episode')
  await items.first().waitFor()
  await expect(items.evaluateAll((list) => list.map((li) => [...li.children].map((c) => c.textContent)))).resolves.toEqual([
    ['Open', 'No deliveries', 'no event delivered for 75 minutes while 8 deliveries wait (the threshold is 60 minutes)', 'Opened 2026-12-01 11:00 UTC (message not sent yet)'],
    ['Cleared', 'Failure share', '12 of 40 events failed in the last hour (30%; the threshold is 30%)', 'Opened 2026-12-01 09:30 UTC; cleared 2026-12-01 10:05 UTC (message not sent yet)'],
  ])

  await page.getByRole('button', { name: 'Replace' }).click()
  // The field is focused once it has rendered, a moment after the click.
  await page.waitForFunction(() => (globalThis as any).document.activeElement?.id === 'alert-webhook')
  await expect(page.evaluate('document.activeElement.id')).resolves.toBe('alert-webhook')
  await page.getByLabel('Webhook URL').fill('ftp://example.com/pageS3cr3tPath')
  await page.getByRole('button', { name: 'Save alerts' }).click()
  await page.locator('#alert-webhook-error').getByText('must be an http:// or https:// URL').waitFor()
  await page.getByLabel('Webhook URL').fill(receiver.url('/services/replaced'))
  await page.getByRole('button', { name: 'Save alerts' }).click()
  await page.locator('#alert-webhook-state').waitFor()
  expect(setup.pipeline.server.store.alerts.settings(functionId)?.webhook_url).toBe(receiver.url('/services/replaced'))
  expect(await seriousViolations(page)).toEqual([])
})

test('the Alerts tab fits a 390 pixel wide phone', async () => {
  const { page } = setup
  await page.setViewportSize({ width: 390, height: 844 })
  await page.goto(`/#/destinations/${functionId}/alerts`)
  await page.getByTestId('alert-episode').first().waitFor()
  await expect(overflow(page)).resolves.toBe(0)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('alerts-tab-phone')
  expect(csp()).toEqual([])
})
