import { createFunction, firstProject } from '../../helpers/pipeline-server'
import { seriousViolations } from '../helpers/axe'
import { type PageSetup, signIn, startPage } from '../helpers/page'

jest.setTimeout(90_000)
let setup: PageSetup
const row = (id: number, replayable = true) => ({
  id, status: id % 2 ? 'failed' : 'gave_up', reason: 'rejected', last_error: 'Pinterest rejected the event: emulated failure with a long error message that goes on and on and on', attempts: 3, mapping: 'Checkout',
  event_id: `0190b2a4-1d3c-7a4b-9f3e-${id}`, event_name: 'checkout', event_uuid: `u-${id}`, distinct_id: 'person-1', first_seen_at: new Date().toISOString(), updated_at: new Date().toISOString(),
  event: { uuid: `u-${id}`, event: 'Order Completed', distinct_id: 'person-1', timestamp: new Date().toISOString() },
  payload: { event_name: 'checkout', action_source: 'web', event_id: `e-${id}`, user_data: { em: ['a'.repeat(64)], client_ip_address: '203.0.113.9' } },
  replayable, not_replayable_reason: replayable ? null : "outside Pinterest's 7-day window", replay_job_id: null,
})
test('smoke', async () => {
  setup = await startPage('smoke')
  const id = await createFunction(setup.pipeline.server, firstProject, { name: 'Smoke' })
  const { page } = setup
  await page.route(/deliveries\//, (r) => r.fulfill({ json: { count: 3, next: 'x', results: [row(1), row(2, false), row(3)], reasons: [{ reason: 'rejected', label: 'Pinterest rejected the event', count: 3 }] } }))
  let done = 0
  await page.route(/jobs\/$/, (r) => { done = Math.min(done + 1, 3); r.fulfill({ json: { results: [{ id: 'j1', kind: 'replay', status: done < 3 ? 'running' : 'completed', created_at: new Date().toISOString(), finished_at: null, created_by: { key_id: 'k', label: 'ci key' }, total: 3, done, failed: 0, left: 3 - done, failures: [{ reason: 'outside_window', label: "Outside Pinterest's 7-day window", count: 1 }], range: null }] } }) })
  await signIn(page)
  await page.goto(`/#/destinations/${id}/deliveries`)
  await page.getByTestId('delivery').first().waitFor()
  await page.getByTestId('delivery').first().locator('summary').click()
  await page.getByText('Backfill stored events').click()
  console.log(await seriousViolations(page))
  await page.screenshot({ path: '/tmp/smoke-wide.png', fullPage: true })
  await page.setViewportSize({ width: 390, height: 844 })
  console.log('overflow', await page.evaluate('document.scrollingElement.scrollWidth - document.scrollingElement.clientWidth'))
  await page.screenshot({ path: '/tmp/smoke-phone.png', fullPage: true })
  await page.getByText('3 done · 0 failed · 0 left of 3').waitFor({ timeout: 15000 })
  console.log(setup.console)
  await setup.close()
})
