import type { Dialog, Page } from 'playwright-core'
import { LEAVE_QUESTION } from '../../src/ui/leave-guard'
import { capture, createFunction, firstProject, until } from '../helpers/pipeline-server'
import { seriousViolations } from './helpers/axe'
import { functionByApi, mappingItem } from './helpers/mappings'
import { type PageSetup, signIn, startPage, tabTo } from './helpers/page'
import { fillTemplateField, tabToField, templateField, templateFieldText } from './helpers/template-field'

jest.setTimeout(60_000)

let setup: PageSetup
beforeAll(async () => {
  setup = await startPage('mappings')
  await signIn(setup.page)
})
afterAll(() => setup?.close())

/** A new destination (the default mappings), its Mappings tab open in the page. */
async function openMappings(page: Page): Promise<string> {
  const id = await createFunction(setup.pipeline.server, firstProject)
  // Changes a failed test left unsaved must not keep the next test on its destination.
  const leave = (dialog: Dialog) => void dialog.accept()
  page.on('dialog', leave)
  await page.goto('/#/')
  await page.getByRole('heading', { name: 'Destinations' }).waitFor()
  page.off('dialog', leave)
  await page.goto(`/#/destinations/${id}/mappings`)
  await page.getByRole('heading', { name: 'Mappings' }).waitFor()
  // A toast outlives hash navigation: one left by the last test's save would answer this test's wait for its own.
  const toast = page.locator('.toast')
  if ((await toast.count()) > 0)
    await toast
      .getByRole('button', { name: 'Dismiss' })
      .click({ timeout: 2000 })
      .catch(() => undefined)
  await toast.waitFor({ state: 'detached' })
  return id
}

async function save(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save changes' }).click()
  await page.getByText('Changes saved.').waitFor()
}

/** What each row of the tab shows: name, summary, and whether its switch is on. */
function shownRows(page: Page) {
  return page
    .locator('li.mapping')
    .evaluateAll((items) =>
      items.map((li) => [
        li.querySelector('.mapping-toggle')?.textContent?.replace(/^[▸▾]/, ''),
        li.querySelector('.mapping-summary')?.textContent,
        (li.querySelector('input[role=switch]') as unknown as { checked: boolean }).checked,
      ]),
    )
}

test('the tab lists the default mappings with triggers and action sources; one switched off is stored disabled, as the page shows', async () => {
  const { page } = setup
  const id = await openMappings(page)
  const rows = await shownRows(page)
  expect(rows.slice(0, 3)).toEqual([
    ['Checkout', 'TriggerOrder CompletedAction sourceWeb', true],
    ['Search', 'TriggerProducts SearchedAction sourceWeb', true],
    ['Add to Cart', 'TriggerProduct AddedAction sourceWeb', true],
  ])
  expect(rows).toHaveLength(16)
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('tab')

  await page.getByRole('switch', { name: 'Send events through Search' }).uncheck()
  await expect(mappingItem(page, 'Search').locator('.badge').textContent()).resolves.toBe('Off')
  await save(page)
  const stored = (await functionByApi(setup.pipeline.server, id)).mappings
  expect(stored.map((m) => m.disabled)).toEqual(stored.map((m) => m.name === 'Search'))
  // App events take their source from the event ($os), as a template; the others are all web.
  const source = (value: unknown) => (value === 'web' ? 'Web' : value)
  const fromApi = stored.map((m) => [m.name, `Trigger${m.filters?.events?.map((e) => e.name).join(', ')}Action source${source(m.inputs.action_source.value)}`, !m.disabled])
  expect(fromApi.filter((row) => !row[1].toString().endsWith('Web')).map((row) => row[0])).toEqual(['App Install', 'App Open'])
  expect(await shownRows(page)).toEqual(fromApi)
})

