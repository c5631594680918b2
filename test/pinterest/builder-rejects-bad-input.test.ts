import { buildChecked } from '../helpers/checked'
import { buildPinterestEvent } from '../../src/pinterest/builder'
import { NOW_MS, NOW_S, minimalInputs, sha } from './inputs'

const build = (overrides: Record<string, unknown>) => buildChecked(minimalInputs(overrides), NOW_MS)
const TEN_MB = 'x'.repeat(10 * 1024 * 1024)

function deeplyNested(depth: number): unknown {
  let value: unknown = 'a@b.co'
  for (let i = 0; i < depth; i += 1) value = i % 2 === 0 ? [value] : { v: value }
  return value
}

const labelled = (cases: ReadonlyArray<readonly [Record<string, unknown>, unknown]>) => cases.map(([overrides, reason], i) => [`${Object.keys(overrides)[0]} #${i}`, overrides, reason] as const)

describe('required fields give errors that name the field', () => {
  it.each(
    labelled([
      [{ event_name: undefined }, 'event_name is missing (Pinterest requires it)'],
      [{ event_name: '   ' }, 'event_name is missing (Pinterest requires it)'],
      [{ event_name: 42 }, 'event_name must be a string, got a number'],
      [{ event_name: ['lead'] }, 'event_name must be a string, got an array'],
      [{ event_name: 'Order Completed' }, 'event_name must be a standard Pinterest event name or an advertiser-defined name of 1-100 letters, digits, "_" or "-", got "Order Completed"'],
      [{ event_name: 'a'.repeat(101) }, expect.stringMatching(/^event_name must be a standard Pinterest event name/)],
      [{ action_source: 'email' }, 'action_source must be one of web, app_android, app_ios, offline, got "email"'],
      [{ action_source: 3 }, 'action_source must be a string, got a number'],
      [{ event_id: undefined }, 'event_id is missing (Pinterest uses it to deduplicate)'],
      [{ event_id: '' }, 'event_id is missing (Pinterest uses it to deduplicate)'],
      [{ event_id: { id: 1 } }, 'event_id must be a string, got an object'],
      [{ event_id: NaN }, 'event_id must be a finite number, got NaN'],
      [{ event_id: 'x'.repeat(1001) }, 'event_id is longer than 1000 characters'],
      [{ event_time: undefined }, 'event_time is missing'],
      [{ event_time: 'last tuesday' }, 'event_time must be an ISO-8601 date-time or Unix seconds/milliseconds, got "last tuesday"'],
      [{ event_time: NaN }, 'event_time must be a positive Unix time, got NaN'],
      [{ event_time: Infinity }, 'event_time must be a positive Unix time, got Infinity'],
      [{ event_time: [NOW_S] }, 'event_time must be an ISO-8601 date-time or Unix seconds/milliseconds, got an array'],
      [{ user_data: 'a@b.co' }, 'user_data must be an object, got a string'],
      [{ user_data: [{ email: 'a@b.co' }] }, 'user_data must be an object, got an array'],
    ]),
  )('%s → error', (_label, overrides, reason) => {
    expect(build(overrides)).toEqual({ status: 'error', reason })
  })

  it('reports every broken required field at once', () => {
    expect(buildPinterestEvent({}, { nowMs: NOW_MS })).toEqual({
      status: 'error',
      reason: 'event_name is missing (Pinterest requires it); event_id is missing (Pinterest uses it to deduplicate); event_time is missing',
    })
  })

  it('prefers errors over skips', () => {
    expect(build({ event_id: null, event_time: NOW_S - 30 * 86400 })).toMatchObject({ status: 'error' })
  })
})

