import * as fs from 'node:fs'
import { compileFilters, type FilterGlobals } from '../../src/mapping/filters'
import { FIXTURES_PATH } from '../helpers/fixtures'

const fixtures: FilterGlobals[] = fs
  .readFileSync(FIXTURES_PATH, 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => JSON.parse(line) as FilterGlobals)

/** 1-based fixture line numbers that the filters match, so expectations read like the file. */
function matchingLines(filters: unknown): number[] {
  const matches = compileFilters(filters)
  return fixtures.flatMap((globals, index) => (matches(globals) ? [index + 1] : []))
}

function globalsWith(properties: Record<string, unknown>, person: FilterGlobals['person'] = null, event = 'Test Event'): FilterGlobals {
  return { event: { event, properties }, person }
}

/** Matches a single event property filter against one value (`undefined` = property absent). */
function eventPropertyMatches(operator: string, value: unknown, actual: unknown): boolean {
  const properties = actual === undefined ? {} : { prop: actual }
  return compileFilters({ properties: [{ key: 'prop', type: 'event', operator, value }] })(globalsWith(properties))
}

describe('fixture events', () => {
  it('has the eight documented invocations', () => {
    expect(fixtures).toHaveLength(8)
  })

  it('matches $pageview on lines 1 and 8 only', () => {
    expect(matchingLines({ events: [{ id: '$pageview', type: 'events' }] })).toEqual([1, 8])
  })

  it('matches every event for id null', () => {
    expect(matchingLines({ events: [{ id: null, type: 'events', name: 'All events' }] })).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('matches everything for an empty filters object, undefined or null', () => {
    expect(matchingLines({})).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(matchingLines(undefined)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(matchingLines(null)).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(matchingLines({ events: [], actions: [], properties: [] })).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
  })

  it('compares event names case-sensitively', () => {
    expect(matchingLines({ events: [{ id: 'order completed' }] })).toEqual([])
    expect(matchingLines({ events: [{ id: 'Order Completed' }] })).toEqual([5])
  })

  it('ORs events entries', () => {
    expect(matchingLines({ events: [{ id: 'Product Added' }, { id: 'Checkout Started' }] })).toEqual([3, 4])
  })

  it('applies an entry’s own properties to that entry only', () => {
    const filters = {
      events: [
        { id: 'Order Completed', properties: [{ key: 'currency', type: 'event', operator: 'exact', value: 'USD' }] },
        { id: '$pageview', properties: [{ key: 'title', type: 'event', operator: 'is_set' }] },
      ],
    }
    expect(matchingLines(filters)).toEqual([1, 5])
  })

  it('matches Order Completed with currency exact USD, but not another currency', () => {
    const filter = (value: unknown) => ({
      events: [{ id: 'Order Completed', properties: [{ key: 'currency', type: 'event', operator: 'exact', value }] }],
    })
    expect(matchingLines(filter('USD'))).toEqual([5])
    expect(matchingLines(filter(['EUR', 'USD']))).toEqual([5])
    expect(matchingLines(filter('EUR'))).toEqual([])
    expect(matchingLines(filter('usd'))).toEqual([])
  })

  it('matches person email icontains acme-customer only on events with a person', () => {
    const filters = { properties: [{ key: 'email', type: 'person', operator: 'icontains', value: 'acme-customer' }] }
    expect(matchingLines(filters)).toEqual([1, 2, 3, 4, 5, 6])
  })

  it('treats a personless event as missing every person property', () => {
    const notSet = { properties: [{ key: 'email', type: 'person', operator: 'is_not_set' }] }
    expect(matchingLines(notSet)).toEqual([7, 8])
  })

  it('ANDs top-level properties with the events entries', () => {
    const filters = {
      events: [{ id: '$pageview' }, { id: 'Order Completed' }],
      properties: [{ key: 'email', type: 'person', operator: 'is_set' }],
    }
    expect(matchingLines(filters)).toEqual([1, 5])
  })

  it('ANDs several top-level properties', () => {
    const filters = {
      properties: [
        { key: 'utm_source', type: 'event', value: 'pinterest' },
        { key: '$os', type: 'event', operator: 'is_not', value: 'iOS' },
        { key: 'revenue', type: 'event', operator: 'gte', value: 175 },
      ],
    }
    expect(matchingLines(filters)).toEqual([4, 5])
  })

  it('compares numbers to numeric properties', () => {
    expect(matchingLines({ properties: [{ key: 'total', type: 'event', operator: 'gt', value: 100 }] })).toEqual([5])
    expect(matchingLines({ properties: [{ key: 'price', type: 'event', operator: 'lt', value: '150' }] })).toEqual([3])
  })

  it('reads a null property as not set', () => {
    const filters = { properties: [{ key: '$raw_user_agent', type: 'event', operator: 'is_not_set' }] }
    expect(matchingLines(filters)).toEqual([8])
  })

  it('compares objects and arrays by their JSON form', () => {
    const filters = { properties: [{ key: 'products', type: 'event', operator: 'icontains', value: 'bulb-e27' }] }
    expect(matchingLines(filters)).toEqual([4, 5])
  })

  it('applies regexes to URLs', () => {
    const filters = {
      properties: [{ key: '$current_url', type: 'event', operator: 'regex', value: '[?&]epik=[^&]+' }],
    }
    expect(matchingLines(filters)).toEqual([1, 2, 3, 4, 5, 6, 8])
  })

  it('ignores the extra keys PostHog’s UI stores', () => {
    const filters = {
      source: 'events',
      bytecode: ['_H', 1],
      events: [{ id: '$pageview', name: '$pageview', type: 'events', order: 0, custom_name: 'Views' }],
      properties: [{ key: 'email', type: 'person', operator: 'is_set', value: 'is_set', label: 'Email' }],
    }
    expect(matchingLines(filters)).toEqual([1])
  })
})

describe('exact and is_not', () => {
  it('matches equal strings only', () => {
    expect(eventPropertyMatches('exact', 'USD', 'USD')).toBe(true)
    expect(eventPropertyMatches('exact', 'USD', 'EUR')).toBe(false)
    expect(eventPropertyMatches('exact', 'USD', 'usd')).toBe(false)
  })

  it('defaults to exact when the operator is omitted', () => {
    const matches = compileFilters({ properties: [{ key: 'prop', type: 'event', value: 'a' }] })
    expect(matches(globalsWith({ prop: 'a' }))).toBe(true)
    expect(matches(globalsWith({ prop: 'b' }))).toBe(false)
  })

  it('compares numbers and strings by their string form', () => {
    expect(eventPropertyMatches('exact', 10, '10')).toBe(true)
    expect(eventPropertyMatches('exact', '10', 10)).toBe(true)
    expect(eventPropertyMatches('exact', 10, 10)).toBe(true)
    expect(eventPropertyMatches('exact', 6.5, '6.5')).toBe(true)
    expect(eventPropertyMatches('exact', '10.0', 10)).toBe(false)
    expect(eventPropertyMatches('exact', 10, 11)).toBe(false)
  })

  it('compares booleans as "true" / "false"', () => {
    expect(eventPropertyMatches('exact', true, 'true')).toBe(true)
    expect(eventPropertyMatches('exact', 'false', false)).toBe(true)
    expect(eventPropertyMatches('exact', true, false)).toBe(false)
    expect(eventPropertyMatches('exact', true, 1)).toBe(false)
  })

  it('treats an array value as any of', () => {
    expect(eventPropertyMatches('exact', ['a', 2, true], 'a')).toBe(true)
    expect(eventPropertyMatches('exact', ['a', 2, true], '2')).toBe(true)
    expect(eventPropertyMatches('exact', ['a', 2, true], true)).toBe(true)
    expect(eventPropertyMatches('exact', ['a', 2, true], 'b')).toBe(false)
  })

  it('compares an object property by its JSON form', () => {
    expect(eventPropertyMatches('exact', '{"a":1}', { a: 1 })).toBe(true)
    expect(eventPropertyMatches('exact', '[1,2]', [1, 2])).toBe(true)
  })

  it('never matches a missing or null property', () => {
    expect(eventPropertyMatches('exact', 'null', null)).toBe(false)
    expect(eventPropertyMatches('exact', 'undefined', undefined)).toBe(false)
  })

  it('is_not negates exact, and matches a missing or null property', () => {
    expect(eventPropertyMatches('is_not', 'USD', 'EUR')).toBe(true)
    expect(eventPropertyMatches('is_not', 'USD', 'USD')).toBe(false)
    expect(eventPropertyMatches('is_not', 10, '10')).toBe(false)
    expect(eventPropertyMatches('is_not', ['a', 'b'], 'b')).toBe(false)
    expect(eventPropertyMatches('is_not', ['a', 'b'], 'c')).toBe(true)
    expect(eventPropertyMatches('is_not', 'USD', undefined)).toBe(true)
    expect(eventPropertyMatches('is_not', 'USD', null)).toBe(true)
  })
})

describe('icontains and not_icontains', () => {
  it('matches case-insensitive substrings', () => {
    expect(eventPropertyMatches('icontains', 'LAMP', '/products/lamp')).toBe(true)
    expect(eventPropertyMatches('icontains', 'sofa', '/products/lamp')).toBe(false)
    expect(eventPropertyMatches('icontains', ['sofa', 'Lamp'], '/products/lamp')).toBe(true)
  })

  it('uses the string form of numbers', () => {
    expect(eventPropertyMatches('icontains', 49, 149)).toBe(true)
    expect(eventPropertyMatches('icontains', '.5', 6.5)).toBe(true)
  })

  it('not_icontains matches when no value is contained', () => {
    expect(eventPropertyMatches('not_icontains', 'LAMP', '/products/lamp')).toBe(false)
    expect(eventPropertyMatches('not_icontains', 'sofa', '/products/lamp')).toBe(true)
    expect(eventPropertyMatches('not_icontains', ['sofa', 'lamp'], '/products/lamp')).toBe(false)
  })

  it('a missing property matches not_icontains only', () => {
    expect(eventPropertyMatches('icontains', 'x', undefined)).toBe(false)
    expect(eventPropertyMatches('not_icontains', 'x', undefined)).toBe(true)
    expect(eventPropertyMatches('icontains', 'null', null)).toBe(false)
    expect(eventPropertyMatches('not_icontains', 'null', null)).toBe(true)
  })
})

describe('regex and not_regex', () => {
  it('applies a JavaScript regex to the string form', () => {
    expect(eventPropertyMatches('regex', '^/products/', '/products/lamp')).toBe(true)
    expect(eventPropertyMatches('regex', '^/cart', '/products/lamp')).toBe(false)
    expect(eventPropertyMatches('regex', '^\\d+$', 149)).toBe(true)
    expect(eventPropertyMatches('regex', '^true$', true)).toBe(true)
  })

  it('is case-sensitive unless the pattern says otherwise', () => {
    expect(eventPropertyMatches('regex', 'LAMP', 'lamp')).toBe(false)
    expect(eventPropertyMatches('regex', '[Ll][Aa][Mm][Pp]', 'LaMp')).toBe(true)
  })

  it('treats an array value as any of (not_regex: none of)', () => {
    expect(eventPropertyMatches('regex', ['^a', '^b'], 'beta')).toBe(true)
    expect(eventPropertyMatches('not_regex', ['^a', '^b'], 'beta')).toBe(false)
    expect(eventPropertyMatches('not_regex', ['^a', '^b'], 'gamma')).toBe(true)
  })

  it('keeps no state between events', () => {
    const matches = compileFilters({ properties: [{ key: 'prop', type: 'event', operator: 'regex', value: 'a' }] })
    const event = globalsWith({ prop: 'banana' })
    expect([matches(event), matches(event), matches(event)]).toEqual([true, true, true])
  })

  it('a missing property matches not_regex only', () => {
    expect(eventPropertyMatches('regex', '.*', undefined)).toBe(false)
    expect(eventPropertyMatches('not_regex', '.*', undefined)).toBe(true)
    expect(eventPropertyMatches('regex', '.*', null)).toBe(false)
    expect(eventPropertyMatches('not_regex', '.*', null)).toBe(true)
  })
})

describe('gt, gte, lt, lte', () => {
  it.each([
    ['gt', 10, 11, true],
    ['gt', 10, 10, false],
    ['gte', 10, 10, true],
    ['gte', 10, 9.99, false],
    ['lt', 10, 9, true],
    ['lt', 10, 10, false],
    ['lte', 10, 10, true],
    ['lte', 10, 10.5, false],
  ])('%s %p against %p → %p', (operator, value, actual, expected) => {
    expect(eventPropertyMatches(operator, value, actual)).toBe(expected)
  })

  it('parses numeric strings on both sides', () => {
    expect(eventPropertyMatches('gt', '100', '189.5')).toBe(true)
    expect(eventPropertyMatches('lt', ' 5 ', '-1e2')).toBe(true)
    expect(eventPropertyMatches('gte', 0, '0')).toBe(true)
  })

  it('compares numerically, not lexically', () => {
    expect(eventPropertyMatches('gt', 9, '10')).toBe(true)
    expect(eventPropertyMatches('lt', '10', 9)).toBe(true)
  })

  it('does not match values that are not finite numbers', () => {
    expect(eventPropertyMatches('gt', 1, 'abc')).toBe(false)
    expect(eventPropertyMatches('lt', 1, '')).toBe(false)
    expect(eventPropertyMatches('lt', 1, ' ')).toBe(false)
    expect(eventPropertyMatches('gt', 1, true)).toBe(false)
    expect(eventPropertyMatches('lt', 1, [0])).toBe(false)
    expect(eventPropertyMatches('gt', 1, 'Infinity')).toBe(false)
    expect(eventPropertyMatches('gt', 1, '0x10')).toBe(false)
    expect(eventPropertyMatches('gt', 1, '12px')).toBe(false)
  })

  it('does not match a missing or null property', () => {
    for (const operator of ['gt', 'gte', 'lt', 'lte']) {
      expect(eventPropertyMatches(operator, 0, undefined)).toBe(false)
      expect(eventPropertyMatches(operator, 0, null)).toBe(false)
    }
  })
})

describe('is_set and is_not_set', () => {
  it.each([
    ['a string', 'x', true],
    ['an empty string', '', true],
    ['zero', 0, true],
    ['false', false, true],
    ['an object', {}, true],
    ['null', null, false],
    ['a missing property', undefined, false],
  ])('%s → is_set %p', (_label, actual, expected) => {
    expect(eventPropertyMatches('is_set', undefined, actual)).toBe(expected)
    expect(eventPropertyMatches('is_not_set', undefined, actual)).toBe(!expected)
  })
})

describe('person properties', () => {
  const filters = { properties: [{ key: 'plan', type: 'person', operator: 'exact', value: 'pro' }] }

  it('reads person.properties, not event properties', () => {
    const matches = compileFilters(filters)
    expect(matches(globalsWith({}, { properties: { plan: 'pro' } }))).toBe(true)
    expect(matches(globalsWith({ plan: 'pro' }, { properties: {} }))).toBe(false)
  })

  it('treats a null, absent or property-less person as missing', () => {
    const matches = compileFilters(filters)
    const isNot = compileFilters({ properties: [{ key: 'plan', type: 'person', operator: 'is_not', value: 'pro' }] })
    const personless: FilterGlobals[] = [globalsWith({}, null), { event: { event: 'x', properties: {} } }, globalsWith({}, {})]
    for (const globals of personless) {
      expect(matches(globals)).toBe(false)
      expect(isNot(globals)).toBe(true)
    }
  })
})

describe('hostile keys', () => {
  const keys = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']

  it.each(keys)('%s does not find Object.prototype members', (key) => {
    const isSet = compileFilters({ properties: [{ key, type: 'event', operator: 'is_set' }] })
    const regex = compileFilters({ properties: [{ key, type: 'event', operator: 'regex', value: '.' }] })
    const personIsSet = compileFilters({ properties: [{ key, type: 'person', operator: 'is_set' }] })
    expect(isSet(globalsWith({}))).toBe(false)
    expect(regex(globalsWith({}))).toBe(false)
    expect(personIsSet(globalsWith({}, { properties: {} }))).toBe(false)
  })

  it('finds an own property literally named __proto__ or constructor', () => {
    const properties = JSON.parse('{"__proto__": "proto-value", "constructor": "ctor-value"}') as Record<string, unknown>
    const proto = compileFilters({ properties: [{ key: '__proto__', type: 'event', value: 'proto-value' }] })
    const ctor = compileFilters({ properties: [{ key: 'constructor', type: 'event', value: 'ctor-value' }] })
    expect(proto(globalsWith(properties))).toBe(true)
    expect(ctor(globalsWith(properties))).toBe(true)
  })

  it('does not run getters on event properties', () => {
    const properties = {}
    Object.defineProperty(properties, 'prop', {
      enumerable: true,
      get() {
        throw new Error('getter ran')
      },
    })
    const matches = compileFilters({ properties: [{ key: 'prop', type: 'event', operator: 'is_not_set' }] })
    expect(matches(globalsWith(properties))).toBe(true)
  })
})