test('an expanded mapping shows its event name, action source and templated inputs with their defaults, and passes axe', async () => {
  const { page } = setup
  await openMappings(page)
  await page.getByRole('button', { name: 'Checkout', exact: true }).click()
  const checkout = mappingItem(page, 'Checkout')
  await expect(checkout.getByLabel('Event name', { exact: true }).inputValue()).resolves.toBe('checkout')
  await expect(checkout.getByLabel('Action source').inputValue()).resolves.toBe('web')
  await expect(templateFieldText(checkout, 'Event time')).resolves.toBe('{event.timestamp}')
  await expect(templateFieldText(checkout, 'User data: email')).resolves.toBe('{person.properties.email ?? event.properties.email}')
  await expect(templateFieldText(checkout, 'Custom data: value')).resolves.toBe('{event.properties.value ?? event.properties.revenue ?? event.properties.total ?? event.properties.price}')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('expanded')
})

test('a mapping can be expanded, switched and edited by keyboard alone', async () => {
  const { page } = setup
  const id = await openMappings(page)
  await page.getByRole('link', { name: 'Mappings' }).focus()
  expect(await tabTo(page, '#mapping-m3-toggle', 20)).toBe(true)
  await page.keyboard.press('Enter')
  const cart = mappingItem(page, 'Add to Cart')
  await cart.getByLabel('Mapping name').waitFor()
  await page.keyboard.press('Tab')
  await page.keyboard.press('Space')
  await expect(cart.getByRole('switch').isChecked()).resolves.toBe(false)
  expect(await tabTo(page, '#mapping-m3-input-action_source', 10)).toBe(true)
  await page.keyboard.press('End')
  expect(await tabToField(page, templateField(cart, 'Event time'), 10)).toBe(true)
  await page.keyboard.press('Control+A')
  await page.keyboard.type('{event.properties.sent_at}')
  // Closes a completion list a code editor may have opened, so that Tab moves on.
  await page.keyboard.press('Escape')
  expect(await tabTo(page, 'button[type=submit]', 200)).toBe(true)
  await page.keyboard.press('Enter')
  await page.getByText('Changes saved.').waitFor()
  const stored = (await functionByApi(setup.pipeline.server, id)).mappings[2]
  expect([stored.name, stored.disabled, stored.inputs.action_source, stored.inputs.event_time]).toEqual(['Add to Cart', true, { value: 'offline' }, { value: '{event.properties.sent_at}' }])
})

test('rename, duplicate and remove are saved, and the page shows what the API holds', async () => {
  const { page } = setup
  const id = await openMappings(page)
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  await mappingItem(page, 'Search').getByLabel('Mapping name').fill('Site search')
  await page.getByRole('button', { name: 'Checkout', exact: true }).click()
  await page.getByRole('button', { name: 'Duplicate Checkout' }).click()
  await fillTemplateField(mappingItem(page, 'Checkout (copy)'), 'Event source URL', '{event.properties.$pathname}')
  await page.getByRole('button', { name: 'Add to Cart', exact: true }).click()
  await page.getByRole('button', { name: 'Remove Add to Cart' }).click()
  await save(page)
  const stored = (await functionByApi(setup.pipeline.server, id)).mappings
  expect(stored.slice(0, 4).map((m) => m.name)).toEqual(['Checkout', 'Checkout (copy)', 'Site search', 'Page Visit'])
  expect(stored).toHaveLength(16)
  expect(stored[1].filters).toEqual(stored[0].filters)
  expect(stored[1].inputs.event_source_url).toEqual({ value: '{event.properties.$pathname}' })
  expect(stored[0].inputs.event_source_url).toEqual({ value: '{event.properties.$current_url}' })
  expect((await shownRows(page)).map((row) => row[0])).toEqual(stored.map((m) => m.name))
  await expect(page.getByRole('button', { name: 'No changes' }).isDisabled()).resolves.toBe(true)
})

