import { ACCOUNT, firstProject, TOKEN } from '../helpers/pipeline-server'
import { type PageSetup, signIn, startPage, tabTo } from './helpers/page'

jest.setTimeout(60_000)

let setup: PageSetup

beforeAll(async () => {
  // The phone's screen: everything must still be reachable and readable there.
  setup = await startPage('keyboard-only', { width: 390, height: 844 })
  await signIn(setup.page)
})

afterAll(async () => {
  await setup?.close()
})

interface Styles {
  getComputedStyle(el: unknown): { outlineStyle: string }
}

const focusedId = () => setup.page.evaluate('document.activeElement.id') as Promise<string>

test('from the list to a created destination with Tab, typing, Space and Enter only', async () => {
  const { page, pipeline } = setup
  const { keyboard } = page
  await page.evaluate('document.activeElement.blur()')
  expect(await tabTo(page, 'a[href="#/new"]')).toBe(true)
  await keyboard.press('Enter')
  await page.getByLabel('Search destinations to add').waitFor()
  expect(await tabTo(page, '#template-search')).toBe(true)
  await keyboard.type('Pinterest')
  expect(await tabTo(page, 'a[aria-label="Configure Pinterest Conversions API"]')).toBe(true)
  await keyboard.press('Enter')
  await page.getByLabel('Ad account ID').waitFor()

  // The enable switch comes first; Space turns it off and on again.
  expect(await tabTo(page, '#enabled')).toBe(true)
  await keyboard.press('Space')
  await page.getByRole('button', { name: 'Create', exact: true }).waitFor()
  await keyboard.press('Space')
  await page.getByRole('button', { name: 'Create & enable' }).waitFor()

  await keyboard.press('Tab')
  expect(await focusedId()).toBe('name')
  await keyboard.press('ControlOrMeta+a')
  await keyboard.type('Keyboard shop')
  expect(await tabTo(page, '#inputs__ad_account_id')).toBe(true)
  await keyboard.type(ACCOUNT)
  await keyboard.press('Tab')
  expect(await focusedId()).toBe('inputs__conversion_token')
  await keyboard.type(TOKEN)
  await keyboard.press('Tab')
  expect(await focusedId()).toBe('inputs__debug_mode')
  await keyboard.press('Tab')
  expect(await focusedId()).toBe('inputs__test_mode')
  await keyboard.press('Space')
  // The focus ring shows where the keyboard is.
  await expect(page.locator('#inputs__test_mode').evaluate((el) => (globalThis as unknown as Styles).getComputedStyle(el).outlineStyle)).resolves.toBe('solid')
  await setup.screenshot('form-phone')
  expect(await tabTo(page, 'button[type=submit]')).toBe(true)
  await keyboard.press('Enter')
  await page.getByRole('button', { name: 'Replace' }).waitFor()

  const id = new URL(page.url()).hash.replace('#/destinations/', '')
  expect(pipeline.server.store.functions.get(firstProject.id, id)).toMatchObject({
    name: 'Keyboard shop',
    enabled: true,
    inputs: { ad_account_id: { value: ACCOUNT }, test_mode: { value: true }, debug_mode: { value: false } },
    secrets: { conversion_token: TOKEN },
  })
})

test('a saved token is replaced with the keyboard: Replace gives the focus to a new password field', async () => {
  const { page, pipeline } = setup
  expect(await tabTo(page, '#inputs__conversion_token-replace')).toBe(true)
  await page.keyboard.press('Enter')
  await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id === 'inputs__conversion_token')
  await page.keyboard.type('pina_second_token')
  expect(await tabTo(page, 'button[type=submit]')).toBe(true)
  await page.keyboard.press('Enter')
  await page.getByRole('button', { name: 'No changes' }).waitFor()
  const id = new URL(page.url()).hash.replace('#/destinations/', '')
  expect(pipeline.server.store.functions.get(firstProject.id, id)?.secrets).toEqual({ conversion_token: 'pina_second_token' })
})
