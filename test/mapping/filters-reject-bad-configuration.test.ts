import { ConfigError } from '../../src/errors'
import { compileFilters } from '../../src/mapping/filters'
import { FiltersSchema, parseFilters } from '../../src/template/filter-schema'

function configErrorOf(raw: unknown, fieldPath?: string): ConfigError {
  try {
    compileFilters(raw, fieldPath)
  } catch (error) {
    if (error instanceof ConfigError) return error
    throw error
  }
  throw new Error('expected a ConfigError')
}

const property = (overrides: Record<string, unknown>) => ({ key: 'currency', type: 'event', value: 'USD', ...overrides })

describe('filters that are not an object', () => {
  it.each([
    ['a string', 'events'],
    ['a number', 3],
    ['an array', []],
    ['true', true],
  ])('rejects %s', (_label, raw) => {
    const error = configErrorOf(raw)
    expect(error.field).toBe('filters')
    expect(error.message).toMatch(/must be an object/)
  })
})

describe('actions', () => {
  it('rejects a non-empty actions array at filters.actions', () => {
    const error = configErrorOf({ actions: [{ id: 12, type: 'actions' }] })
    expect(error.field).toBe('filters.actions')
    expect(error.message).toMatch(/actions are not supported; use events filters/)
  })

  it('accepts an empty actions array', () => {
    expect(() => compileFilters({ actions: [] })).not.toThrow()
  })

  it('rejects actions that are not an array', () => {
    expect(configErrorOf({ actions: 'all' }).field).toBe('filters.actions')
  })
})

describe('property filter types', () => {
  it.each(['hogql', 'cohort', 'element', 'group', 'session', 'data_warehouse'])('rejects type %s', (type) => {
    const error = configErrorOf({ properties: [property({}), property({ type, key: 'x' })] })
    expect(error.field).toBe('filters.properties[1].type')
    expect(error.message).toBe('filters.properties[1].type: property filter type is not supported; supported: event, person')
  })

  it('rejects a missing type with the supported ones', () => {
    const error = configErrorOf({ properties: [{ key: 'currency', value: 'USD' }] })
    expect(error.field).toBe('filters.properties[0].type')
    expect(error.message).toMatch(/required; supported: event, person/)
  })

  it('names the full path inside an events entry', () => {
    const raw = { events: [{ id: 'a' }, { id: 'b', properties: [property({}), property({ type: 'hogql' })] }] }
    expect(configErrorOf(raw).field).toBe('filters.events[1].properties[1].type')
  })
})

describe('operators', () => {
  it.each(['between', 'in', 'is_date_before', 'EXACT', 42])('rejects operator %p with the allowed list', (operator) => {
    const error = configErrorOf({ events: [{ id: 'x', properties: [property({}), property({ operator })] }] })
    expect(error.field).toBe('filters.events[0].properties[1].operator')
    expect(error.message).toMatch(/supported: exact, is_not, icontains.*is_set, is_not_set/)
  })
})

describe('keys', () => {
  it.each([
    ['empty', ''],
    ['missing', undefined],
    ['not a string', 7],
  ])('rejects a %s key', (_label, key) => {
    const error = configErrorOf({ properties: [property({ key })] })
    expect(error.field).toBe('filters.properties[0].key')
    expect(error.message).toMatch(/non-empty string/)
  })
})

describe('values', () => {
  it.each(['exact', 'is_not', 'icontains', 'not_icontains', 'regex', 'not_regex', 'gt', 'gte', 'lt', 'lte'])('requires a value for %s', (operator) => {
    for (const value of [undefined, null, []]) {
      const error = configErrorOf({ properties: [property({ operator, value })] })
      expect(error.field).toBe('filters.properties[0].value')
      expect(error.message).toContain(operator)
    }
  })

  it('does not need a value for is_set / is_not_set', () => {
    expect(() => compileFilters({ properties: [property({ operator: 'is_set', value: undefined })] })).not.toThrow()
    expect(() => compileFilters({ properties: [property({ operator: 'is_not_set', value: null })] })).not.toThrow()
  })

  it.each([[{ a: 1 }], [[{ a: 1 }]], [[null]], [[['nested']]]])('rejects value %p', (value) => {
    const error = configErrorOf({ properties: [property({ value })] })
    expect(error.field).toMatch(/^filters\.properties\[0\]\.value/)
    expect(error.message).toMatch(/string, number, boolean/)
  })

  it('rejects non-numeric values for numeric operators, naming the array element', () => {
    expect(configErrorOf({ properties: [property({ operator: 'gt', value: 'ten' })] }).field).toBe('filters.properties[0].value')
    const error = configErrorOf({ properties: [property({ operator: 'lte', value: [1, '2', 'x'] })] })
    expect(error.field).toBe('filters.properties[0].value[2]')
    expect(error.message).toMatch(/finite number/)
  })
})

