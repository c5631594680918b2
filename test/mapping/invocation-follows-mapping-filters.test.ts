import { invokeChecked } from '../helpers/checked'
import { compileFunction } from '../../src/mapping/compile-function'
import { BASE_CONFIG, fixtureEvent, NOW_MS } from '../helpers/fixtures'

const order = () => fixtureEvent('Order Completed')

describe('invocation and mapping filters', () => {
  it('gives one Pinterest event per matching mapping', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [
        { name: 'Checkout' },
        {
          name: 'Big order',
          filters: { events: [{ id: 'Order Completed', type: 'events', properties: [{ key: 'revenue', operator: 'gt', value: 100, type: 'event' }] }] },
          inputs: { event_name: { value: 'big_order' } },
        },
        {
          name: 'Small order',
          filters: { events: [{ id: 'Order Completed', type: 'events', properties: [{ key: 'revenue', operator: 'lt', value: 100, type: 'event' }] }] },
          inputs: { event_name: { value: 'small_order' } },
        },
      ],
    })
    const results = invokeChecked(fn, order(), { nowMs: NOW_MS })
    expect(results.map((r) => [r.mapping, r.status, r.status === 'event' && r.event.event_name])).toEqual([
      ['Checkout', 'event', 'checkout'],
      ['Big order', 'event', 'big_order'],
    ])
  })

  it('applies top-level property filters to every mapping and ignores top-level event filters', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      filters: {
        events: [{ id: '$pageview', type: 'events' }],
        properties: [{ key: 'email', operator: 'icontains', value: '@acme-customer.example', type: 'person' }],
      },
    })
    expect(invokeChecked(fn, order(), { nowMs: NOW_MS }).map((r) => r.mapping)).toEqual(['Checkout'])
    const stranger = order()
    stranger.person = { id: 'p2', properties: { email: 'someone@elsewhere.example' } }
    expect(invokeChecked(fn, stranger, { nowMs: NOW_MS })).toEqual([])
  })

  it('returns nothing for a disabled function', async () => {
    const fn = await compileFunction({ ...BASE_CONFIG, enabled: false })
    expect(invokeChecked(fn, order(), { nowMs: NOW_MS })).toEqual([])
  })

  it('a mapping named after a prebuilt one takes its filters; a custom one must say which events it takes', async () => {
    await expect(compileFunction({ ...BASE_CONFIG, mappings: [{ name: 'Everything', inputs: { event_name: { value: 'custom' } } }] })).rejects.toThrow(
      'mappings[0].filters: a custom mapping needs filters; {"events": [{"id": null, "type": "events"}]} takes every event',
    )
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [{ name: 'Search' }, { name: 'Everything', filters: { events: [{ id: null, type: 'events' }] }, inputs: { event_name: { value: 'custom' } } }],
    })
    expect(invokeChecked(fn, order(), { nowMs: NOW_MS }).map((r) => r.mapping)).toEqual(['Everything'])
    expect(invokeChecked(fn, fixtureEvent('Products Searched'), { nowMs: NOW_MS }).map((r) => r.mapping)).toEqual(['Search', 'Everything'])
  })

  it('overrides one input and keeps the other defaults', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [{ name: 'Checkout', inputs: { custom_data: { value: { value: '{event.properties.total}', currency: 'EUR' } }, action_source: { value: 'offline' } } }],
    })
    const [result] = invokeChecked(fn, order(), { nowMs: NOW_MS })
    expect(result.status).toBe('event')
    if (result.status !== 'event') return
    expect(result.event.action_source).toBe('offline')
    expect(result.event.custom_data).toEqual({ value: '189.5', currency: 'EUR' })
    expect(result.event.event_id).toBe('01936b60-0005-7000-8000-000000000005')
  })

  it('reports a template that fails at run time as an error naming the input', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [{ name: 'Checkout', inputs: { event_id: { value: '{jsonParse(event.properties.order_id)}' } } }],
    })
    const [result] = invokeChecked(fn, order(), { nowMs: NOW_MS })
    expect(result.status).toBe('error')
    expect(result.status === 'error' && result.reason).toMatch(/^inputs\.event_id: /)
  })

  it('lays the inputs_schema of a mapping over the prebuilt one by key', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [{ name: 'Checkout', inputs_schema: [{ key: 'event_name', default: 'purchase_done' }] }],
    })
    const [result] = invokeChecked(fn, order(), { nowMs: NOW_MS })
    expect(result.status === 'event' && [result.event.event_name, result.event.event_id]).toEqual(['purchase_done', '01936b60-0005-7000-8000-000000000005'])
    await expect(compileFunction({ ...BASE_CONFIG, mappings: [{ name: 'Checkout', inputs_schema: [{ key: 'coupon', default: 'x' }] }] })).rejects.toThrow(
      'mappings[0].inputs_schema: an item names an input that is not known',
    )
  })

  it('takes boolean or templated opt_out and wifi', async () => {
    const fn = await compileFunction({
      ...BASE_CONFIG,
      mappings: [{ name: 'Checkout', inputs: { opt_out: { value: true }, wifi: { value: "{event.properties.$os == 'iOS'}" } } }],
    })
    const [result] = invokeChecked(fn, order(), { nowMs: NOW_MS })
    expect(result.status === 'event' && [result.event.opt_out, result.event.wifi]).toEqual([true, false])
  })
})
