import { AlertMonitor } from '../../src/server/alerts/monitor'
import { type AlertFacts, evaluate, lastHour } from '../../src/server/alerts/conditions'
import { type FunctionStatus, HEALTHY } from '../../src/server/function-status'
import type { AlertSettings } from '../../src/store/types'
import { startReceiver } from '../helpers/webhook-receiver'
import { openServerStore } from '../helpers/server-store'

const NOW = Date.parse('2026-03-02T10:15:00.000Z')
const MINUTE = 60_000

const settings: AlertSettings = {
  function_id: 'fn',
  project_id: 1,
  enabled: true,
  webhook_url: 'https://hooks.example.com/x',
  failure_share: { enabled: true, percent: 10 },
  no_deliveries: { enabled: true, minutes: 30 },
  degraded: { enabled: true },
  updated_at: '2026-03-02T00:00:00.000Z',
}

const DEGRADED: FunctionStatus = {
  state: 2,
  rating: 0,
  tokens: 0,
  reason: 'Pinterest refused it.',
  held_since: '2026-03-02T10:00:00.000Z',
  held_deliveries: 7,
  http_status: 401,
  fix: ['conversion_token', 'ad_account_id'],
}

const facts = (over: Partial<AlertFacts> = {}): AlertFacts => ({
  nowMs: NOW,
  metrics: [],
  deliveries: { pending: 0, oldestPendingAt: null, lastDeliveredAt: null },
  status: HEALTHY,
  ...over,
})

const verdict = (kind: string, s: AlertSettings, f: AlertFacts) => evaluate(s, f).find((v) => v.kind === kind)

describe('the failure share of the last hour', () => {
  it('counts the current hour whole and the part of the previous hour still inside the 60 minutes', () => {
    const metrics = [
      { hour: '2026-03-02T09:00:00.000Z', name: 'failed', count: 40 },
      { hour: '2026-03-02T09:00:00.000Z', name: 'succeeded', count: 100 },
      { hour: '2026-03-02T10:00:00.000Z', name: 'gave_up', count: 5 },
      { hour: '2026-03-02T10:00:00.000Z', name: 'succeeded', count: 20 },
      { hour: '2026-03-02T10:00:00.000Z', name: 'skipped', count: 1000 },
      { hour: '2026-03-02T08:00:00.000Z', name: 'failed', count: 1000 },
    ]
    // 10:15: 45 of the previous hour's 60 minutes are in the window.
    expect(lastHour(metrics, NOW)).toEqual({ failed: 35, delivered: 95 })
  })

  it('holds at or above the threshold once 20 events were delivered or failed, not below either', () => {
    const at = (failed: number, succeeded: number) =>
      verdict(
        'failure_share',
        settings,
        facts({
          metrics: [
            { hour: '2026-03-02T10:00:00.000Z', name: 'failed', count: failed },
            { hour: '2026-03-02T10:00:00.000Z', name: 'succeeded', count: succeeded },
          ],
        }),
      )
    expect(at(2, 18)).toEqual({ kind: 'failure_share', holds: true, figures: { kind: 'failure_share', failed: 2, total: 20, percent: 10, threshold: 10 } })
    expect(at(1, 18)?.holds).toBe(false)
    expect(at(19, 0)?.holds).toBe(false)
    expect(at(2, 19)?.holds).toBe(false)
  })
})

describe('no deliveries while events wait', () => {
  it('holds once the oldest waiting delivery and the last delivery are both the threshold old', () => {
    const at = (oldestMinutes: number, lastMinutes: number | null, pending = 4) =>
      verdict('no_deliveries', settings, facts({ deliveries: { pending, oldestPendingAt: NOW - oldestMinutes * MINUTE, lastDeliveredAt: lastMinutes === null ? null : NOW - lastMinutes * MINUTE } }))
    expect(at(31, null)).toEqual({ kind: 'no_deliveries', holds: true, figures: { kind: 'no_deliveries', waiting: 4, quiet_minutes: 31, threshold: 30 } })
    expect(at(40, 30)?.figures).toEqual({ kind: 'no_deliveries', waiting: 4, quiet_minutes: 30, threshold: 30 })
    expect(at(40, 30)?.holds).toBe(true)
    expect(at(29, null)?.holds).toBe(false)
    expect(at(40, 29)?.holds).toBe(false)
    expect(at(40, null, 0)?.holds).toBe(false)
  })

  it('leaves a destination held for its credentials to the degraded condition, unless that one is off', () => {
    const stalled = facts({ deliveries: { pending: 7, oldestPendingAt: NOW - 60 * MINUTE, lastDeliveredAt: null }, status: DEGRADED })
    expect(evaluate(settings, stalled).map((v) => [v.kind, v.holds])).toEqual([
      ['failure_share', false],
      ['no_deliveries', false],
      ['degraded', true],
    ])
    expect(evaluate({ ...settings, degraded: { enabled: false } }, stalled).map((v) => [v.kind, v.holds])).toEqual([
      ['failure_share', false],
      ['no_deliveries', true],
    ])
  })
})

test('degraded holds with the held count and the reason; conditions switched off are not evaluated', () => {
  expect(verdict('degraded', settings, facts({ status: DEGRADED }))).toEqual({ kind: 'degraded', holds: true, figures: { kind: 'degraded', held: 7, reason: 'Pinterest refused it.' } })
  expect(verdict('degraded', settings, facts())?.holds).toBe(false)
  expect(evaluate({ ...settings, failure_share: { enabled: false, percent: 10 }, no_deliveries: { enabled: false, minutes: 30 }, degraded: { enabled: false } }, facts({ status: DEGRADED }))).toEqual(
    [],
  )
})

test('the monitor evaluates and sends by itself every interval', async () => {
  const store = openServerStore(':memory:')
  const receiver = await startReceiver()
  store.projects.create('Shop')
  const fn = store.functions.insert(
    {
      id: 'fn-held',
      project_id: 1,
      type: 'destination',
      name: 'Held shop',
      description: '',
      enabled: true,
      deleted: false,
      template_id: 't',
      inputs: {},
      secrets: { conversion_token: 'pina_token' },
      mappings: [],
      filters: null,
    },
    { actor: { key_id: null, label: 'test' } },
  )
  store.alerts.save({ ...settings, function_id: fn.id, webhook_url: receiver.url('/hook') }, Date.now())
  store.holds.hold({ function_id: fn.id, project_id: 1, credentials_version: fn.credentials_version, http_status: 403, reason: 'ad account refused (403)', held_at: Date.now() })
  const monitor = new AlertMonitor(store, { intervalMs: 20, log: () => undefined })
  monitor.start()
  try {
    const started = Date.now()
    while (receiver.taken('/hook').length === 0 && Date.now() - started < 10_000) await new Promise((resolve) => setTimeout(resolve, 20))
    // Many intervals later, still the one message.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(receiver.taken('/hook')).toEqual([
      "Alert: Degraded: deliveries held: Pinterest destination “Held shop” of project “Shop”: Pinterest refused this destination's credentials (ad account refused (403)). 0 deliveries are held, not failed: save a changed conversion token or ad account ID to send them; those older than Pinterest's 7-day window by then fail. See /#/destinations/fn-held",
    ])
  } finally {
    await monitor.stop()
    await receiver.close()
    store.close()
  }
})
