import { startEmulator, type RunningEmulator } from '../../src/emulator/server'
import { buildBundle, type LoadedPlugin, loadBundleInVm } from '../helpers/plugin-vm'

const TOKEN = 'plugin-token'
const ACCOUNT = '549755885175'

let emulator: RunningEmulator
let plugin: LoadedPlugin

beforeAll(() => buildBundle(), 60_000)

beforeEach(async () => {
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
  plugin = loadBundleInVm()
})

afterEach(async () => {
  await emulator.close()
})

const meta = (config: Record<string, string>) => ({ config: { ad_account_id: ACCOUNT, conversion_token: TOKEN, api_url: emulator.url, ...config }, global: {} as Record<string, unknown> })

function pluginEvent(i: number, event = 'Order Completed') {
  return {
    uuid: `0193b000-0000-7000-8000-${String(i).padStart(12, '0')}`,
    team_id: 1,
    distinct_id: `user-${i}`,
    ip: '203.0.113.42',
    event,
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    properties: { $ip: '203.0.113.42', $raw_user_agent: 'Mozilla/5.0', revenue: 20 + i, currency: 'USD', order_id: `O-${i}` },
    person: { uuid: `p-${i}`, properties: { email: `buyer${i}@example.com` }, created_at: '2026-01-01T00:00:00Z' },
  }
}

describe('the bundled plugin, loaded in a vm like a plugin server does', () => {
  it('exports the plugin functions', () => {
    expect(Object.keys(plugin.exports).sort()).toEqual(['composeWebhook', 'exportEvents', 'setupPlugin', 'teardownPlugin'])
  })

  it('exports events in batches to the emulator', async () => {
    const m = meta({})
    await plugin.exports.setupPlugin(m)
    const events = [...Array.from({ length: 120 }, (_, i) => pluginEvent(i)), pluginEvent(999, '$autocapture')]
    await plugin.exports.exportEvents(events, m)
    const accepted = emulator.accepted()
    expect(accepted).toHaveLength(120)
    expect(accepted[0]).toMatchObject({ event_id: '0193b000-0000-7000-8000-000000000000', event_name: 'checkout' })
    expect(accepted[5].event).toMatchObject({ custom_data: { value: '25', currency: 'USD', order_id: 'O-5' } })
    expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([[200, 120]])
    await plugin.exports.teardownPlugin(m)
  })

  it('composes the Pinterest request for one event, or null', async () => {
    const m = meta({ test_mode: 'on' })
    await plugin.exports.setupPlugin(m)
    const webhook = plugin.exports.composeWebhook({ ...pluginEvent(1), timestamp: new Date(Date.now() - 60_000) }, m) as { url: string; method: string; headers: Record<string, string>; body: string }
    expect(webhook.url).toBe(`${emulator.url}/v5/ad_accounts/${ACCOUNT}/events?test=true`)
    expect(webhook.method).toBe('POST')
    expect(webhook.headers.Authorization).toBe(`Bearer ${TOKEN}`)
    const response = await fetch(webhook.url, { method: 'POST', headers: webhook.headers, body: webhook.body })
    expect(await response.json()).toEqual({ num_events_received: 1, num_events_processed: 1, events: [{ status: 'processed', error_message: null, warning_message: null }] })
    expect(plugin.exports.composeWebhook({ ...pluginEvent(2, '$autocapture'), timestamp: new Date() }, m)).toBeNull()
  })

  it('uses custom mappings from the JSON setting', async () => {
    const filters = {
      events: [{ id: 'Quote Requested', type: 'events' }],
      // RE2 syntax: the bundle carries re2-wasm's WebAssembly with it.
      properties: [{ key: 'order_id', operator: 'regex', value: '(?i)^o-[13]$', type: 'event' }],
    }
    const mappings = JSON.stringify([{ name: 'Quote', filters, inputs: { event_name: { value: 'lead' } } }])
    const m = meta({ mappings })
    await plugin.exports.setupPlugin(m)
    await plugin.exports.exportEvents([pluginEvent(1, 'Quote Requested'), pluginEvent(2, 'Quote Requested'), pluginEvent(3)], m)
    expect(emulator.accepted().map((e) => [e.event_name, e.event_id.slice(-1)])).toEqual([['lead', '1']])
  })

  it('fails setup with a message naming the bad setting', async () => {
    await expect(plugin.exports.setupPlugin(meta({ ad_account_id: 'act_123' }))).rejects.toThrow(/^inputs\.ad_account_id: /)
    await expect(plugin.exports.setupPlugin(meta({ mappings: '[{' }))).rejects.toThrow(/^mappings: invalid JSON/)
    await expect(plugin.exports.setupPlugin(meta({ conversion_token: '' }))).rejects.toThrow('inputs.conversion_token: This field is required.')
  })

  it('logs undeliverable events without the token', async () => {
    const m = meta({ conversion_token: 'wrong-token-value' })
    await plugin.exports.setupPlugin(m)
    await plugin.exports.exportEvents([pluginEvent(1)], m)
    expect(plugin.logs.join('\n')).toMatch(/event 0193b000-0000-7000-8000-000000000001 failed: conversion token rejected by Pinterest \(401\)/)
    expect(plugin.logs.join('\n')).not.toContain('wrong-token-value')
  })
})