describe('event_time outside the window is skipped, not an error', () => {
  it('skips future events', () => {
    expect(build({ event_time: NOW_S + 3600 })).toEqual({
      status: 'skipped',
      reason: 'event_time 2026-11-29T13:00:00.000Z is in the future (more than 5 minutes after 2026-11-29T12:00:00.000Z)',
    })
  })

  it('skips events older than 7 days', () => {
    expect(build({ event_time: '2026-11-20T00:00:00Z' })).toEqual({
      status: 'skipped',
      reason: 'event_time 2026-11-20T00:00:00.000Z is older than 7 days; Pinterest only accepts events from the last 7 days',
    })
  })
})

describe('hostile input never throws', () => {
  it.each([null, undefined, 'inputs', 42, [], [minimalInputs()]])('rejects inputs %p', (inputs) => {
    expect(buildPinterestEvent(inputs as never, { nowMs: NOW_MS })).toEqual({
      status: 'error',
      reason: expect.stringMatching(/^inputs must be an object/),
    })
  })

  it('rejects a missing or broken clock', () => {
    const reason = 'options.nowMs must be a Unix time in milliseconds'
    expect(buildPinterestEvent(minimalInputs(), { nowMs: NaN })).toEqual({ status: 'error', reason })
    expect(buildPinterestEvent(minimalInputs(), { nowMs: 1e20 })).toEqual({ status: 'error', reason })
    expect(buildPinterestEvent(minimalInputs(), undefined as never)).toMatchObject({ status: 'error' })
  })

  it('treats __proto__ and constructor keys as plain unknown keys', () => {
    const user_data = JSON.parse('{"__proto__": {"x": 1}, "email": "a@b.co", "constructor": {"prototype": {"y": 2}}}')
    const inputs = JSON.parse('{"__proto__": {"event_name": "lead"}, "event_time": 1, "event_id": "e"}')
    const result = buildPinterestEvent({ ...minimalInputs(), user_data, custom_data: JSON.parse('{"__proto__": {"value": "1"}, "contents": [{"__proto__": {"id": "p"}}]}') }, { nowMs: NOW_MS })
    expect(result).toEqual({
      status: 'event',
      warnings: ['user_data: ignored unknown key(s) "__proto__", "constructor"', 'custom_data: ignored unknown key(s) "__proto__"'],
      event: { event_name: 'lead', action_source: 'web', event_time: NOW_S - 60, event_id: 'evt-1', user_data: { em: [sha('a@b.co')] } },
    })
    expect(buildPinterestEvent(inputs, { nowMs: NOW_MS })).toMatchObject({ status: 'error', reason: expect.stringContaining('event_name is missing') })
    expect(({} as Record<string, unknown>).x).toBeUndefined()
    expect(({} as Record<string, unknown>).y).toBeUndefined()
  })

  it('leaves out 10 MB strings in optional fields with a warning', () => {
    const result = build({
      event_source_url: TEN_MB,
      user_data: { email: ['a@b.co', TEN_MB], client_user_agent: TEN_MB },
      custom_data: { search_string: TEN_MB, value: TEN_MB },
    })
    expect(result).toMatchObject({
      status: 'event',
      event: { user_data: { em: [sha('a@b.co')] } },
      warnings: [
        'user_data.em: 1 value(s) left out (is larger than 64 KiB)',
        'user_data.client_user_agent is larger than 64 KiB; left out',
        'event_source_url is larger than 64 KiB; left out',
        'custom_data.value is larger than 64 KiB; left out',
        'custom_data.search_string is larger than 64 KiB; left out',
      ],
    })
    expect(JSON.stringify(result).length).toBeLessThan(2000)
  })

  it('turns 10 MB strings in required fields into errors', () => {
    expect(build({ event_name: TEN_MB })).toEqual({ status: 'error', reason: 'event_name is larger than 64 KiB' })
    expect(build({ event_id: TEN_MB })).toEqual({ status: 'error', reason: 'event_id is larger than 64 KiB' })
    expect(build({ event_time: TEN_MB })).toEqual({ status: 'error', reason: 'event_time is larger than 64 KiB' })
  })

  it('counts multi-byte characters towards the 64 KiB limit', () => {
    const result = build({ custom_data: { content_name: 'ü'.repeat(40000) } })
    expect(result).toMatchObject({ warnings: ['custom_data.content_name is larger than 64 KiB; left out'] })
  })

  it('leaves out objects and arrays where strings are expected', () => {
    const result = build({
      event_source_url: ['https://x'],
      partner_name: { name: 'ss-x' },
      user_data: { email: [{ value: 'a@b.co' }, 'c@d.co'], click_id: [{}] },
      custom_data: { order_id: [1], content_ids: [{ id: 1 }, 'ok'] },
    })
    expect(result).toMatchObject({
      status: 'event',
      event: { user_data: { em: [sha('c@d.co')] }, custom_data: { content_ids: ['ok'] } },
      warnings: [
        'user_data.em: 1 value(s) left out (must be a string, got an object)',
        'user_data.click_id must be a string, got an object; left out',
        'event_source_url must be a string, got an array; left out',
        'partner_name must be a string, got an object; left out',
        'custom_data.order_id must be a string, got an array; left out',
        'custom_data.content_ids: some ids left out (must be a string, got an object)',
      ],
    })
  })

  it('leaves out NaN and Infinity in optional numeric fields', () => {
    const result = build({ custom_data: { value: NaN, num_items: Infinity, predicted_ltv: -Infinity, contents: [{ id: 'a', quantity: NaN }] } })
    expect(result).toMatchObject({
      status: 'event',
      event: { custom_data: { content_ids: ['a'], num_items: 1, contents: [{ id: 'a' }] } },
      warnings: [
        'custom_data.value must be a finite number, got NaN; left out',
        'custom_data.predicted_ltv must be a finite number, got -Infinity; left out',
        'custom_data.num_items must be a finite number, got Infinity; left out',
        'custom_data.contents[0].quantity must be a finite number, got NaN; left out',
      ],
    })
  })

  it('survives deeply nested junk everywhere', () => {
    const junk = deeplyNested(10000)
    const result = build({
      event_source_url: junk,
      user_data: { email: ['a@b.co', junk], phone: junk },
      custom_data: { value: junk, contents: [junk], content_ids: junk },
      app_info: junk,
      device_info: { languages: junk },
    })
    expect(result).toMatchObject({ status: 'event', event: { user_data: { em: [sha('a@b.co')] } } })
  })

  it('survives huge and sparse arrays', () => {
    const sparse = new Array(1e9)
    sparse[5] = 'a@b.co'
    const many = Array.from({ length: 5000 }, (_, i) => `user${i}@x.io`)
    const result = build({ user_data: { email: sparse, external_id: many }, custom_data: { contents: sparse, content_ids: sparse } })
    expect(result).toMatchObject({ status: 'event', event: { user_data: { em: [sha('a@b.co')] } } })
    if (result.status === 'event') expect(result.event.user_data.external_id).toHaveLength(100)
  })

  it('returns an error instead of throwing when reading the input throws', () => {
    const trap = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap')
        },
      },
    )
    const getter = Object.defineProperty({}, 'email', {
      enumerable: true,
      get: () => {
        throw new Error('boom')
      },
    })
    expect(build({ user_data: trap })).toEqual({ status: 'error', reason: 'unexpected failure while building the event: trap' })
    expect(build({ user_data: getter })).toEqual({ status: 'error', reason: 'unexpected failure while building the event: boom' })
  })
})

describe('non-standard event names', () => {
  it('sends advertiser-defined names with a warning', () => {
    expect(build({ event_name: 'quote_requested' })).toMatchObject({
      status: 'event',
      event: { event_name: 'quote_requested' },
      warnings: ['event_name "quote_requested" is not a standard Pinterest event; Pinterest only reports it if it is registered as an advertiser-defined event'],
    })
  })

  it('hints at the standard spelling', () => {
    expect(build({ event_name: 'Add-To-Cart' })).toMatchObject({
      warnings: [expect.stringContaining('(did you mean "add_to_cart"?)')],
    })
  })
})