describe('regexes', () => {
  it('rejects an invalid regex at compile time, naming the path', () => {
    const raw = { events: [{ id: null, properties: [property({ operator: 'regex', value: '(unclosed' })] }] }
    const error = configErrorOf(raw)
    expect(error.field).toBe('filters.events[0].properties[0].value')
    expect(error.message).toBe('filters.events[0].properties[0].value: not a valid RE2 regular expression (RE2 has no lookaround and no backreferences)')
  })

  it('names the element of an array of regexes', () => {
    const error = configErrorOf({ properties: [property({ operator: 'not_regex', value: ['ok', '[z-a]'] })] })
    expect(error.field).toBe('filters.properties[0].value[1]')
  })

  it('uses RE2 syntax as PostHog does: (?i) works, backreferences are refused', () => {
    const caseless = compileFilters({ properties: [property({ key: 'k', operator: 'regex', value: '(?i)^https://SHOP' })] })
    expect(caseless({ event: { event: 'e', properties: { k: 'https://shop.example' } } })).toBe(true)
    const error = configErrorOf({ properties: [property({ key: 'k', operator: 'regex', value: '(a)\\1' })] })
    expect(error.field).toBe('filters.properties[0].value')
    expect(error.message).toMatch(/not a valid RE2 regular expression/)
  })
})

describe('events entries', () => {
  it('requires id, allowing null for all events', () => {
    const error = configErrorOf({ events: [{ type: 'events' }] })
    expect(error.field).toBe('filters.events[0].id')
    expect(error.message).toMatch(/event name .* or null/)
  })

  it('rejects a non-string id', () => {
    expect(configErrorOf({ events: [{ id: 'a' }, { id: 12 }] }).field).toBe('filters.events[1].id')
  })

  it('rejects an entry of type actions', () => {
    const error = configErrorOf({ events: [{ id: '5', type: 'actions' }] })
    expect(error.field).toBe('filters.events[0].type')
    expect(error.message).toBe('filters.events[0].type: event filter type is not supported; supported: events')
  })

  it('rejects events and properties that are not arrays', () => {
    expect(configErrorOf({ events: { id: 'a' } }).field).toBe('filters.events')
    expect(configErrorOf({ properties: 'x' }).field).toBe('filters.properties')
    expect(configErrorOf({ events: [{ id: 'a', properties: {} }] }).field).toBe('filters.events[0].properties')
  })

  it('rejects a non-boolean filter_test_accounts', () => {
    expect(configErrorOf({ filter_test_accounts: 'yes' }).field).toBe('filters.filter_test_accounts')
  })
})

describe('field paths', () => {
  it('prefixes the caller’s field path', () => {
    const raw = { events: [{ id: 'x', properties: [property({ operator: 'nope' })] }] }
    expect(configErrorOf(raw, 'mappings[2].filters').field).toBe('mappings[2].filters.events[0].properties[0].operator')
  })

  it('puts the field in the error message too', () => {
    const error = configErrorOf({ actions: [1] })
    expect(error.message.startsWith('filters.actions: ')).toBe(true)
    expect(error.name).toBe('ConfigError')
  })

  it('reports the first problem when there are several', () => {
    const error = configErrorOf({ events: [{ id: 1 }], properties: [property({ type: 'hogql' })] })
    expect(error.field).toBe('filters.events[0].id')
  })
})

describe('schema output', () => {
  it('applies defaults and strips unknown keys', () => {
    const parsed = parseFilters({
      events: [{ id: 'x', custom_name: 'X' }],
      properties: [{ key: 'k', type: 'person', value: 'v', label: 'K' }],
      bytecode: [],
    })
    expect(parsed).toEqual({
      events: [{ id: 'x', type: 'events' }],
      properties: [{ key: 'k', type: 'person', operator: 'exact', value: 'v' }],
    })
  })

  it('is usable directly as a zod schema', () => {
    expect(FiltersSchema.safeParse({ events: [{ id: null }] }).success).toBe(true)
  })
})
