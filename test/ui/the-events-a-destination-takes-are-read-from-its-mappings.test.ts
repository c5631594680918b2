import { capturedEventText, newest, shortList, triggerEvents } from '../../src/ui/testing'

const mapping = (events: unknown[], extra: Record<string, unknown> = {}) => ({ name: 'm', filters: { events }, ...extra })

test('the events of the switched-on mappings, each once', () => {
  const mappings = [
    mapping([{ id: 'Order Completed', type: 'events' }]),
    mapping([
      { id: 'Product List Viewed', type: 'events' },
      { id: 'Order Completed', type: 'events' },
    ]),
    mapping([{ id: 'Products Searched', type: 'events' }], { disabled: true }),
  ]
  expect(triggerEvents(mappings)).toEqual({ all: false, names: ['Order Completed', 'Product List Viewed'] })
})

test('a mapping for every event (id null, or no event entries) takes them all', () => {
  expect(triggerEvents([mapping([{ id: null, type: 'events' }])]).all).toBe(true)
  expect(triggerEvents([{ name: 'm', filters: { properties: [] } }]).all).toBe(true)
  expect(triggerEvents([mapping([{ id: null }], { disabled: true })])).toEqual({ all: false, names: [] })
  expect(triggerEvents(null)).toEqual({ all: false, names: [] })
})

test('the newest event is the one with the latest timestamp, whatever the order', () => {
  const at = (timestamp: string, event: string) => ({ uuid: event, event, distinct_id: 'd', properties: {}, timestamp })
  expect(newest([at('2026-11-29T10:00:00.000Z', 'a'), at('2026-11-30T09:00:00.000Z', 'b'), at('2026-11-30T08:00:00.000Z', 'c')])?.event).toBe('b')
  expect(newest([])).toBeNull()
})

test('a captured event is shown in capture shape', () => {
  const text = capturedEventText({ uuid: 'u', event: 'Order Completed', distinct_id: 'd', properties: { revenue: 1 }, timestamp: 't' })
  expect(JSON.parse(text)).toEqual({ event: 'Order Completed', distinct_id: 'd', uuid: 'u', timestamp: 't', properties: { revenue: 1 } })
})

test('long lists stay short', () => {
  expect(shortList(['a'])).toBe('“a”')
  expect(shortList(['a', 'b', 'c'])).toBe('“a”, “b” and “c”')
  expect(shortList(['a', 'b', 'c', 'd', 'e', 'f'])).toBe('“a”, “b”, “c”, “d” and 2 more')
})
