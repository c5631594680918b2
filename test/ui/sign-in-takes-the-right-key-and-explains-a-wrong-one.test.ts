import { firstProject } from '../helpers/pipeline-server'
import { type PageSetup, readableStorage, startPage } from './helpers/page'

jest.setTimeout(60_000)

let setup: PageSetup

beforeAll(async () => {
  setup = await startPage('sign-in')
})

afterAll(async () => {
  await setup?.close()
})

test('a wrong key gets a clear message and no session', async () => {
  const { page } = setup
  await page.goto('/')
  await page.getByLabel('Personal API key').fill('phx_not_a_key_of_this_server')
  await page.getByRole('button', { name: 'Sign in' }).click()
  await expect(page.getByRole('alert').textContent()).resolves.toBe('That personal API key was not accepted. Check that you copied the whole key and that it has not been revoked.')
  await setup.screenshot('wrong-key')
  expect(await setup.context.cookies()).toEqual([])
  await expect(page.getByLabel('Personal API key').getAttribute('type')).resolves.toBe('password')
})

test('the right key opens the destinations; the session outlives a reload; the key is kept nowhere scripts can read', async () => {
  const { page } = setup
  await page.getByLabel('Personal API key').fill(firstProject.key)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Destinations' }).waitFor()
  await expect(page.locator('.project').textContent()).resolves.toBe('Default project')
  const stored = await readableStorage(page)
  expect(stored).toBe('[[],[],""]')
  expect(await page.content()).not.toContain(firstProject.key)
  await page.reload()
  await page.getByRole('heading', { name: 'Destinations' }).waitFor()
  await setup.screenshot('signed-in')
})

test('sign out ends the session: a reload shows the sign-in screen', async () => {
  const { page } = setup
  await page.getByRole('button', { name: 'Sign out' }).click()
  await page.getByLabel('Personal API key').waitFor()
  await page.reload()
  await page.getByLabel('Personal API key').waitFor()
  const answer = await page.evaluate("fetch('/api/ui/session').then((r) => r.status)")
  expect(answer).toBe(401)
})
