import { seriousViolations } from './helpers/axe'
import { type PageSetup, signIn, startPage, TEMPLATE_ID } from './helpers/page'

jest.setTimeout(60_000)

let setup: PageSetup
beforeAll(async () => {
  setup = await startPage('axe')
})
afterAll(() => setup?.close())

test('the check reports a serious violation when the page has one', async () => {
  const { page } = setup
  await page.goto('/')
  await page.getByLabel('Personal API key').waitFor()
  await page.evaluate('document.body.appendChild(Object.assign(document.createElement("input"), { type: "text", id: "unlabelled" }))')
  const found = await seriousViolations(page)
  expect(found.some((line) => line.startsWith('label:') && line.includes('#unlabelled'))).toBe(true)
})

test('sign-in, destinations list, catalogue and the new destination form have no serious or critical violations', async () => {
  const { page } = setup
  await page.goto('/')
  await page.getByLabel('Personal API key').waitFor()
  expect(await seriousViolations(page)).toEqual([])

  await signIn(page)
  expect(await seriousViolations(page)).toEqual([])

  await page.goto('/#/new')
  await page.getByRole('heading', { name: 'New destination' }).waitFor()
  expect(await seriousViolations(page)).toEqual([])

  await page.goto(`/#/new/${TEMPLATE_ID}`)
  await page.getByLabel('Ad Account ID').waitFor()
  expect(await seriousViolations(page)).toEqual([])
})
