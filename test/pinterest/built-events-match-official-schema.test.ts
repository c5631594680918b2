import fc from 'fast-check'
import { buildPinterestEvent } from '../../src/pinterest/builder'
import { PinterestEventSchema, STANDARD_EVENT_NAMES } from '../../src/pinterest/schema'
import { validatePinterestRequest } from '../helpers/pinterest-schema'
import { FIXTURE_NOW_MS, NOW_MS, NOW_S, loadFixtures, minimalInputs, resolvedInputs, sha } from './inputs'

function expectValidEvent(inputs: Record<string, unknown>, nowMs = NOW_MS): void {
  const result = buildPinterestEvent(inputs, { nowMs })
  if (result.status !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`)
  expect(validatePinterestRequest({ data: [result.event] })).toEqual([])
}

describe('the official-schema validator itself', () => {
  const event = { event_name: 'lead', action_source: 'web', event_time: NOW_S, event_id: 'e', user_data: { em: [sha('a@b.co')] } }

  it('accepts a minimal event and nullable fields set to null', () => {
    expect(validatePinterestRequest({ data: [event] })).toEqual([])
    expect(validatePinterestRequest({ data: [{ ...event, event_source_url: null, custom_data: { value: null } }] })).toEqual([])
  })

  it.each([
    ['phone-only user_data', { ...event, user_data: { ph: ['x'] } }],
    ['IP without user agent', { ...event, user_data: { client_ip_address: '1.2.3.4' } }],
    ['unknown top-level key', { ...event, advertiser_tracking_enabled: true }],
    ['unknown custom_data key', { ...event, custom_data: { category_name: 'x' } }],
    ['numeric value', { ...event, custom_data: { value: 1.5 } }],
    ['scalar em', { ...event, user_data: { em: sha('a@b.co') } }],
    ['millisecond float time', { ...event, event_time: 1.5 }],
    ['bad enum', { ...event, device_info: { os_family: 'beos' } }],
    ['too long app_store', { ...event, app_info: { app_store: 'x'.repeat(101) } }],
  ])('rejects %s', (_label, bad) => {
    expect(validatePinterestRequest({ data: [bad] })).not.toEqual([])
  })

  it('rejects empty and oversized batches', () => {
    expect(validatePinterestRequest({ data: [] })).not.toEqual([])
    expect(validatePinterestRequest({ data: Array.from({ length: 1001 }, () => event) })).not.toEqual([])
  })
})

describe('built events validate against the OpenAPI schema', () => {
  const fixtures = loadFixtures()

  it.each(fixtures.slice(0, 7).map((g) => [g.event.event, g] as const))('fixture %s', (_name, globals) => {
    const p = globals.event.properties
    const inputs = resolvedInputs(globals, 'custom', {
      value: p.total ?? p.value ?? p.price,
      currency: p.currency,
      order_id: p.order_id,
      search_string: p.query,
      contents: p.products,
    })
    const userData = globals.person === null ? { client_ip_address: p.$ip, client_user_agent: p.$raw_user_agent } : inputs.user_data
    expectValidEvent({ ...inputs, user_data: userData }, FIXTURE_NOW_MS)
  })

  it('a fully populated event', () => {
    expectValidEvent(
      minimalInputs({
        event_name: 'checkout',
        action_source: 'offline',
        event_source_url: 'https://shop.example/thanks',
        opt_out: false,
        partner_name: 'ss-acme',
        language: 'fr-CA',
        wifi: true,
        user_data: {
          email: ['a@b.co', 'c@d.co'],
          phone: '+33 1 23 45 67 89',
          first_name: 'Zoë',
          last_name: 'Ørsted',
          gender: 'n',
          date_of_birth: '31.12.1999',
          city: 'Québec',
          state: 'QC',
          zip: 'G1R 4P5',
          country: 'Canada',
          external_id: 'crm-1',
          hashed_maids: 'AEBE52E7-03EE-455A-B3C4-E57283966239',
          client_ip_address: '2001:db8::1',
          client_user_agent: 'UA',
          click_id: 'epik',
          partner_id: 'ramp-1',
        },
        custom_data: {
          currency: 'CAD',
          value: '99.90',
          predicted_ltv: 1000,
          content_ids: ['a', 'b'],
          content_name: 'n',
          content_category: 'c',
          content_brand: 'b',
          num_items: 3,
          order_id: 'o-1',
          search_string: 's',
          opt_out_type: 'LDP',
          np: 'ss-acme',
          contents: [{ id: 'a', item_price: 10, quantity: 1, item_name: 'n', item_category: 'c', item_brand: 'b' }],
        },
        app_info: {
          app_id: '1',
          app_name: 'n',
          app_package_name: 'p',
          app_store: 's',
          app_version: '1.0',
          install_time: NOW_S - 86400,
          user_agent: 'ua',
          window_height: 30720,
          window_width: 0,
        },
        device_info: {
          battery_level: 100,
          brand: 'b',
          carrier: 'c',
          cpu_cores: 1152,
          external_storage_free_space: 0,
          external_storage_size: 1048576,
          form_factor: 'tablet',
          kernel_version: 'k',
          languages: ['fr', 'en'],
          locale: 'fr-CA',
          model: 'm',
          network_type: 'cellular_5g',
          os_family: 'android',
          os_name: 'Android',
          os_release_name: 'r',
          os_version: '15',
          screen_density: 100000,
          screen_height: 1,
          screen_width: 2,
          storage_free_space: 3,
          storage_size: 4,
          timezone: 'America/Toronto',
          timezone_abbr: 'EST',
          type: 'phone',
        },
      }),
    )
  })

  it.each([
    ['IP + UA only', { user_data: { client_ip_address: '1.2.3.4', client_user_agent: 'UA' } }],
    ['maid only', { user_data: { mobile_ad_id: 'x' } }],
    ['custom name', { event_name: 'quote-requested' }],
    ['milliseconds', { event_time: NOW_MS - 1000 }],
    ['everything optional broken', { wifi: 'nah', language: 'xx-!!', custom_data: { value: 'abc', contents: [{}] }, app_info: [], device_info: 'x' }],
    ['huge value', { custom_data: { value: 1e20, predicted_ltv: 1e-9 } }],
  ])('edge case: %s', (_label, overrides) => {
    expectValidEvent(minimalInputs(overrides))
  })
})

describe('property: any input gives an event that passes both schemas, or a reason', () => {
  const junk = fc.anything({
    maxDepth: 3,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withNullPrototype: true,
    withSparseArray: true,
    withObjectString: true,
  })
  const maybe = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ arbitrary: arb, weight: 9 }, { arbitrary: junk, weight: 1 })
  const userData = fc.record(
    {
      email: maybe(fc.oneof(fc.emailAddress(), fc.array(fc.emailAddress()))),
      phone: maybe(fc.string()),
      gender: maybe(fc.constantFrom('female', 'M', 'x', '')),
      date_of_birth: maybe(fc.string()),
      client_ip_address: maybe(fc.constantFrom('1.2.3.4', '::1')),
      client_user_agent: maybe(fc.string()),
    },
    { requiredKeys: ['email'] },
  )
  const inputs = fc.record(
    {
      event_name: maybe(fc.constantFrom(...STANDARD_EVENT_NAMES)),
      action_source: maybe(fc.constantFrom('web', 'app_ios', 'OFFLINE')),
      event_time: maybe(fc.integer({ min: NOW_S - 8 * 86400, max: NOW_S + 600 })),
      event_id: maybe(fc.uuid()),
      opt_out: junk,
      wifi: junk,
      language: maybe(fc.constantFrom('en', 'pt-BR')),
      event_source_url: junk,
      partner_name: junk,
      user_data: maybe(userData),
      custom_data: maybe(fc.dictionary(fc.constantFrom('value', 'currency', 'num_items', 'contents', 'content_ids', 'order_id', 'x'), junk)),
      app_info: maybe(fc.dictionary(fc.constantFrom('app_version', 'install_time', 'window_width', 'y'), junk)),
      device_info: maybe(fc.dictionary(fc.constantFrom('os_family', 'languages', 'battery_level', 'screen_width'), junk)),
    },
    { requiredKeys: ['event_name', 'event_time', 'event_id', 'user_data'] },
  )

  it('never throws and never emits an invalid event', () => {
    const seen = { event: 0, skipped: 0, error: 0 }
    fc.assert(
      fc.property(inputs, (raw) => {
        const result = buildPinterestEvent(raw, { nowMs: NOW_MS })
        seen[result.status] += 1
        if (result.status !== 'event') return typeof result.reason === 'string' && result.reason.length > 0
        expect(validatePinterestRequest({ data: [result.event] })).toEqual([])
        expect(PinterestEventSchema.safeParse(result.event).success).toBe(true)
        expect(JSON.parse(JSON.stringify(result.event))).toEqual(result.event)
        return true
      }),
      { numRuns: 1000 },
    )
    // Guards against a generator that only ever exercises one outcome.
    expect(seen.event).toBeGreaterThan(20)
    expect(seen.skipped).toBeGreaterThan(20)
    expect(seen.error).toBeGreaterThan(20)
  })
})
