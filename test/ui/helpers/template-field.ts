import type { Page } from 'playwright-core'

/**
 * Types `text` into the Hog template field labelled `label` (a CodeMirror editor, not an input: Playwright's
 * fill does not apply), replacing what it held. A completion list that the typing opened is left open.
 */
export async function fillTemplateField(page: Page, label: string, text: string): Promise<void> {
  const field = page.getByLabel(label, { exact: false })
  await field.click()
  await page.keyboard.press('ControlOrMeta+a')
  await page.keyboard.press('Backspace')
  await page.keyboard.type(text)
}

/** Closes the completion list of the focused template field, if one is open. */
export async function closeCompletions(page: Page): Promise<void> {
  if (await page.locator('.cm-tooltip-autocomplete').isVisible()) await page.keyboard.press('Escape')
}
