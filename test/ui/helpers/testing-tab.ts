import type { Page } from 'playwright-core'
import { createFunction, firstProject } from '../../helpers/pipeline-server'
import type { PageSetup } from './page'

/** Checkout, Search and Add to Cart as a destination stores them: none of them takes a page view. */
export const SHOP_MAPPINGS = [
  { name: 'Checkout', filters: { events: [{ id: 'Order Completed', name: 'Order Completed', type: 'events' }] }, inputs: { event_name: { value: 'checkout' } } },
  { name: 'Search', filters: { events: [{ id: 'Products Searched', name: 'Products Searched', type: 'events' }] }, inputs: { event_name: { value: 'search' } } },
  { name: 'Add to Cart', filters: { events: [{ id: 'Product Added', name: 'Product Added', type: 'events' }] }, inputs: { event_name: { value: 'add_to_cart' } } },
]

/** A Pinterest destination with the shop's three mappings, created through the REST API; the page is on its Testing tab. */
export async function openTestingTab(setup: PageSetup, extra: Record<string, unknown> = {}): Promise<string> {
  const id = await createFunction(setup.pipeline.server, firstProject, { name: 'Shop', mappings: SHOP_MAPPINGS, ...extra })
  await setup.page.goto(`/#/destinations/${id}/testing`)
  await setup.page.getByLabel('Event (JSON)').waitFor()
  return id
}

/** Presses `button` (Test or Send test event) and waits until the page has shown the answer; returns the answer's status. */
export async function run(page: Page, button: 'Test' | 'Send test event' = 'Test'): Promise<number> {
  const [response] = await Promise.all([page.waitForResponse((r) => r.url().includes('/invocations')), page.getByRole('button', { name: button, exact: true }).click()])
  // While it runs the button says "Testing…" or "Sending…": back to its name, the answer is on the page.
  await page.getByRole('button', { name: button, exact: true }).waitFor()
  return response.status()
}

/** The Pinterest event the page shows for a mapping, parsed from its text. */
export async function shownEvent(page: Page, mapping: string): Promise<Record<string, unknown>> {
  return JSON.parse((await page.getByRole('region', { name: `Pinterest event of ${mapping}` }).textContent()) ?? 'null')
}

/** What the page shows of a mapping's result: its status label and its reason (empty when none). */
export async function shownMapping(page: Page, mapping: string): Promise<{ status: string; reason: string }> {
  const card = page.locator('.testing-mapping').filter({ has: page.getByRole('heading', { name: mapping, exact: true }) })
  const reason = card.locator('.testing-reason')
  return { status: (await card.locator('.badge').textContent()) ?? '', reason: (await reason.count()) > 0 ? ((await reason.textContent()) ?? '') : '' }
}
