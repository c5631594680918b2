import { buildPinterestEvent } from '../../src/pinterest/builder'
import { buildChecked, expectValidPinterestEvent } from '../helpers/checked'
import { NOW_MS, minimalInputs } from './inputs'

const customData = (custom_data: unknown) => {
  const result = buildChecked(minimalInputs({ custom_data }), NOW_MS)
  if (result.status !== 'event') throw new Error(result.reason)
  return { custom: result.event.custom_data, warnings: result.warnings }
}

describe('custom_data.contents', () => {
  it('maps PostHog/Segment product keys onto Pinterest item keys', () => {
    const product = { product_id: 'p1', sku: 'SKU-1', name: 'Lamp', brand: 'Lumen', category: 'Lighting', price: 149, quantity: 2, url: 'https://x', image_url: 'https://y', variant: 'red' }
    expect(customData({ contents: [product] })).toEqual({
      warnings: [],
      custom: {
        content_ids: ['p1'],
        num_items: 2,
        contents: [{ id: 'p1', item_price: '149', quantity: 2, item_name: 'Lamp', item_category: 'Lighting', item_brand: 'Lumen' }],
      },
    })
  })

  it('prefers Pinterest keys, then product_id, then sku', () => {
    const { custom } = customData({
      contents: [{ id: 'a', product_id: 'b', sku: 'c', item_price: '1.50', price: 9 }, { product_id: 'b', sku: 'c' }, { sku: 'c' }, { id: '', product_id: 42 }],
    })
    expect(custom?.contents).toEqual([{ id: 'a', item_price: '1.5' }, { id: 'b' }, { id: 'c' }, { id: '42' }])
  })

  it('leaves quantity out when absent and counts such items as one unit in num_items', () => {
    const { custom } = customData({ contents: [{ id: 'a', quantity: '3' }, { id: 'b' }] })
    expect(custom).toEqual({ content_ids: ['a', 'b'], num_items: 4, contents: [{ id: 'a', quantity: 3 }, { id: 'b' }] })
  })

  it('reads every item key, the Pinterest name before the product spec name, on both the quick and the checked path', () => {
    const pinterest = { id: 'a', item_price: 2, quantity: 3, item_name: 'Lamp', item_category: 'Lighting', item_brand: 'Lumen' }
    const spec = { product_id: 'b', sku: 'c', price: 9, name: 'Other', category: 'Other', brand: 'Other' }
    const expected = { id: 'a', item_price: '2', quantity: 3, item_name: 'Lamp', item_category: 'Lighting', item_brand: 'Lumen' }
    // A spec key's value no quick reader takes (an object) sends the line down the checked path.
    const checked = { ...pinterest, ...spec, url: { not: 'read' }, brand: { nested: true } }
    const { custom, warnings } = customData({ contents: [{ ...spec, ...pinterest }, checked, { sku: 'c', name: 'N', category: 'C', brand: 'B', price: '1.50' }] })
    expect(custom?.contents).toEqual([expected, expected, { id: 'c', item_price: '1.5', item_name: 'N', item_category: 'C', item_brand: 'B' }])
    expect(warnings).toEqual([])
  })

  it('takes the next key when the first holds a value that is not usable, and warns only when no key is usable', () => {
    const { custom, warnings } = customData({
      contents: [
        { id: { nested: true }, product_id: 'b', price: '' },
        { id: '  ', sku: 7 },
        { id: [1], quantity: 1 },
      ],
    })
    expect(custom?.contents).toEqual([{ id: 'b' }, { id: '7' }, { quantity: 1 }])
    expect(warnings).toEqual(['custom_data.contents[2].id must be a string, got an array; left out'])
  })

  it("reads only an item's own keys: a key inherited from a polluted Object.prototype is not a price", () => {
    Object.defineProperty(Object.prototype, 'price', { value: 999, enumerable: true, configurable: true, writable: true })
    let built: ReturnType<typeof buildPinterestEvent>
    try {
      built = buildPinterestEvent(minimalInputs({ custom_data: { contents: [{ id: 'a' }, JSON.parse('{"sku":"b","__proto__":{"price":5}}')] } }), { nowMs: NOW_MS })
    } finally {
      delete (Object.prototype as Record<string, unknown>).price
    }
    // Checked against the schemas once the prototype is clean again (their validators would see the key too).
    expect(built.status === 'event' && built.event.custom_data?.contents).toEqual([{ id: 'a' }, { id: 'b' }])
    if (built.status === 'event') expectValidPinterestEvent(built.event)
  })

  it('reads an item without a prototype', () => {
    const item = Object.assign(Object.create(null), { product_id: 'p', price: 3 })
    expect(customData({ contents: [item] }).custom?.contents).toEqual([{ id: 'p', item_price: '3' }])
  })

  it('keeps an explicit num_items and explicit content_ids', () => {
    const { custom } = customData({ num_items: 10, content_ids: ['x'], contents: [{ id: 'a', quantity: 1 }] })
    expect(custom).toEqual({ num_items: 10, content_ids: ['x'], contents: [{ id: 'a', quantity: 1 }] })
  })

  it('dedupes derived content_ids', () => {
    const { custom } = customData({ contents: [{ id: 'a' }, { id: 'a', name: 'other variant' }] })
    expect(custom?.content_ids).toEqual(['a'])
  })

  it('accepts a single product object', () => {
    expect(customData({ contents: { product_id: 'p1', price: '9.99' } }).custom).toEqual({
      content_ids: ['p1'],
      num_items: 1,
      contents: [{ id: 'p1', item_price: '9.99' }],
    })
  })

  it('drops items that end up empty, non-object items and bad fields with warnings', () => {
    const { custom, warnings } = customData({
      contents: [{ url: 'https://x' }, 'sku-1', null, { id: 'a', price: 'free', quantity: -1 }, { id: { nested: true } }],
    })
    expect(custom).toEqual({ content_ids: ['a'], num_items: 1, contents: [{ id: 'a' }] })
    expect(warnings).toEqual([
      'custom_data.contents[1] must be an object, got a string; left out',
      'custom_data.contents[3].price must be a number, got "free"; left out',
      'custom_data.contents[3].quantity must be at least 0, got -1; left out',
      'custom_data.contents[4].id must be a string, got an object; left out',
    ])
  })

  it('leaves out contents that is not a list', () => {
    const { custom, warnings } = customData({ contents: 'lamp', value: 1 })
    expect(custom).toEqual({ value: '1' })
    expect(warnings).toEqual(['custom_data.contents must be an array of objects, got a string; left out'])
  })
})
