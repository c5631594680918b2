import { buildChecked } from '../helpers/checked'
import type { BuildResult } from '../../src/pinterest/builder'
import { NOW_MS, NOW_S, minimalInputs, sha } from './inputs'

const build = (overrides: Record<string, unknown>) => buildChecked(minimalInputs(overrides), NOW_MS)

function eventOf(result: BuildResult) {
  if (result.status !== 'event') throw new Error(`expected an event, got ${JSON.stringify(result)}`)
  return result.event
}

describe('top-level fields', () => {
  it('builds the minimal event with action_source defaulting to web', () => {
    expect(build({})).toEqual({
      status: 'event',
      warnings: [],
      event: { event_name: 'lead', action_source: 'web', event_time: NOW_S - 60, event_id: 'evt-1', user_data: { em: [sha('a@b.co')] } },
    })
  })

  it('coerces event_id numbers to strings and trims', () => {
    expect(eventOf(build({ event_id: 1001 })).event_id).toBe('1001')
    expect(eventOf(build({ event_id: '  abc ' })).event_id).toBe('abc')
  })

  it('accepts action_source case-insensitively', () => {
    expect(eventOf(build({ action_source: ' APP_ANDROID ' })).action_source).toBe('app_android')
  })

  it.each([
    [true, true],
    [false, false],
    ['true', true],
    ['FALSE', false],
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
  ])('reads opt_out/wifi %j as %j', (input, expected) => {
    const event = eventOf(build({ opt_out: input, wifi: input }))
    expect(event.opt_out).toBe(expected)
    expect(event.wifi).toBe(expected)
  })

  it('leaves out unreadable booleans with a warning', () => {
    const result = build({ opt_out: 'yes please', wifi: 2 })
    expect(result).toMatchObject({
      status: 'event',
      warnings: ['opt_out must be true or false, got "yes please"; left out', 'wifi must be true or false, got 2; left out'],
    })
    expect(eventOf(result)).not.toHaveProperty('opt_out')
    expect(eventOf(result)).not.toHaveProperty('wifi')
  })

  it.each([
    ['en', 'en'],
    ['en-US', 'en'],
    ['en_US', 'en'],
    ['DE', 'de'],
    ['zh-Hant-TW', 'zh'],
  ])('reads language %j as %j', (input, expected) => {
    expect(eventOf(build({ language: input })).language).toBe(expected)
  })

  it.each(['english', 'e', '12', 'en US'])('leaves out language %j with a warning', (input) => {
    const result = build({ language: input })
    expect(eventOf(result)).not.toHaveProperty('language')
    expect(result).toMatchObject({ warnings: [expect.stringMatching(/^language must be an ISO-639-1 code/)] })
  })

  it('coerces event_source_url and partner_name, leaving out empty values', () => {
    const event = eventOf(build({ event_source_url: '  https://x.example/a ', partner_name: 'ss-acme' }))
    expect(event).toMatchObject({ event_source_url: 'https://x.example/a', partner_name: 'ss-acme' })
    const empty = eventOf(build({ event_source_url: '', partner_name: null }))
    expect(empty).not.toHaveProperty('event_source_url')
    expect(empty).not.toHaveProperty('partner_name')
  })

  it('ignores unknown top-level inputs silently', () => {
    const result = build({ ad_account_id: '123', access_token: 'secret', debug: true })
    expect(result).toMatchObject({ status: 'event', warnings: [] })
    expect(JSON.stringify(result)).not.toContain('secret')
  })
})