test('server errors on mapping fields land at those fields, on the Mappings tab even when saved from Configuration', async () => {
  const { page } = setup
  const id = await openMappings(page)
  await page.getByRole('button', { name: 'Checkout', exact: true }).click()
  const checkout = mappingItem(page, 'Checkout')
  await checkout.getByLabel('Mapping name').fill('Chekout')
  const renamed = mappingItem(page, 'Chekout')
  await renamed.getByRole('button', { name: 'Add user data key' }).click()
  await page.keyboard.type('emial')
  await fillTemplateField(renamed, 'User data: emial', '{person.properties.email}')

  await page.getByRole('link', { name: 'Configuration' }).click()
  await page.getByRole('heading', { name: 'Basic settings' }).waitFor()
  await page.getByRole('button', { name: 'Save changes' }).click()
  await page.waitForURL(`**/#/destinations/${id}/mappings`)
  const name = renamed.getByLabel('Mapping name')
  await expect(renamed.locator('[data-field="mapping-m1-name"] .error-message').textContent()).resolves.toBe(
    'not a prebuilt mapping; did you mean Checkout? (a custom mapping needs a name unlike the prebuilt ones)',
  )
  await expect(name.getAttribute('aria-invalid')).resolves.toBe('true')
  await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } } }).document.activeElement.id === 'mapping-m1-name')
  // The default user data has 15 keys: the one added is the 16th.
  const key = renamed.locator('#mapping-m1-input-user_data-key-15')
  await expect(key.inputValue()).resolves.toBe('emial')
  await expect(key.getAttribute('aria-invalid')).resolves.toBe('true')
  await expect(renamed.locator('#mapping-m1-input-user_data-key-15-error').textContent()).resolves.toBe('a key is not known; did you mean email?')
  // Nothing was saved, and fixing the field clears its error.
  expect((await functionByApi(setup.pipeline.server, id)).mappings[0].name).toBe('Checkout')
  await name.fill('Checkout')
  const fixed = mappingItem(page, 'Checkout')
  await expect(fixed.locator('[data-field="mapping-m1-name"] .error-message').count()).resolves.toBe(0)
  await fixed.getByRole('button', { name: 'Remove User data emial' }).click()
  await expect(page.getByRole('button', { name: 'No changes' }).isDisabled()).resolves.toBe(true)
})

test('a prebuilt mapping not present is added back with its trigger; the trigger picker offers the events seen in the project', async () => {
  const { page } = setup
  await capture(setup.pipeline.server, firstProject, [{ event: 'Store Visit', distinct_id: 'visitor-1', uuid: '0193c000-0000-7000-8000-000000000777', properties: {} }])
  const id = await openMappings(page)
  await expect(page.getByLabel('Mapping', { exact: true }).count()).resolves.toBe(0)
  await page.getByRole('button', { name: 'Lead', exact: true }).click()
  await page.getByRole('button', { name: 'Remove Lead' }).click()
  await page.getByRole('button', { name: 'New mapping' }).click()
  const offered = await page.locator('#new-mapping-template option').allTextContents()
  expect(offered).toContain('Lead')
  expect(offered).not.toContain('Checkout')
  await page.getByLabel('Mapping', { exact: true }).selectOption('Lead')
  await expect(page.locator('.new-mapping .event-chip').allTextContents()).resolves.toEqual(['Lead Generated×'])
  await expect(page.locator('#new-mapping-events-known option').evaluateAll((options) => options.map((o) => o.getAttribute('value')))).resolves.toContain('Store Visit')
  await page.getByLabel('Event that triggers the new mapping').fill('Store Visit')
  await page.getByRole('button', { name: 'Add event' }).click()
  await page.getByRole('button', { name: 'Add mapping' }).click()
  // A custom Pinterest event name instead of a standard one.
  const lead = mappingItem(page, 'Lead')
  await lead.getByLabel('Event name', { exact: true }).selectOption({ label: 'Custom name…' })
  await lead.getByLabel('Custom event name').fill('store_lead')
  await save(page)
  const stored = (await functionByApi(setup.pipeline.server, id)).mappings.at(-1)
  expect([stored?.name, stored?.filters?.events?.map((e) => e.name), stored?.inputs.event_name]).toEqual(['Lead', ['Lead Generated', 'Store Visit'], { value: 'store_lead' }])
  // Saving keeps open what was open, though the mappings moved.
  await expect(page.getByRole('button', { name: 'Lead', exact: true }).getAttribute('aria-expanded')).resolves.toBe('true')
  await expect(page.getByRole('button', { name: 'Subscribe', exact: true }).getAttribute('aria-expanded')).resolves.toBe('false')
})

