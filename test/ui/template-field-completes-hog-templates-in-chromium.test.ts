import path from 'node:path'
import type { Page } from 'playwright-core'
import { type BrowserSetup, startBrowser } from '../helpers/browser'
import { type BuiltUi, buildFixtureUi } from '../helpers/ui-build'
import { seriousViolations } from './helpers/axe'
import { closeCompletions, fillTemplateField } from './helpers/template-field'

jest.setTimeout(60_000)

const ENTRY = path.join(__dirname, 'fixtures', 'template-field.tsx')
const ID = 'inputs__event_id'

let built: BuiltUi
let setup: BrowserSetup
let page: Page

beforeAll(async () => {
  built = await buildFixtureUi(ENTRY)
  setup = await startBrowser({ uiDir: built.dir, prefix: 'template-field' })
  page = setup.page
  await page.goto('/')
  await page.locator('.cm-content').waitFor()
})

afterAll(async () => {
  await setup?.close()
  built?.remove()
})

const value = () => page.locator('#value').textContent()
const focusedId = () => page.evaluate(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id ?? '')
const labels = () => page.locator('.cm-tooltip-autocomplete .cm-completionLabel').allTextContents()

/** The completion list's labels once they are `expected` (the list follows the typing a moment later), or as they are after 5 s. */
async function completions(expected: string[]): Promise<string[]> {
  const until = Date.now() + 5000
  let shown = await labels()
  while (JSON.stringify(shown) !== JSON.stringify(expected) && Date.now() < until) {
    await page.waitForTimeout(50)
    shown = await labels()
  }
  // CodeMirror takes Enter for the list only 75 ms after the list opened (its guard against typing on into it).
  await page.waitForTimeout(100)
  return shown
}

test('the editor is named by its label, focused by its id, and styled under the CSP without a <style> element', async () => {
  const field = page.getByRole('textbox', { name: 'Event ID (required)' })
  await expect(field.getAttribute('id')).resolves.toBe(ID)
  await expect(field.getAttribute('aria-describedby')).resolves.toBe(`${ID}-description`)
  await expect(field.getAttribute('aria-required')).resolves.toBe('true')
  await page.evaluate((id) => (globalThis as unknown as { document: { getElementById(id: string): { focus(): void } } }).document.getElementById(id).focus(), ID)
  await expect(focusedId()).resolves.toBe(ID)
  await expect(page.locator('.cm-editor').evaluate((el) => el.classList.contains('cm-focused'))).resolves.toBe(true)

  // CodeMirror's base theme is in force (it makes the editor a flex column), from an adopted sheet.
  const styling = await page.evaluate(() => {
    const d = (globalThis as any).document
    return { display: (globalThis as any).getComputedStyle(d.querySelector('.cm-editor')).display, styleElements: d.querySelectorAll('style').length, adopted: d.adoptedStyleSheets.length }
  })
  expect(styling).toEqual({ display: 'flex', styleElements: 0, adopted: 1 })
})

test('inside {…}, event.properties. offers the recent property names and Enter takes one', async () => {
  await fillTemplateField(page, 'Event ID', '{event.properties.$cu')
  expect(await completions(['$current_url'])).toEqual(['$current_url'])
  await page.keyboard.press('Enter')
  await page.keyboard.type('}')
  await expect(value()).resolves.toBe('{event.properties.$current_url}')
  await expect(page.locator('.cm-content').textContent()).resolves.toBe('{event.properties.$current_url}')
})

test('a name that is no identifier is written with brackets; person.properties. offers person properties', async () => {
  await fillTemplateField(page, 'Event ID', '{event.properties.Order')
  expect(await completions(['Order ID', 'order_id'])).toEqual(['Order ID', 'order_id'])
  await page.keyboard.press('Enter')
  await page.keyboard.type(' ?? person.properties.em')
  expect(await completions(['email'])).toEqual(['email'])
  await page.keyboard.press('Enter')
  await page.keyboard.type('}')
  await expect(value()).resolves.toBe("{event.properties['Order ID'] ?? person.properties.email}")
})

test('event. offers its fields; Escape closes the list and the focus stays', async () => {
  await fillTemplateField(page, 'Event ID', '{event.')
  expect(await completions(['event', 'uuid', 'distinct_id', 'timestamp', 'properties', 'elements_chain', 'url'])).toEqual([
    'event',
    'uuid',
    'distinct_id',
    'timestamp',
    'properties',
    'elements_chain',
    'url',
  ])
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('completion')
  await page.keyboard.press('Escape')
  await expect(page.locator('.cm-tooltip-autocomplete').count()).resolves.toBe(0)
  await expect(focusedId()).resolves.toBe(ID)
  await page.keyboard.type('distinct_id}')
  await expect(value()).resolves.toBe('{event.distinct_id}')
})

test('Tab moves the focus out of the field and back; an unclosed brace is pointed out once the field is left', async () => {
  await fillTemplateField(page, 'Event ID', '{event.uuid')
  await closeCompletions(page)
  await page.keyboard.press('Tab')
  await expect(focusedId()).resolves.toBe('after')
  await expect(value()).resolves.toBe('{event.uuid')
  const field = page.locator(`#${ID}`)
  await expect(page.locator(`#${ID}-error`).textContent()).resolves.toBe('A "{" is not closed: end the expression with "}".')
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true')
  await page.keyboard.press('Shift+Tab')
  await expect(focusedId()).resolves.toBe(ID)
  await page.keyboard.press('End')
  await page.keyboard.type('}')
  await page.keyboard.press('Tab')
  await expect(page.locator(`#${ID}-error`).count()).resolves.toBe(0)
  await expect(field.getAttribute('aria-invalid')).resolves.toBeNull()
})

test("the server's error shows under the field and is tied to it; a value set from outside replaces the text", async () => {
  await page.click('#set-error')
  const field = page.locator(`#${ID}`)
  await expect(field.getAttribute('aria-invalid')).resolves.toBe('true')
  await expect(field.getAttribute('aria-describedby')).resolves.toBe(`${ID}-description ${ID}-error`)
  await expect(page.locator(`#${ID}-error`).textContent()).resolves.toBe('Syntax error at 1:7: no viable alternative.')
  expect(await seriousViolations(page)).toEqual([])
  await setup.screenshot('server-error')
  await page.setViewportSize({ width: 390, height: 844 })
  await expect(page.evaluate(() => (globalThis as any).document.documentElement.scrollWidth)).resolves.toBeLessThanOrEqual(390)
  await setup.screenshot('narrow')
  await page.setViewportSize({ width: 1280, height: 800 })

  await page.click('#reset')
  await expect(page.locator('.cm-content').textContent()).resolves.toBe('{person.properties.email}')
  await expect(value()).resolves.toBe('{person.properties.email}')
})

test('nothing was refused by the CSP and no script failed', () => {
  expect(setup.console.filter((line) => /Content Security Policy|Refused to|pageerror|^error/i.test(line))).toEqual([])
})
