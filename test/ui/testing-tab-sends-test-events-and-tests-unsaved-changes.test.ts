import { ACCOUNT, firstProject, TOKEN } from '../helpers/pipeline-server'
import { type PageSetup, signIn, startPage } from './helpers/page'
import { openTestingTab, run, shownEvent } from './helpers/testing-tab'

jest.setTimeout(60_000)

let setup: PageSetup
let functionId: string

beforeAll(async () => {
  setup = await startPage('testing-send')
  await signIn(setup.page)
  functionId = await openTestingTab(setup)
})

afterAll(async () => {
  await setup?.close()
})

const tab = (name: string) => setup.page.getByRole('navigation', { name: 'Destination sections' }).getByRole('link', { name, exact: true }).click()

test('Send test event sends it with the test flag and shows Pinterest’s status and answer', async () => {
  const { page, pipeline } = setup
  const eventId = JSON.parse(await page.getByLabel('Event (JSON)').inputValue()).event.uuid
  expect(await run(page, 'Send test event')).toBe(200)
  expect(pipeline.emulator.requests()).toMatchObject([{ ad_account_id: ACCOUNT, status: 200, test: true, num_events: 1 }])
  expect(pipeline.emulator.testEvents()).toMatchObject([{ event_id: eventId, event_name: 'checkout', test: true }])
  await page.getByRole('heading', { name: 'Request sent' }).waitFor()
  await expect(page.locator('.testing-answer-status').textContent()).resolves.toBe('Status 200')
  const answer = JSON.parse((await page.getByRole('region', { name: "Pinterest's answer" }).textContent()) ?? 'null')
  expect(answer).toEqual({ num_events_received: 1, num_events_processed: 1, events: [{ status: 'processed', error_message: null, warning_message: null }] })
  expect(await page.content()).not.toContain(TOKEN)
  await setup.screenshot('sent')
})

test('Test runs nothing out to Pinterest', async () => {
  const { page, pipeline } = setup
  const before = pipeline.emulator.requests().length
  await run(page)
  await page.getByRole('heading', { name: 'Request that would go out' }).waitFor()
  await expect(page.locator('.testing-answer-status').count()).resolves.toBe(0)
  expect(pipeline.emulator.requests().length).toBe(before)
})

test('unsaved changes on the Configuration tab are what the test runs, and nothing is saved', async () => {
  const { page, pipeline } = setup
  await tab('Configuration')
  await page.getByLabel('Ad account ID').fill('549755885999')
  // Paused in the draft: a test still shows what the destination would send.
  await page.getByRole('switch', { name: 'Enable destination' }).uncheck()
  await page.getByRole('button', { name: 'Save changes' }).waitFor()
  await tab('Testing')
  await page.getByLabel('Event (JSON)').waitFor()
  await run(page)
  await expect(page.locator('.testing-url').textContent()).resolves.toBe(`${pipeline.emulator.url}/v5/ad_accounts/549755885999/events?test=true`)
  expect((await shownEvent(page, 'Checkout')).event_name).toBe('checkout')

  // Pinterest's answer for an ad account the token does not open is shown as it came.
  expect(await run(page, 'Send test event')).toBe(200)
  const status = Number((await page.locator('.testing-answer-status strong').textContent()) ?? '0')
  expect(status).toBeGreaterThanOrEqual(400)
  expect(pipeline.emulator.requests().at(-1)).toMatchObject({ ad_account_id: '549755885999', status, test: true })

  const stored = pipeline.server.store.functions.get(firstProject.id, functionId)
  expect(stored).toMatchObject({ enabled: true, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
  // Still unsaved: back on Configuration the draft is there to save.
  await tab('Configuration')
  await expect(page.getByLabel('Ad account ID').inputValue()).resolves.toBe('549755885999')
})

test('a draft the server cannot run shows its problems, naming the field, instead of a result', async () => {
  const { page } = setup
  await page.getByLabel('Ad account ID').fill('12ab')
  await tab('Testing')
  await page.getByLabel('Event (JSON)').waitFor()
  expect(await run(page)).toBe(400)
  const box = page.getByRole('alert').filter({ hasText: 'The test could not run' })
  await expect(box.locator('li').allTextContents()).resolves.toEqual([expect.stringMatching(/^inputs__ad_account_id: /)])
  await expect(page.locator('.testing-summary').count()).resolves.toBe(0)
  expect(await page.content()).not.toContain(TOKEN)
})
