import { createHash } from 'node:crypto'
import { loadHogParser } from '../../src/hog/parser'
import { compileTemplate, evaluateTemplate } from '../../src/hog/template'

beforeAll(loadHogParser)

const globals = {
  event: {
    uuid: '01936b60-0005-7000-8000-000000000005',
    event: 'Order Completed',
    distinct_id: 'user-42',
    timestamp: '2026-11-29T10:15:00.000Z',
    properties: {
      revenue: 175,
      currency: 'USD',
      email: '  Jane.Doe@Example.COM ',
      query: 'floor lamp',
      tags: ['a', 'b'],
      products: [
        { product_id: 'lamp-01', price: 149, quantity: 1 },
        { product_id: 'bulb-e27', price: 6.5, quantity: 4 },
      ],
    },
  },
  person: { id: 'p1', properties: { email: 'jane@example.com', first_name: 'Jane' } },
  groups: {},
  project: { id: 1, name: 'Acme', url: 'http://localhost/project/1' },
  source: { name: 'Pinterest Conversions API', url: '' },
}

function run(value: unknown): unknown {
  return evaluateTemplate(compileTemplate(value, 'input'), globals)
}

describe('Hog template strings', () => {
  it.each([
    ['{event.properties.revenue}', 175],
    ['{event.properties.tags}', ['a', 'b']],
    ['{event.properties.missing}', null],
    ['{person.properties}', { email: 'jane@example.com', first_name: 'Jane' }],
    ['{event.properties.revenue > 100}', true],
  ])('a single hole %s keeps the expression type', (template, expected) => {
    expect(run(template)).toEqual(expected)
  })

  it('joins mixed text into a string, nulls as empty text', () => {
    expect(run('Order {event.properties.currency} {event.properties.revenue}{event.properties.missing}!')).toBe('Order USD 175!')
  })

  it('keeps text without holes as it is and processes escapes like PostHog', () => {
    expect(run('https://example.com/?a=1&b=2')).toBe('https://example.com/?a=1&b=2')
    expect(run('literal \\{braces}')).toBe('literal {braces}')
  })

  it.each([
    ['{person.properties.email ?? event.properties.email}', 'jane@example.com'],
    ["{person.properties.phone ?? event.properties.phone ?? 'none'}", 'none'],
    ["{event.properties.revenue > 100 ? 'big' : 'small'}", 'big'],
    ["{if(event.properties.missing, 'yes', 'no')}", 'no'],
    ["{if(event.properties.missing, 'yes')}", null],
    ["{multiIf(event.properties.revenue > 1000, 'huge')}", null],
    ["{multiIf(event.properties.revenue > 100, 'big')}", 'big'],
    ['{source.name}', 'Pinterest Conversions API'],
    ["{multiIf(event.properties.revenue < 10, 'low', event.properties.revenue < 200, 'mid', 'high')}", 'mid'],
    ['{event.properties.revenue * 2 - 50 / 5 + 7 % 4}', 343],
    ["{event.event == 'Order Completed' and not empty(event.properties.query)}", true],
    ["{event.event in ['Signed Up', 'Order Completed']}", true],
    ["{event.properties.query like '%lamp'}", true],
    ["{event.properties.query =~ '^floor'}", true],
    ["{event.properties.query =~* '^FLOOR'}", true],
    ['{event.properties.revenue between 100 and 200}', true],
    ['{lower(trim(event.properties.email))}', 'jane.doe@example.com'],
    ['{upper(event.properties.currency)}', 'USD'],
    ['{toString(event.properties.revenue)}', '175'],
    ["{toInt('42') + 1}", 43],
    ["{toFloat('6.5') * 2}", 13],
    ['{toUnixTimestamp(event.timestamp)}', 1795947300],
    ["{replaceAll(event.properties.query, ' ', '-')}", 'floor-lamp'],
    ["{splitByString(' ', event.properties.query)}", ['floor', 'lamp']],
    ['{length(event.properties.products)}', 2],
    ['{event.properties.products.2.product_id}', 'bulb-e27'],
    ["{event.properties.products[1]['price']}", 149],
    ['{event.properties.missing?.deep}', null],
  ])('%s evaluates to %j', (template, expected) => {
    expect(run(template)).toEqual(expected)
  })

  it('hashes with sha256Hex as PostHog does', () => {
    const expected = createHash('sha256').update('jane@example.com').digest('hex')
    expect(run('{sha256Hex(person.properties.email)}')).toBe(expected)
  })

  it('runs lambdas in arrayMap, arrayFilter and arrayReduce', () => {
    expect(run('{arrayMap(p -> p.product_id, event.properties.products)}')).toEqual(['lamp-01', 'bulb-e27'])
    expect(run('{arrayFilter(p -> p.quantity > 1, event.properties.products)}')).toEqual([{ product_id: 'bulb-e27', price: 6.5, quantity: 4 }])
    expect(run('{arrayReduce((sum, p) -> sum + p.price * p.quantity, event.properties.products, 0)}')).toBe(175)
    expect(run("{arrayMap(p -> {'id': p.product_id, 'item_price': toString(p.price)}, event.properties.products)}")).toEqual([
      { id: 'lamp-01', item_price: '149' },
      { id: 'bulb-e27', item_price: '6.5' },
    ])
  })

  it('builds dictionary and array literals', () => {
    expect(run("{ {'value': event.properties.revenue, 'ids': [1, 'two']} }")).toEqual({ value: 175, ids: [1, 'two'] })
  })

  it('templates dictionaries and arrays leaf by leaf and leaves nulls out', () => {
    const value = {
      email: '{person.properties.email}',
      phone: '{person.properties.phone}',
      nested: { total: '{event.properties.revenue}', note: 'fixed text', none: null },
      list: ['{event.properties.currency}', '{event.properties.missing}', 3, true],
    }
    expect(run(value)).toEqual({
      email: 'jane@example.com',
      nested: { total: 175, note: 'fixed text' },
      list: ['USD', 3, true],
    })
  })

  it('passes non-string leaves through as constants', () => {
    expect(run(42)).toBe(42)
    expect(run(false)).toBe(false)
    expect(run(null)).toBeNull()
  })
})
