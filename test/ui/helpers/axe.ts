import fs from 'node:fs'
import type { Page } from 'playwright-core'

const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8')

interface AxeWindow {
  axe: {
    run(context: unknown, options: unknown): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }>
  }
  document: unknown
}

/**
 * axe-core's serious and critical violations on the page as it is now, one line each (`rule: help — targets`).
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern, so the page keeps
 * its real policy while it is checked.
 */
export async function seriousViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE)
  return page.evaluate(async () => {
    const w = globalThis as unknown as AxeWindow
    const result = await w.axe.run(w.document, { resultTypes: ['violations'] })
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
  })
}
