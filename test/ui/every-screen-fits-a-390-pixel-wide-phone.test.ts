import type { Locator, Page } from 'playwright-core'
import { createFunction, firstProject } from '../helpers/pipeline-server'
import { type PageSetup, signIn, startPage, TEMPLATE_ID } from './helpers/page'

jest.setTimeout(60_000)

const PHONE = { width: 390, height: 844 }
// A name with words and one without a break: both must wrap inside the screen.
const LONG_NAME = 'Pinterest Conversions API for the European web shop (checkout, search and add to cart), production account'
const UNBROKEN_NAME = 'pinterest_conversions_api_eu_webshop_production_549755885175_checkout'

let setup: PageSetup
let destinationId: string

beforeAll(async () => {
  setup = await startPage('phone', PHONE)
  destinationId = await createFunction(setup.pipeline.server, firstProject, { name: LONG_NAME })
  await createFunction(setup.pipeline.server, firstProject, { name: UNBROKEN_NAME })
})
afterAll(() => setup?.close())

/** How far the page is wider than the screen, in CSS pixels (0 when there is no horizontal scroll). */
function overflow(page: Page): Promise<number> {
  return page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth') as Promise<number>
}

/** Each control that is hidden or not wholly inside the screen's width once scrolled to, by its description. */
async function offScreen(controls: Record<string, Locator>): Promise<string[]> {
  const outside: string[] = []
  for (const [name, control] of Object.entries(controls)) {
    await control.scrollIntoViewIfNeeded()
    const box = await control.boundingBox()
    if (!box || !(await control.isVisible()) || box.x < 0 || box.x + box.width > PHONE.width || box.width === 0) outside.push(name)
  }
  return outside
}

test('the sign-in screen', async () => {
  const { page } = setup
  await page.goto('/')
  await page.getByLabel('Personal API key').waitFor()
  expect(await overflow(page)).toBe(0)
  expect(await offScreen({ key: page.getByLabel('Personal API key'), signIn: page.getByRole('button', { name: 'Sign in' }) })).toEqual([])
  await setup.screenshot('sign-in')
})

test('the destinations list, with long names', async () => {
  const { page } = setup
  await signIn(page)
  await page.getByRole('link', { name: UNBROKEN_NAME }).waitFor()
  expect(await overflow(page)).toBe(0)
  expect(
    await offScreen({
      newDestination: page.getByRole('link', { name: 'New destination' }),
      search: page.getByLabel('Search destinations'),
      showPaused: page.getByLabel('Show paused'),
      longName: page.getByRole('link', { name: LONG_NAME }),
      unbrokenName: page.getByRole('link', { name: UNBROKEN_NAME }),
      longNameMenu: page.getByRole('button', { name: `Actions for ${LONG_NAME}` }),
      unbrokenNameMenu: page.getByRole('button', { name: `Actions for ${UNBROKEN_NAME}` }),
    }),
  ).toEqual([])
  await setup.screenshot('destinations')
})

test('the catalogue', async () => {
  const { page } = setup
  await page.goto('/#/new')
  await page.getByRole('link', { name: 'Configure Pinterest Conversions API' }).waitFor()
  expect(await overflow(page)).toBe(0)
  expect(await offScreen({ search: page.getByLabel('Search destinations to add'), configure: page.getByRole('link', { name: 'Configure Pinterest Conversions API' }) })).toEqual([])
  await setup.screenshot('catalogue')
})

test('the new destination form', async () => {
  const { page } = setup
  await page.goto(`/#/new/${TEMPLATE_ID}`)
  await page.getByLabel('Ad account ID').waitFor()
  expect(await overflow(page)).toBe(0)
  expect(
    await offScreen({
      name: page.getByLabel('Destination name'),
      account: page.getByLabel('Ad account ID'),
      token: page.getByLabel('Conversion access token'),
      enable: page.getByRole('switch', { name: 'Enable destination' }),
      save: page.getByRole('button', { name: 'Create & enable' }),
    }),
  ).toEqual([])
  await setup.screenshot('new-destination')
})

test("a destination's configuration, with its long name and tabs", async () => {
  const { page } = setup
  await page.goto(`/#/destinations/${destinationId}`)
  await page.getByRole('heading', { name: LONG_NAME }).waitFor()
  expect(await overflow(page)).toBe(0)
  expect(
    await offScreen({
      title: page.getByRole('heading', { name: LONG_NAME }),
      configurationTab: page.getByRole('link', { name: 'Configuration' }),
      metricsTab: page.getByRole('link', { name: 'Metrics' }),
      account: page.getByLabel('Ad account ID'),
      save: page.getByRole('button', { name: 'No changes' }),
    }),
  ).toEqual([])
  await setup.screenshot('configure')
  expect(setup.console.filter((line) => line.includes('Content Security Policy'))).toEqual([])
})
