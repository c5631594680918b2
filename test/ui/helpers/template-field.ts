import type { Locator, Page } from 'playwright-core'

/**
 * Replaces the text of the template field labelled `label` inside `scope` as a user does: click into it,
 * select everything, type. Works alike for a plain text area and for a code editor (a contenteditable).
 */
export async function fillTemplateField(scope: Page | Locator, label: string, text: string): Promise<void> {
  const field = scope.getByLabel(label, { exact: true })
  const page = 'page' in scope ? scope.page() : scope
  await field.click()
  await page.keyboard.press('Control+A')
  if (text === '') await page.keyboard.press('Delete')
  else await page.keyboard.type(text)
}
