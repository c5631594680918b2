import type { Page } from 'playwright-core'
import { ACCOUNT, createFunction, firstProject } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { dialogShown, type PageSetup, signIn, startPage, tabTo } from './helpers/page'

jest.setTimeout(90_000)

const FIRST_NAME = 'Shop before the rename'
const SECOND_NAME = 'Shop after the rename'
const NEW_TOKEN = 'pina_history_replaced_token_4f7a'
const PHONE = { width: 390, height: 844 }

let setup: PageSetup
let functionId: string

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${setup.pipeline.server.url}/api/projects/${firstProject.id}/hog_functions/${functionId}/${path}`, {
    ...init,
    headers: { authorization: `Bearer ${firstProject.key}`, 'content-type': 'application/json' },
  })
async function patch(body: unknown): Promise<void> {
  const response = await api('', { method: 'PATCH', body: JSON.stringify(body) })
  if (response.status !== 200) throw new Error(`PATCH answered ${response.status}`)
}
const overflow = (page: Page) => page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth') as Promise<number>
/** Each version's heading and its changes as "field: before → after" (or "field: changed"), as the page shows them. */
const shownVersions = (page: Page) =>
  page.getByTestId('history-version').evaluateAll((items) =>
    items.map((item) => ({
      title: item.querySelector('h3')?.textContent,
      changes: [...item.querySelectorAll('[data-testid="history-change"]')].map((c) => {
        const pres = [...c.querySelectorAll('pre')].map((p) => p.textContent)
        return `${c.querySelector('dt')?.textContent}: ${pres.length === 2 ? `${pres[0]} → ${pres[1]}` : c.querySelector('dd')?.textContent}`
      }),
    })),
  )

beforeAll(async () => {
  setup = await startPage('history')
  functionId = await createFunction(setup.pipeline.server, firstProject, { name: FIRST_NAME })
  await patch({ name: SECOND_NAME })
  await patch({ inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: NEW_TOKEN } } })
})
afterAll(() => setup?.close())

test('the History tab lists the three versions newest first with each changed field, the token only as changed', async () => {
  const { page } = setup
  await signIn(page)
  await page.goto(`/#/destinations/${functionId}/history`)
  await page.getByRole('heading', { name: 'Version 1' }).waitFor()
  // The created mappings are long: folded behind a disclosure (a summary, reachable by Tab).
  expect(await page.getByTestId('history-version').last().locator('details summary').allTextContents()).toEqual(['Show the change'])
  const versions = await shownVersions(page)
  expect(versions.map((v) => v.title)).toEqual(['Version 3', 'Version 2', 'Version 1'])
  expect(versions[0].changes).toEqual(['inputs.conversion_token: changed'])
  expect(versions[1].changes).toEqual([`name: ${FIRST_NAME} → ${SECOND_NAME}`])
  expect(versions[2].changes.slice(0, -1)).toEqual([
    `name: (none) → ${FIRST_NAME}`,
    'description: (none) → (empty)',
    'enabled: (none) → true',
    'deleted: (none) → false',
    `inputs.ad_account_id: (none) → ${ACCOUNT}`,
    'inputs.conversion_token: changed',
  ])
  expect(versions[2].changes.at(-1)).toMatch(/^mappings: \(none\) → \[\n {2}\{\n/)
  expect(await page.getByTestId('history-version').first().getByRole('button').count()).toBe(0)
  expect(await page.getByRole('button', { name: 'Revert to this version (version 2)' }).count()).toBe(1)
  expect(await page.getByRole('button', { name: 'Revert to this version (version 1)' }).count()).toBe(1)
  expect(await page.content()).not.toContain(NEW_TOKEN)
  expect(await page.locator('body').textContent()).not.toContain(NEW_TOKEN)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('history-tab')
  await page.setViewportSize(PHONE)
  expect(await overflow(page)).toBe(0)
  await setup.screenshot('history-tab-phone')
  await page.setViewportSize({ width: 1280, height: 800 })
  expect(setup.console.filter((line) => /Content Security Policy/i.test(line))).toEqual([])
})

test('reverting to version 1 by keyboard, once confirmed, adds version 4 on top and the Configuration tab shows the old name', async () => {
  const { page } = setup
  const dialogs: string[] = []
  page.once('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.accept()
  })
  await page.locator('body').focus()
  expect(await tabTo(page, '[data-testid="history-version"]:last-child button', 60)).toBe(true)
  await page.keyboard.press('Enter')
  await page.getByRole('heading', { name: 'Version 4' }).waitFor()
  expect(dialogs).toEqual(['Revert to version 1? It is saved again as a new version.'])
  await page.getByText('Reverted to version 1.').waitFor()
  const versions = await shownVersions(page)
  expect(versions.map((v) => v.title)).toEqual(['Version 4', 'Version 3', 'Version 2', 'Version 1'])
  expect(versions[0].changes).toEqual([`name: ${SECOND_NAME} → ${FIRST_NAME}`, 'inputs.conversion_token: changed'])
  expect(await page.content()).not.toContain(NEW_TOKEN)

  await page.getByRole('link', { name: 'Configuration', exact: true }).click()
  await expect(page.getByLabel('Destination name').inputValue()).resolves.toBe(FIRST_NAME)
  await expect(page.getByRole('heading', { level: 1 }).textContent()).resolves.toBe(FIRST_NAME)
  const fn = (await (await api('')).json()) as { name: string }
  expect(fn.name).toBe(FIRST_NAME)
})

test('a revert cancelled in the confirm, with unsaved changes, warns of them and changes nothing', async () => {
  const { page } = setup
  await page.getByLabel('Description').fill('An unsaved edit')
  await page.getByRole('link', { name: 'History', exact: true }).click()
  await page.getByText('You have unsaved changes: reverting discards them.').waitFor()
  const dialogs: string[] = []
  page.once('dialog', (dialog) => {
    dialogs.push(dialog.message())
    void dialog.dismiss()
  })
  await page.getByRole('button', { name: 'Revert to this version (version 2)' }).click()
  await dialogShown(page, dialogs)
  expect(dialogs).toEqual(['Revert to version 2? It is saved again as a new version. Your unsaved changes on this destination will be discarded.'])
  const body = (await (await api('activity/')).json()) as { results: unknown[] }
  expect(body.results).toHaveLength(4)
  expect(await page.getByTestId('history-version').count()).toBe(4)
})

test('past 20 versions the oldest come on "Older versions", after the ones shown', async () => {
  const { page } = setup
  for (let i = 1; i <= 17; i++) await patch({ description: `Edit ${i}` })
  await page.getByRole('link', { name: 'Configuration', exact: true }).click()
  await page.getByRole('link', { name: 'History', exact: true }).click()
  await page.getByRole('heading', { name: 'Version 21' }).waitFor()
  expect(await page.getByTestId('history-version').count()).toBe(20)
  await page.getByRole('button', { name: 'Older versions' }).click()
  await page.getByRole('heading', { name: 'Version 1', exact: true }).waitFor()
  const titles = (await shownVersions(page)).map((v) => v.title)
  expect(titles).toEqual(Array.from({ length: 21 }, (_, i) => `Version ${21 - i}`))
  expect(await page.getByRole('button', { name: 'Older versions' }).count()).toBe(0)
})
