import type { Locator, Page } from 'playwright-core'

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

/** The field labelled `label`, whose accessible name may end in " (required)". */
export function templateField(scope: Page | Locator, label: string): Locator {
  return scope.getByLabel(new RegExp(`^${escapeRegExp(label)}( \\(required\\))?$`))
}

/**
 * Replaces the text of the template field labelled `label` inside `scope` as a user does: click into it,
 * select everything, type. Works alike for a plain text area and for a code editor (a contenteditable).
 */
export async function fillTemplateField(scope: Page | Locator, label: string, text: string): Promise<void> {
  const field = templateField(scope, label)
  const page = 'page' in scope ? scope.page() : scope
  await field.click()
  await page.keyboard.press('Control+A')
  if (text === '') await page.keyboard.press('Delete')
  else await page.keyboard.type(text)
}

/** The text of the template field labelled `label`: a text area's value, or a code editor's text. */
export function templateFieldText(scope: Page | Locator, label: string): Promise<string> {
  return templateField(scope, label).evaluate((el) => ('value' in el ? String((el as { value: unknown }).value) : (el.textContent ?? '')))
}

/** Presses Tab until `target` has the focus (at most `max` times); false when it never does. */
export async function tabToField(page: Page, target: Locator, max = 30): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await target.evaluate((el) => el === el.ownerDocument.activeElement)) return true
  }
  return false
}

/** Closes the completion list of the focused template field, if one is open. */
export async function closeCompletions(page: Page): Promise<void> {
  if (await page.locator('.cm-tooltip-autocomplete').isVisible()) await page.keyboard.press('Escape')
}
