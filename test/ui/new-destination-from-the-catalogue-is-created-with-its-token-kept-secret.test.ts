import type { Response } from 'playwright-core'
import { ACCOUNT, firstProject, TOKEN } from '../helpers/pipeline-server'
import { dialogShown, type PageSetup, readableStorage, signIn, startPage, TEMPLATE_ID } from './helpers/page'

jest.setTimeout(60_000)

let setup: PageSetup
const responses: Promise<string>[] = []

beforeAll(async () => {
  setup = await startPage('new-destination')
  setup.page.on('response', (response: Response) => responses.push(response.text().catch(() => '')))
  await signIn(setup.page)
})

afterAll(async () => {
  await setup?.close()
})

test('typing Pinterest in the catalogue finds Pinterest Conversions API with its icon and description', async () => {
  const { page } = setup
  await page.getByRole('link', { name: 'New destination' }).click()
  await page.getByLabel('Search destinations to add').fill('Pinterest')
  const card = page.getByTestId('template-card')
  await expect(card.count()).resolves.toBe(1)
  await expect(card.locator('h2').textContent()).resolves.toBe('Pinterest Conversions API')
  await expect(card.locator('p').textContent()).resolves.toContain('Send web, app and offline conversions to Pinterest')
  await expect(card.locator('img').getAttribute('src')).resolves.toBe('/static/services/pinterest.com.png')
  await setup.screenshot('catalogue')
  await page.getByLabel('Search destinations to add').fill('Mailchimp')
  await page.getByText('No destination matches “Mailchimp”.').waitFor()
  await page.getByLabel('Search destinations to add').fill('pinterest')
  await page.getByRole('link', { name: 'Configure Pinterest Conversions API' }).click()
  await page.getByLabel('Ad account ID').waitFor()
  expect(new URL(page.url()).hash).toBe(`#/new/${TEMPLATE_ID}`)
})

test('the form has a labelled field for each input, the token as a password, and says what saving will do', async () => {
  const { page } = setup
  await expect(page.getByLabel('Destination name').inputValue()).resolves.toBe('Pinterest Conversions API')
  await expect(page.getByLabel('Conversion access token').getAttribute('type')).resolves.toBe('password')
  await expect(page.getByRole('switch', { name: 'Debug mode' }).isChecked()).resolves.toBe(false)
  await expect(page.getByRole('switch', { name: 'Test mode' }).isChecked()).resolves.toBe(false)
  await expect(page.getByText('Digits only, at most 18.', { exact: false }).count()).resolves.toBe(1)
  await page.getByRole('button', { name: 'Create & enable' }).waitFor()
  await page.getByRole('switch', { name: 'Enable destination' }).uncheck()
  await page.getByRole('button', { name: 'Create', exact: true }).waitFor()
  await page.getByRole('switch', { name: 'Enable destination' }).check()
})

test('an ad account id with letters is flagged at its field before anything is sent', async () => {
  const { page } = setup
  let posts = 0
  page.on('request', (request) => {
    if (request.method() === 'POST') posts++
  })
  await page.getByLabel('Ad account ID').fill('12ab')
  await page.getByRole('button', { name: 'Create & enable' }).click()
  const field = page.locator('[data-field="inputs__ad_account_id"]')
  await expect(field.locator('.error-message').textContent()).resolves.toBe('Digits only, at most 18.')
  await expect(page.getByLabel('Ad account ID').getAttribute('aria-invalid')).resolves.toBe('true')
  await expect(page.locator('[data-field="inputs__conversion_token"] .error-message').textContent()).resolves.toBe('This field is required.')
  await expect(page.evaluate('document.activeElement.id')).resolves.toBe('inputs__ad_account_id')
  expect(posts).toBe(0)
  await setup.screenshot('client-side-errors')
})

