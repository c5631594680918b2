import { ApiClient } from '../../src/ui/api'
import { loadSuggestions, MAX_NAME_LENGTH, MAX_NAMES, suggestionsFrom } from '../../src/ui/template-suggestions'

test('event names, event properties and person properties ($set, $set_once, person.properties), sorted and deduplicated', () => {
  const events = [
    { event: 'Checkout', properties: { revenue: 1, $current_url: 'x', $set: { email: 'a' }, $set_once: { first_seen: 'b' } } },
    { event: '$pageview', properties: { $current_url: 'y', Zebra: 1 }, person: { properties: { name: 'n', email: 'e' } } },
    { event: 'Checkout', properties: {} },
  ]
  expect(suggestionsFrom(events)).toEqual({
    events: ['$pageview', 'Checkout'],
    eventProperties: ['$current_url', 'revenue', 'Zebra'],
    personProperties: ['email', 'first_seen', 'name'],
  })
})

test('hostile, empty and over-long names are left out, and each list is bounded', () => {
  const hostile = JSON.parse('{"__proto__": 1, "constructor": 2, "prototype": 3, "": 4, "ok": 5}')
  const many = Object.fromEntries(Array.from({ length: MAX_NAMES + 50 }, (_, i) => [`p${String(i).padStart(4, '0')}`, i]))
  const result = suggestionsFrom([
    { event: 'a', properties: hostile },
    { event: 'x'.repeat(MAX_NAME_LENGTH + 1), properties: { ['y'.repeat(MAX_NAME_LENGTH + 1)]: 1, ...many } },
  ])
  expect(result.events).toEqual(['a'])
  expect(result.eventProperties).toContain('ok')
  expect(result.eventProperties).not.toContain('__proto__')
  expect(result.eventProperties).not.toContain('constructor')
  expect(result.eventProperties.length).toBe(MAX_NAMES)
  expect(result.eventProperties.every((name) => name.length <= MAX_NAME_LENGTH)).toBe(true)
  expect(Object.getPrototypeOf(result)).toBe(Object.prototype)
})

test('answers of another shape give no names rather than an error', () => {
  expect(suggestionsFrom(null)).toEqual({ events: [], eventProperties: [], personProperties: [] })
  expect(suggestionsFrom([null, 1, { event: 3, properties: [1, 2] }])).toEqual({ events: [], eventProperties: [], personProperties: [] })
})

test('loadSuggestions asks the project for its 100 most recent events', async () => {
  const asked: string[] = []
  const client = new ApiClient(async (url) => {
    asked.push(url)
    return new Response(JSON.stringify({ results: [{ event: 'Search', properties: { query: 'q' } }], next: null }), { status: 200 })
  })
  client.projectId = 7
  await expect(loadSuggestions(client)).resolves.toEqual({ events: ['Search'], eventProperties: ['query'], personProperties: [] })
  expect(asked).toEqual(['/api/projects/7/events/?limit=100'])
})
