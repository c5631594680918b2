import { PostHog } from 'posthog-node'
import { mappingItem, functionByApi } from './helpers/mappings'
import { type PageSetup, signIn, startPage, TEMPLATE_ID } from './helpers/page'
import { fillTemplateField } from './helpers/template-field'
import { ACCOUNT, PROJECT_TOKEN, TOKEN, until } from '../helpers/pipeline-server'

jest.setTimeout(60_000)

let setup: PageSetup
beforeAll(async () => {
  setup = await startPage('offline-mapping')
})
afterAll(() => setup?.close())

test('a Report Conversions Event mapping for a typed event, action source offline, made in the page, sends that event to Pinterest as offline', async () => {
  const { page, pipeline } = setup
  await signIn(page)
  await page.goto(`/#/new/${TEMPLATE_ID}`)
  await page.getByLabel('Ad account ID').fill(ACCOUNT)
  await page.getByLabel('Conversion access token').fill(TOKEN)
  await page.getByRole('button', { name: 'Create & enable' }).click()
  await page.getByRole('link', { name: 'Mappings' }).click()

  await page.getByRole('button', { name: 'New mapping' }).click()
  await page.getByLabel('Mapping', { exact: true }).selectOption('Report Conversions Event')
  await page.getByLabel('Event that triggers the new mapping').fill('In-store purchase')
  await page.keyboard.press('Enter')
  await page.getByRole('button', { name: 'Add mapping' }).click()
  const mapping = mappingItem(page, 'Report Conversions Event')
  await mapping.getByLabel('Action source').selectOption('offline')
  await fillTemplateField(mapping, 'Custom data: value', '{event.properties.amount}')
  await expect(mapping.locator('.mapping-summary').textContent()).resolves.toBe('TriggerIn-store purchaseAction sourceOffline')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await page.getByText('Changes saved.').waitFor()

  const id = /#\/destinations\/([^/]+)/.exec(page.url())?.[1] ?? ''
  const stored = (await functionByApi(pipeline.server, id)).mappings.at(-1)
  expect(stored?.name).toBe('Report Conversions Event')
  expect(stored?.filters?.events).toEqual([{ id: 'In-store purchase', name: 'In-store purchase', type: 'events' }])
  expect(stored?.inputs.action_source).toEqual({ value: 'offline' })

  const client = new PostHog(PROJECT_TOKEN, { host: pipeline.server.url, flushAt: 1, flushInterval: 0 })
  client.capture({ distinctId: 'shopper-1', event: 'In-store purchase', uuid: '0193c000-0000-7000-8000-000000000042', properties: { email: 'Shopper@Example.com', amount: 42, currency: 'EUR' } })
  await client.shutdown()
  expect(await until(() => pipeline.emulator.accepted().length > 0, 20_000)).toBe(true)
  const [sent] = pipeline.emulator.accepted()
  expect(sent.event_id).toBe('0193c000-0000-7000-8000-000000000042')
  expect(sent.event).toMatchObject({ event_name: 'custom', action_source: 'offline', custom_data: { value: '42', currency: 'EUR' } })
  expect(setup.console.filter((line) => line.includes('Content Security Policy'))).toEqual([])
})