test('a server-side error lands on the field its attr names', async () => {
  const { page } = setup
  await page.getByLabel('Ad account ID').fill(ACCOUNT)
  await page.getByLabel('Conversion access token').fill(TOKEN)
  // Once a save was tried, the problems follow what is typed.
  await expect(page.locator('.error-message').count()).resolves.toBe(0)
  // The server allows 400 characters; the page does not know that rule.
  await page.getByLabel('Destination name').fill('n'.repeat(401))
  await page.getByRole('button', { name: 'Create & enable' }).click()
  const error = page.locator('[data-field="name"] .error-message')
  await error.waitFor()
  await expect(error.textContent()).resolves.toMatch(/400/)
  await expect(page.getByLabel('Destination name').getAttribute('aria-invalid')).resolves.toBe('true')
  expect(setup.pipeline.server.store.functions.list(firstProject.id, { limit: 10, offset: 0 }).count).toBe(0)
  await setup.screenshot('server-error-on-field')
})

test('creating moves to the destination, shows the token only as set, and the list shows it', async () => {
  const { page } = setup
  await page.getByLabel('Destination name').fill('Shop EU')
  await page.getByRole('button', { name: 'Create & enable' }).click()
  await page.getByRole('button', { name: 'Replace' }).waitFor()
  const id = new URL(page.url()).hash.replace('#/destinations/', '')
  const stored = setup.pipeline.server.store.functions.get(firstProject.id, id)
  expect(stored).toMatchObject({
    name: 'Shop EU',
    enabled: true,
    inputs: { ad_account_id: { value: ACCOUNT }, debug_mode: { value: false }, test_mode: { value: false } },
    secrets: { conversion_token: TOKEN },
  })
  await page.getByRole('button', { name: 'No changes' }).waitFor()
  await expect(page.getByRole('button', { name: 'No changes' }).isDisabled()).resolves.toBe(true)
  await setup.screenshot('created')
  await page.getByRole('link', { name: 'Back to destinations' }).click()
  await page.getByTestId('destination-row').filter({ hasText: 'Shop EU' }).waitFor()
})

test('the token is absent from the page, its storage and every response after saving', async () => {
  const { page } = setup
  await page.getByRole('link', { name: 'Shop EU' }).click()
  await page.getByRole('button', { name: 'Replace' }).waitFor()
  expect(await page.content()).not.toContain(TOKEN)
  expect(await readableStorage(page)).not.toContain(TOKEN)
  const bodies = await Promise.all(responses)
  expect(bodies.length).toBeGreaterThan(10)
  expect(bodies.filter((body) => body.includes(TOKEN))).toEqual([])
})

test('an edit saves the same object the REST API returns, and leaving unsaved asks first', async () => {
  const { page } = setup
  await page.getByRole('switch', { name: 'Test mode' }).check()
  await page.getByRole('button', { name: 'Save changes' }).waitFor()
  const dialogs: string[] = []
  page.once('dialog', (dialog) => {
    dialogs.push(dialog.message())
    dialog.dismiss()
  })
  await page.getByRole('link', { name: 'Back to destinations' }).click()
  await dialogShown(page, dialogs)
  expect(dialogs).toEqual(['You have unsaved changes. Leave without saving them?'])
  await expect(page.getByRole('switch', { name: 'Test mode' }).isChecked()).resolves.toBe(true)
  expect(new URL(page.url()).hash).toMatch(/^#\/destinations\//)

  const [patch] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'PATCH'), page.getByRole('button', { name: 'Save changes' }).click()])
  const saved = await patch.json()
  await page.getByRole('button', { name: 'No changes' }).waitFor()
  const id = new URL(page.url()).hash.replace('#/destinations/', '')
  const fetched = await fetch(`${setup.pipeline.server.url}/api/projects/${firstProject.id}/hog_functions/${id}/`, { headers: { authorization: `Bearer ${firstProject.key}` } })
  expect(await fetched.json()).toEqual(saved)
  expect(saved.inputs).toEqual({ ad_account_id: { value: ACCOUNT }, conversion_token: { secret: true }, debug_mode: { value: false }, test_mode: { value: true } })
  expect(setup.pipeline.server.store.functions.get(firstProject.id, id)?.secrets).toEqual({ conversion_token: TOKEN })
})