describe('user_data', () => {
  it('accepts Pinterest short names as aliases', () => {
    const event = eventOf(build({ user_data: { em: 'A@B.CO', ph: '+1 503 555 0142', fn: 'Jane', ln: 'Doe', ge: 'F', db: '1988-07-04', ct: 'St. Louis', st: 'MO', zp: '63101', country: 'USA' } }))
    expect(event.user_data).toEqual({
      em: [sha('a@b.co')],
      ph: [sha('15035550142')],
      fn: [sha('jane')],
      ln: [sha('doe')],
      ge: [sha('f')],
      db: [sha('19880704')],
      ct: [sha('stlouis')],
      st: [sha('mo')],
      zp: [sha('63101')],
      country: [sha('us')],
    })
  })

  it('hashes arrays, flattens one level, dedupes after normalisation and keeps order', () => {
    const event = eventOf(build({ user_data: { email: ['B@x.io', null, '', ['a@x.io', ' b@x.io ']], em: 'c@x.io', phone: [15035550142, '+1 503-555-0142'] } }))
    expect(event.user_data.em).toEqual([sha('b@x.io'), sha('a@x.io'), sha('c@x.io')])
    expect(event.user_data.ph).toEqual([sha('15035550142')])
  })

  it('passes SHA-256 digests through lowercased instead of hashing them again', () => {
    const digest = sha('jane.doe@acme-customer.example')
    const event = eventOf(build({ user_data: { email: digest.toUpperCase(), phone: [digest, '+1 (503) 555-0142'] } }))
    expect(event.user_data.em).toEqual([digest])
    expect(event.user_data.ph).toEqual([digest, sha('15035550142')])
  })

  it('hashes mobile ad ids and external ids case-preserved', () => {
    const event = eventOf(build({ user_data: { email: 'a@b.co', mobile_ad_id: 'ABC-1', hashed_maids: 'abc-1', external_id: 'User-42' } }))
    expect(event.user_data.hashed_maids).toEqual([sha('abc-1'), sha('ABC-1')])
    expect(event.user_data.external_id).toEqual([sha('User-42')])
  })

  it('keeps IP, user agent, click id and partner id as plain trimmed strings', () => {
    const event = eventOf(build({ user_data: { client_ip_address: [' 2001:db8::1 ', '203.0.113.1'], client_user_agent: ' UA/1.0 ', click_id: 'epik-1', partner_id: 12345 } }))
    expect(event.user_data).toEqual({ client_ip_address: '2001:db8::1', client_user_agent: 'UA/1.0', click_id: 'epik-1', partner_id: '12345' })
  })

  it('leaves out arrays with no usable value, never [] or [""]', () => {
    const event = eventOf(build({ user_data: { email: 'a@b.co', phone: [], gender: ['', null], city: '   ', zip: [[]] } }))
    expect(event.user_data).toEqual({ em: [sha('a@b.co')] })
  })

  it('warns about unusable values without echoing personal data', () => {
    const result = build({ user_data: { email: 'a@b.co', gender: 'unknown', date_of_birth: '1990-02-30' } })
    expect(result).toMatchObject({
      status: 'event',
      warnings: ['user_data.ge: 1 value(s) left out (is not usable as f, m, n or a common spelling)', 'user_data.db: 1 value(s) left out (is not usable as a date (YYYY-MM-DD))'],
    })
    expect(JSON.stringify(result)).not.toContain('1990-02-30')
  })

  it('warns about unknown user_data keys and leaves them out', () => {
    const result = build({ user_data: { email: 'a@b.co', ip: '1.2.3.4', $geoip_city_name: 'Portland' } })
    expect(result).toMatchObject({ warnings: ['user_data: ignored unknown key(s) "ip", "$geoip_city_name"'] })
    expect(eventOf(result).user_data).toEqual({ em: [sha('a@b.co')] })
  })
})

