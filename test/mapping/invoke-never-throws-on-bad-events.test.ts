import { createHash } from 'node:crypto'
import fc from 'fast-check'
import { compileFunction, type CompiledFunction } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { BASE_CONFIG, fixtureEvent, NOW_MS } from '../helpers/fixtures'
import { validatePinterestRequest } from '../helpers/pinterest-schema'

const sha = (s: string) => createHash('sha256').update(s).digest('hex')

let fn: CompiledFunction
let allEvents: CompiledFunction

beforeAll(async () => {
  fn = await compileFunction(BASE_CONFIG)
  allEvents = await compileFunction({
    ...BASE_CONFIG,
    mappings: [{ name: 'Everything', filters: { events: [{ id: null, type: 'events' }] }, inputs: { event_name: { value: 'custom' } } }],
  })
})

describe('invoking with bad event data', () => {
  it.each([
    [null, 'event: expected a JSON object'],
    ['a string', 'event: expected a JSON object'],
    [[1, 2], 'event: expected a JSON object'],
    [{}, 'event: expected an object or an event name'],
    [{ event: 42 }, 'event: expected an object or an event name'],
    [{ event: '' }, 'event: expected a non-empty string'],
    [{ event: { event: 'x', properties: 'nope' } }, 'event.properties: expected an object'],
    [{ event: { event: 'x' }, person: 'nope' }, 'person: expected an object or null'],
    [{ event: 'x', properties: [] }, 'properties: expected an object'],
    [{ event: 'x', distinct_id: 'd', uuid: { a: 1 } }, 'uuid: expected a string'],
    // Capture-style events follow capture's rules (src/mapping/captured-event.ts).
    [{ event: 'x' }, 'distinct_id: expected a non-empty string'],
    [{ event: 'x', distinct_id: 'd', timestamp: 'yesterday' }, 'timestamp: expected an ISO-8601 date-time'],
  ])('%j gives an error result: %s', (input, reason) => {
    expect(invokeFunction(fn, input, { nowMs: NOW_MS })).toEqual([{ mapping: null, status: 'error', reason }])
  })

  it('skips wrong types and invalid dates with the field named', () => {
    const globals = structuredClone(fixtureEvent('Order Completed'))
    globals.event.timestamp = 'not a date'
    const [result] = invokeFunction(fn, globals, { nowMs: NOW_MS })
    expect(result.status).toBe('error')
    expect(result.status !== 'event' && result.reason).toMatch(/event_time/)
  })

  it('skips events older than Pinterest window', () => {
    const [result] = invokeFunction(fn, fixtureEvent('Order Completed'), { nowMs: NOW_MS + 8 * 24 * 3600 * 1000 })
    expect(result.status).toBe('skipped')
    expect(result.status === 'skipped' && result.reason).toBe('event_time 2026-11-29T10:15:00.000Z is older than 7 days; Pinterest only accepts events from the last 7 days')
  })

  it('drops hostile keys and huge values without losing the event', () => {
    const globals = JSON.parse(JSON.stringify(fixtureEvent('Order Completed')).replace('"order_id"', '"__proto__": {"polluted": true}, "constructor": {"x": 1}, "order_id"'))
    globals.event.properties.currency = 'x'.repeat(5_000_000)
    const [result] = invokeFunction(fn, globals, { nowMs: NOW_MS })
    expect(result.status).toBe('event')
    if (result.status !== 'event') return
    expect(result.event.custom_data?.order_id).toBe('A-1001')
    expect(result.event.custom_data?.currency).toBeUndefined()
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(validatePinterestRequest({ data: [result.event] })).toEqual([])
  })

  it('a capture-style event with the wrong property types maps what it can and says why', () => {
    const properties = { $ip: '203.0.113.5', $raw_user_agent: ['ua'], revenue: 'lots', products: 'none', currency: 'dollars', $set: { email: 42 } }
    const input = { event: 'Order Completed', distinct_id: 7, uuid: 'u-1', timestamp: '2026-11-29T10:00:00Z', properties }
    const [result] = invokeFunction(fn, input, { nowMs: NOW_MS })
    expect(result).toEqual({
      mapping: 'Checkout',
      status: 'event',
      event: {
        event_name: 'checkout',
        action_source: 'web',
        event_time: 1795946400,
        event_id: 'u-1',
        user_data: { external_id: [sha('7')], client_ip_address: '203.0.113.5', client_user_agent: 'ua' },
      },
      warnings: [
        'user_data.em: 1 value(s) left out (is not usable as an email address)',
        'custom_data.currency must be a 3-letter ISO-4217 code, got "dollars"; left out',
        'custom_data.value must be a number, got "lots"; left out',
        'custom_data.contents must be an array of objects, got a string; left out',
      ],
    })
    const [withoutIp] = invokeFunction(fn, { ...input, properties: { ...properties, $ip: 12 } }, { nowMs: NOW_MS })
    expect(withoutIp).toEqual({
      mapping: 'Checkout',
      status: 'skipped',
      reason: 'no identifier: user_data needs em (email), hashed_maids, or both client_ip_address and client_user_agent; found only external_id, client_user_agent',
    })
  })

  it('never throws and only emits schema-valid events on random JSON', () => {
    const json = fc.jsonValue({ maxDepth: 4 })
    const eventArb = fc.record(
      {
        event: fc.oneof(fc.constantFrom('Order Completed', '$pageview', 'Product Added'), json),
        distinct_id: json,
        uuid: fc.oneof(fc.uuid(), json),
        timestamp: fc.oneof(fc.constant('2026-11-29T10:00:00Z'), fc.integer(), json),
        person: fc.oneof(
          fc.constant(null),
          fc.record({ id: fc.anything(), properties: fc.oneof(fc.anything(), fc.dictionary(fc.constantFrom('email', '__proto__', 'phone'), json)) }, { requiredKeys: [] }),
          fc.anything(),
        ),
        project: fc.anything(),
        groups: fc.anything(),
        source: fc.anything(),
        properties: fc.oneof(fc.dictionary(fc.constantFrom('$ip', '$raw_user_agent', 'email', 'products', 'revenue', 'currency', '__proto__', 'epik', '$set'), json), json),
      },
      { requiredKeys: [] },
    )
    fc.assert(
      fc.property(eventArb, (input) => {
        const { person, project, groups, source, ...event } = input as Record<string, unknown>
        // The same data as a capture-style event and as invocation globals (where person, project… count).
        const shapes = [input, { event: { ...event, event: typeof event.event === 'string' ? event.event : 'Order Completed' }, person, project, groups, source }]
        for (const [compiled, shape] of [fn, allEvents].flatMap((c) => shapes.map((s) => [c, s] as const))) {
          const results = invokeFunction(compiled, JSON.parse(JSON.stringify(shape) ?? 'null'), { nowMs: NOW_MS })
          for (const result of results) {
            if (result.status === 'event') expect(validatePinterestRequest({ data: [result.event] })).toEqual([])
            else expect(typeof result.reason).toBe('string')
          }
        }
      }),
      { numRuns: 500 },
    )
  })
})
