import { compileFunction, type CompiledFunction } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { compileRegex, MAX_PATTERN_LENGTH, regexEngineRestarts } from '../../src/regex'
import { BASE_CONFIG, NOW_MS, webEvent } from '../helpers/fixtures'

const EVERY_EVENT = { events: [{ id: null, type: 'events' }] }

let heavy: CompiledFunction
let filtered: CompiledFunction

beforeAll(async () => {
  // Another project's function: a Hog `=~` whose pattern comes from event data, so each event compiles a new one.
  heavy = await compileFunction(
    {
      ...BASE_CONFIG,
      mappings: [
        {
          name: 'Pattern from the event',
          filters: EVERY_EVENT,
          inputs: { event_name: { value: 'lead' }, partner_name: { value: "{event.properties.sku =~ event.properties.pattern ? 'hit' : 'miss'}" } },
        },
      ],
      // Copying megabytes into the engine takes time on a busy machine; this file is about regex failures.
    },
    { timeBudgetMs: 10_000 },
  )
  filtered = await compileFunction({
    ...BASE_CONFIG,
    mappings: [
      {
        name: 'Shop pages',
        filters: { events: [{ id: null, type: 'events', properties: [{ key: '$current_url', type: 'event', operator: 'regex', value: '^https://shop\\.example\\.com/' }] }] },
        inputs: { event_name: { value: 'page_visit' } },
      },
    ],
  })
})

const shopEvent = (i: number, url = `https://shop.example.com/item/${i}`) => webEvent('Shop page', { $current_url: url, $insert_id: `shop-${i}` })

describe('a regex-heavy function beside a regex filter', () => {
  it('leaves the filter matching every one of its events', () => {
    const restartsBefore = regexEngineRestarts()
    const shopResults: string[] = []
    let hits = 0
    // Unfreed, about 1,600 patterns like these fill RE2's heap.
    for (let i = 0; i < 3_000; i++) {
      const pattern = `^item-${i}-(red|green|blue|black|white)-[a-z]{2,8}$`
      const [result] = invokeFunction(heavy, webEvent('Lead', { sku: `item-${i}-red-abc`, pattern }), { nowMs: NOW_MS })
      expect(result.status).toBe('event')
      if (result.status === 'event' && result.event.partner_name === 'hit') hits += 1
      if (i % 150 === 149) shopResults.push(...invokeFunction(filtered, shopEvent(i), { nowMs: NOW_MS }).map((r) => r.status))
    }
    expect(hits).toBe(3_000)
    expect(shopResults).toEqual(Array(20).fill('event'))
    // Evicted patterns were freed: the engine never ran out of memory.
    expect(regexEngineRestarts()).toBe(restartsBefore)
  })

  it('makes an engine failure an error result with its reason, then recovers', () => {
    const restartsBefore = regexEngineRestarts()
    // Larger than RE2's whole 16 MB heap: matching it cannot succeed.
    const huge = 'x'.repeat(20_000_000)
    expect(invokeFunction(filtered, shopEvent(1, huge), { nowMs: NOW_MS })).toEqual([{ mapping: 'Shop pages', status: 'error', reason: 'filters: the regular expression engine ran out of memory' }])
    expect(regexEngineRestarts()).toBeGreaterThan(restartsBefore)
    // Within the VM's own 16 MB limit, beyond what RE2's heap has left beside its stack.
    const [hogResult] = invokeFunction(heavy, webEvent('Lead', { sku: 'x'.repeat(15_000_000), pattern: '^x+$' }), { nowMs: NOW_MS })
    expect(hogResult).toEqual({ mapping: 'Pattern from the event', status: 'error', reason: 'inputs.partner_name: the regular expression engine ran out of memory' })
    // The filter compiled before the failure runs on the new engine.
    expect(invokeFunction(filtered, shopEvent(2), { nowMs: NOW_MS }).map((r) => r.status)).toEqual(['event'])
    expect(invokeFunction(filtered, shopEvent(3, 'https://elsewhere.example.com/'), { nowMs: NOW_MS })).toEqual([])
  })

  it('refuses patterns longer than the bound, in filters and in Hog', async () => {
    expect(() => compileRegex('a'.repeat(MAX_PATTERN_LENGTH + 1))).toThrow(`pattern longer than ${MAX_PATTERN_LENGTH} characters`)
    expect(compileRegex('a'.repeat(MAX_PATTERN_LENGTH))('a'.repeat(MAX_PATTERN_LENGTH))).toBe(true)
    const error = await compileFunction({
      ...BASE_CONFIG,
      mappings: [{ name: 'Long', filters: { properties: [{ key: 'k', type: 'event', operator: 'regex', value: 'a'.repeat(MAX_PATTERN_LENGTH + 1) }] } }],
    }).catch((caught: Error) => caught)
    expect(error).toMatchObject({ field: 'mappings[0].filters.properties[0].value' })
    expect((error as Error).message).toContain(`pattern longer than ${MAX_PATTERN_LENGTH} characters`)
    const [result] = invokeFunction(heavy, webEvent('Lead', { sku: 'a', pattern: 'a'.repeat(MAX_PATTERN_LENGTH + 1) }), { nowMs: NOW_MS })
    expect(result).toEqual({
      mapping: 'Pattern from the event',
      status: 'error',
      reason: `inputs.partner_name: invalid regular expression: pattern longer than ${MAX_PATTERN_LENGTH} characters`,
    })
  })

  it('makes a pattern from event data that does not compile an error result', () => {
    const [result] = invokeFunction(heavy, webEvent('Lead', { sku: 'a', pattern: '(unclosed' }), { nowMs: NOW_MS })
    expect(result.status).toBe('error')
    expect(result.status === 'error' && result.reason).toMatch(/^inputs\.partner_name: invalid regular expression: .*missing \)/)
  })
})
