import { ConfigError } from '../../src/errors'
import { compileFunction } from '../../src/mapping/compile-function'
import { invokeChecked } from '../helpers/checked'
import { BASE_CONFIG, fixtureEvent, NOW_MS } from '../helpers/fixtures'

describe('a mapping switched off with PostHog’s disabled flag', () => {
  it('sends nothing while the other mappings still run', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [
        { name: 'Checkout', disabled: true },
        { name: 'Big order', filters: { events: [{ id: 'Order Completed', type: 'events' }] }, inputs: { event_name: { value: 'custom' } }, disabled: false },
      ],
    })
    const results = invokeChecked(fn, fixtureEvent('Order Completed'), { nowMs: NOW_MS })
    expect(results.map((r) => [r.mapping, r.status])).toEqual([['Big order', 'event']])
  })

  it('is still checked, so switching it back on cannot meet a broken template', async () => {
    const broken = compileFunction({ ...BASE_CONFIG, mappings: [{ name: 'Checkout', disabled: true, inputs: { event_name: { value: '{event.properties.' } } }] })
    await expect(broken).rejects.toThrow(ConfigError)
    await expect(broken).rejects.toThrow(/mappings\[0\]\.inputs\.event_name/)
  })

  it('refuses a disabled flag that is not a boolean, naming it', async () => {
    await expect(compileFunction({ ...BASE_CONFIG, mappings: [{ name: 'Checkout', disabled: 'yes' }] })).rejects.toThrow(/mappings\.0\.disabled|mappings\[0\]\.disabled/)
  })
})