describe('custom_data', () => {
  it('coerces numbers and numeric strings to Pinterest types', () => {
    const event = eventOf(build({ custom_data: { value: 189.5, predicted_ltv: '2794.820', num_items: '12', order_id: 1001, content_ids: [1, 2], currency: 'usd' } }))
    expect(event.custom_data).toEqual({
      value: '189.5',
      predicted_ltv: '2794.82',
      num_items: 12,
      order_id: '1001',
      content_ids: ['1', '2'],
      currency: 'USD',
    })
  })

  it.each([
    [0, '0'],
    [-5, '-5'],
    ['  42.10 ', '42.1'],
    ['1e3', '1000'],
    [0.1 + 0.2, '0.30000000000000004'],
    [1e-7, '0.0000001'],
  ])('formats value %j as %j', (input, expected) => {
    expect(eventOf(build({ custom_data: { value: input } })).custom_data?.value).toBe(expected)
  })

  it('wraps a single content id into an array', () => {
    expect(eventOf(build({ custom_data: { content_ids: 'sku-1' } })).custom_data).toEqual({ content_ids: ['sku-1'] })
    expect(eventOf(build({ custom_data: { content_ids: 7 } })).custom_data).toEqual({ content_ids: ['7'] })
  })

  it('tidies opt_out_type flags', () => {
    expect(eventOf(build({ custom_data: { opt_out_type: ' ldp , ' } })).custom_data).toEqual({ opt_out_type: 'LDP' })
  })

  it('keeps the plain text fields', () => {
    const custom = { search_string: 'floor lamp', content_name: 'Arc', content_category: 'Lighting', content_brand: 'Lumen', np: 'ss-acme' }
    expect(eventOf(build({ custom_data: custom })).custom_data).toEqual(custom)
  })

  it('leaves out bad values and unknown keys with warnings', () => {
    const result = build({ custom_data: { currency: 'US Dollars', value: '$19.99', num_items: 2.5, revenue: 10, category_name: 'x' } })
    expect(result).toMatchObject({
      status: 'event',
      warnings: [
        'custom_data.currency must be a 3-letter ISO-4217 code, got "US Dollars"; left out',
        'custom_data.value must be a number, got "$19.99"; left out',
        'custom_data.num_items must be an integer, got 2.5; left out',
        'custom_data: ignored unknown key(s) "revenue", "category_name"',
      ],
    })
    expect(eventOf(result)).not.toHaveProperty('custom_data')
  })
})

describe('app_info and device_info', () => {
  it('coerces types and maps PostHog spellings onto the enums', () => {
    const event = eventOf(
      build({
        app_info: { app_version: 341, window_width: '1728', install_time: '2026-11-01T00:00:00Z' },
        device_info: { os_family: 'Mac OS X', form_factor: 'Desktop', network_type: 'Wi-Fi', battery_level: '87', languages: 'en-US' },
      }),
    )
    expect(event.app_info).toEqual({ app_version: '341', window_width: 1728, install_time: Date.parse('2026-11-01T00:00:00Z') / 1000 })
    expect(event.device_info).toEqual({ os_family: 'macos', form_factor: 'desktop', network_type: 'wifi', battery_level: 87, languages: ['en-US'] })
  })

  it('sends a negative zero as 0, so the event and its JSON agree', () => {
    const event = eventOf(build({ device_info: { screen_width: -0, screen_height: '-0' } }))
    expect(Object.is(event.device_info?.screen_width, 0)).toBe(true)
    expect(Object.is(event.device_info?.screen_height, 0)).toBe(true)
  })

  it('leaves out out-of-range, over-long and unknown values with warnings', () => {
    const result = build({
      app_info: { window_height: 40000, app_store: 'x'.repeat(101) },
      device_info: { battery_level: 101, timezone_abbr: 'TOOLONG', os_family: 'beos', cpu: 8 },
    })
    expect(result).toMatchObject({
      warnings: [
        'app_info.app_store is longer than 100 characters; left out',
        'app_info.window_height must be between 0 and 30720, got 40000; left out',
        'device_info.battery_level must be between 0 and 100, got 101; left out',
        'device_info.os_family must be one of ios, android, macos, windows, linux, bsd, other, got "beos"; left out',
        'device_info.timezone_abbr is longer than 5 characters; left out',
        'device_info: ignored unknown key(s) "cpu"',
      ],
    })
    expect(eventOf(result)).not.toHaveProperty('app_info')
    expect(eventOf(result)).not.toHaveProperty('device_info')
  })
})
