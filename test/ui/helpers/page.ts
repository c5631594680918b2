import path from 'node:path'
import type { Page } from 'playwright-core'
import { type BrowserSetup, startBrowser } from '../../helpers/browser'
import { firstProject } from '../../helpers/pipeline-server'
import type { ServerOptions } from '../../../src/server/server'
import { type BuiltUi, buildFixtureUi } from '../../helpers/ui-build'

export const TEMPLATE_ID = 'segment-actions-pinterest-conversions-api'
const ENTRY = path.join(__dirname, '..', '..', '..', 'src', 'ui', 'main.tsx')

export interface PageSetup extends BrowserSetup {
  built: BuiltUi
}

/** The real page, built as npm run build builds it, served by a pipelines server (with `server` options), in headless Chromium. */
export async function startPage(prefix: string, viewport?: { width: number; height: number }, server?: Partial<ServerOptions>): Promise<PageSetup> {
  const built = await buildFixtureUi(ENTRY)
  try {
    const browser = await startBrowser({ uiDir: built.dir, prefix, viewport, server })
    return {
      ...browser,
      built,
      close: async () => {
        await browser.close()
        built.remove()
      },
    }
  } catch (error) {
    built.remove()
    throw error
  }
}

export async function signIn(page: Page, key = firstProject.key): Promise<void> {
  await page.goto('/')
  await page.getByLabel('Personal API key').fill(key)
  await page.getByRole('button', { name: 'Sign in' }).click()
  await page.getByRole('heading', { name: 'Destinations' }).waitFor()
}

/** Everything scripts of the page can read back: both storages and the cookies not HttpOnly. */
export function readableStorage(page: Page): Promise<string> {
  return page.evaluate('JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])') as Promise<string>
}

/** Presses Tab until the focused element matches `selector` (at most `max` times); false when it never does. */
export async function tabTo(page: Page, selector: string, max = 30): Promise<boolean> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) === true`)) return true
  }
  return false
}

interface Focused {
  document: { activeElement: { getAttribute(name: string): string | null; textContent: string | null } | null }
}

/** Waits until the focused element's accessible text (aria-label, else its text) is `name`; fails after 5 s. */
export async function waitForFocusOn(page: Page, name: string): Promise<void> {
  await page.waitForFunction(
    (expected) => {
      const el = (globalThis as unknown as Focused).document.activeElement
      return (el?.getAttribute('aria-label') ?? el?.textContent) === expected
    },
    name,
    { timeout: 5000 },
  )
}

/**
 * Waits until the page has shown a dialog (handled by a listener that records its message in `messages`): a
 * click resolves once its events are dispatched, and the page may ask its question a moment later.
 */
export async function dialogShown(page: Page, messages: string[], timeoutMs = 10_000): Promise<void> {
  const started = Date.now()
  while (messages.length === 0 && Date.now() - started < timeoutMs) await page.waitForTimeout(25)
}