test("the server's compile error of a template shows at its field", async () => {
  const { page } = setup
  await openMappings(page)
  await page.getByRole('button', { name: 'Search', exact: true }).click()
  const search = mappingItem(page, 'Search')
  await fillTemplateField(search, 'Event time', '{event.timestamp')
  await page.getByRole('button', { name: 'Save changes' }).click()
  await search.getByText("invalid template at position 16: no viable alternative at input 'event.timestamp'", { exact: true }).waitFor()
  await fillTemplateField(search, 'Event time', '{event.timestamp}')
  await expect(search.getByText('invalid template', { exact: false }).count()).resolves.toBe(0)
  await expect(page.getByRole('button', { name: 'No changes' }).isDisabled()).resolves.toBe(true)
})

test('unsaved mapping changes survive moving to Configuration and back, and leaving the destination asks first', async () => {
  const { page } = setup
  const id = await openMappings(page)
  await page.getByRole('switch', { name: 'Send events through Lead' }).uncheck()
  await page.getByRole('button', { name: 'Lead', exact: true }).click()
  await mappingItem(page, 'Lead').getByLabel('Action source').selectOption('app_ios')
  await page.getByRole('link', { name: 'Configuration' }).click()
  await page.getByRole('heading', { name: 'Basic settings' }).waitFor()
  await page.getByText('Unsaved changes').waitFor()
  await page.getByRole('link', { name: 'Mappings' }).click()
  const lead = mappingItem(page, 'Lead')
  await expect(lead.getByRole('switch').isChecked()).resolves.toBe(false)
  await expect(lead.locator('.mapping-summary').textContent()).resolves.toBe('TriggerLead GeneratedAction sourceiOS app')

  const asked: string[] = []
  let dismissed: Promise<void> | undefined
  page.once('dialog', (dialog) => {
    asked.push(dialog.message())
    dismissed = dialog.dismiss()
  })
  await page.getByRole('link', { name: 'Back to destinations' }).click()
  expect(await until(() => dismissed !== undefined, 5000)).toBe(true)
  await dismissed
  expect(asked).toEqual([LEAVE_QUESTION])
  // The hash has already changed when the question shows; the page puts it back once the answer is no.
  const stayed = () => page.url().includes(`#/destinations/${id}/mappings`)
  expect(await until(stayed, 5000)).toBe(true)
  await expect(lead.getByRole('switch').isChecked()).resolves.toBe(false)
})

test('on a phone the tab, an expanded mapping and the new mapping panel fit the width, and the panel passes axe', async () => {
  const { page } = setup
  await page.setViewportSize({ width: 390, height: 844 })
  try {
    await openMappings(page)
    await page.getByRole('button', { name: 'Checkout', exact: true }).click()
    await page.getByRole('button', { name: 'New mapping' }).click()
    await page.getByLabel('Mapping', { exact: true }).selectOption('Report Conversions Event')
    await page.getByLabel('Event that triggers the new mapping').waitFor()
    expect(await page.evaluate('document.documentElement.scrollWidth <= document.documentElement.clientWidth')).toBe(true)
    expect(await seriousViolations(page)).toEqual([])
    await setup.screenshot('phone')
    await page.getByRole('button', { name: 'Cancel' }).click()
  } finally {
    await page.setViewportSize({ width: 1280, height: 800 })
  }
  expect(setup.console.filter((line) => line.includes('Content Security Policy'))).toEqual([])
})
