import fc from 'fast-check'
import { compileFilters, type FilterGlobals } from '../../src/mapping/filters'

const OPERATORS = ['exact', 'is_not', 'icontains', 'not_icontains', 'regex', 'not_regex', 'gt', 'gte', 'lt', 'lte']

/** One matcher per operator (plus presence checks) on both event and person properties. */
const matchers = [
  ...OPERATORS.flatMap((operator) => (['event', 'person'] as const).map((type) => compileFilters({ events: [{ id: null, properties: [{ key: 'k', type, operator, value: ['1', '2.5'] }] }] }))),
  compileFilters({ properties: [{ key: 'k', type: 'event', operator: 'is_set' }] }),
  compileFilters({ properties: [{ key: '__proto__', type: 'person', operator: 'is_not_set' }] }),
]

/** Matchers are typed for well-formed globals; these tests deliberately feed them anything. */
const runAll = (globals: unknown): boolean[] => matchers.map((matches) => matches(globals as FilterGlobals))

describe('matchers never throw', () => {
  it('on arbitrary globals', () => {
    fc.assert(
      fc.property(fc.anything(), (globals) => {
        runAll(globals)
      }),
    )
  })

  it('on arbitrary property bags', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (k, event, person) => {
        const results = runAll({ event: { event, properties: { k } }, person: { properties: person } })
        expect(results.every((result) => typeof result === 'boolean')).toBe(true)
      }),
    )
  })

  it.each([
    ['no globals', undefined],
    ['null globals', null],
    ['a string', 'event'],
    ['no event', {}],
    ['event null', { event: null }],
    ['properties missing', { event: { event: 'x' } }],
    ['properties a string', { event: { event: 'x', properties: 'k=1' }, person: { properties: 'k' } }],
    ['properties an array', { event: { event: 'x', properties: ['1'] }, person: { properties: [1] } }],
    ['person a number', { event: { event: 'x', properties: {} }, person: 5 }],
    ['null-prototype properties', { event: { event: 'x', properties: Object.create(null) } }],
  ])('with %s', (_label, globals) => {
    expect(() => runAll(globals)).not.toThrow()
  })

  it('with values that cannot be stringified', () => {
    const circular: Record<string, unknown> = {}
    circular.self = circular
    const toJSONThrows = {
      toJSON: () => {
        throw new Error('no')
      },
    }
    for (const k of [circular, toJSONThrows, 10n, Symbol('s'), () => 1, Object.create(null)]) {
      expect(() => runAll({ event: { event: 'x', properties: { k } }, person: { properties: { k } } })).not.toThrow()
    }
  })

  it('with a throwing proxy as properties', () => {
    const hostile = new Proxy(
      {},
      {
        getOwnPropertyDescriptor: () => {
          throw new Error('trap')
        },
      },
    )
    const results = runAll({ event: { event: 'x', properties: hostile }, person: { properties: hostile } })
    expect(results.every((result) => result === false)).toBe(true)
  })

  it('with a huge string', () => {
    const huge = '9'.repeat(5_000_000) + 'x'
    expect(() => runAll({ event: { event: 'x', properties: { k: huge } } })).not.toThrow()
  })
})
