import { createHash } from 'node:crypto'
import { PostHog } from 'posthog-node'
import { ACCOUNT, PROJECT_TOKEN, TOKEN } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage } from './helpers/page'

jest.setTimeout(90_000)

const EVENT_UUID = '0193c0de-1111-7000-8000-000000000001'
const EMAIL = '  Jane.Doe@Example.COM '
let setup: PageSetup

beforeAll(async () => {
  setup = await startPage('whole-flow')
})

afterAll(() => setup?.close())

test('sign in, find Pinterest, configure it, and watch a Checkout from posthog-node arrive as delivered', async () => {
  const { page, pipeline } = setup
  await page.goto('/')
  await page.getByLabel('Personal API key').waitFor()
  await setup.screenshot('sign-in')
  await signIn(page)
  await setup.screenshot('list')

  await page.getByRole('link', { name: 'New destination' }).click()
  await page.getByLabel('Search destinations to add').fill('Pinterest')
  await page.getByRole('link', { name: 'Configure Pinterest Conversions API' }).waitFor()
  await setup.screenshot('catalogue')
  await page.getByRole('link', { name: 'Configure Pinterest Conversions API' }).click()

  await page.getByLabel('Destination name').fill('Shop EU')
  await page.getByLabel('Ad account ID').fill(ACCOUNT)
  await page.getByLabel('Conversion access token').fill(TOKEN)
  // Debug mode logs each delivered event (without it, only problems are logged).
  await page.getByRole('switch', { name: 'Debug mode' }).check()
  await setup.screenshot('configure')
  await page.getByRole('button', { name: 'Create & enable' }).click()
  await page.getByRole('button', { name: 'Replace' }).waitFor()
  const functionId = new URL(page.url()).hash.replace('#/destinations/', '')

  await page.getByRole('link', { name: 'Logs', exact: true }).click()
  await page.getByText('No log entries in this range.').waitFor()
  await page.evaluate('window.__sameDocument = true')

  const posthog = new PostHog(PROJECT_TOKEN, { host: pipeline.server.url, flushAt: 1, flushInterval: 0 })
  posthog.capture({
    distinctId: 'buyer-1',
    event: 'Order Completed',
    uuid: EVENT_UUID,
    properties: {
      $set: { email: EMAIL },
      revenue: 42.5,
      currency: 'EUR',
      products: [{ product_id: 'sku-1', name: 'Lamp', price: 42.5, quantity: 1 }],
      $ip: '203.0.113.5',
      $raw_user_agent: 'Mozilla/5.0 (X11; Linux x86_64)',
    },
  })
  await posthog.shutdown()

  // The tab polls: the event's lines appear without a reload, newest first.
  const group = page.locator(`[data-testid="log-group"][data-instance-id="${EVENT_UUID}"]`)
  await group.waitFor({ timeout: 20_000 })
  await expect(group.locator('.log-summary').textContent()).resolves.toBe(`event ${EVENT_UUID} (Checkout) delivered`)
  await expect(page.evaluate('window.__sameDocument')).resolves.toBe(true)
  const times = await page.locator('[data-testid="log-group"] summary time').evaluateAll((els) => els.map((el) => el.getAttribute('datetime') ?? ''))
  expect(times).toEqual([...times].sort().reverse())
  await group.locator('summary').click()
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('logs')

  const accepted = pipeline.emulator.accepted()
  expect(accepted).toHaveLength(1)
  const sent = accepted[0].event as { event_id: string; event_name: string; action_source: string; user_data: { em: string[] } }
  expect(sent).toMatchObject({ event_id: EVENT_UUID, event_name: 'checkout', action_source: 'web' })
  expect(sent.user_data.em).toEqual([createHash('sha256').update('jane.doe@example.com').digest('hex')])
  expect(JSON.stringify(accepted)).not.toContain('Jane.Doe')

  await page.getByRole('link', { name: 'Metrics', exact: true }).click()
  const delivered = page.getByTestId('metric-delivered')
  await delivered.waitFor()
  await expect(delivered.locator('.metric-value').textContent()).resolves.toBe('1')
  await expect(delivered.locator('.metric-change').textContent()).resolves.toBe('Up from 0 vs previous 7 days')
  await expect(page.getByTestId('metric-failed').locator('.metric-value').textContent()).resolves.toBe('0')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('metrics')
  expect(new URL(page.url()).hash).toBe(`#/destinations/${functionId}/metrics`)
  expect(setup.console.filter((line) => /Content.Security.Policy|pageerror/i.test(line))).toEqual([])
})
