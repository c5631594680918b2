import { matchingTemplates, timeAgo, visibleDestinations } from '../../src/ui/destinations'

const base = { description: '', updated_at: '2026-12-01T00:00:00.000Z' }
const all = [
  { ...base, id: '1', name: 'Shop EU', enabled: true, template: { id: 't', name: 'Pinterest Conversions API' } },
  { ...base, id: '2', name: 'Shop US', enabled: false },
  { ...base, id: '3', name: 'Blog', enabled: true, description: 'the shop blog' },
]

test('paused destinations show only when asked', () => {
  expect(visibleDestinations(all, '', false).map((d) => d.id)).toEqual(['1', '3'])
  expect(visibleDestinations(all, '', true).map((d) => d.id)).toEqual(['1', '2', '3'])
})

test('search matches every word, in any case, in name, description or template name', () => {
  expect(visibleDestinations(all, 'shop', true).map((d) => d.id)).toEqual(['1', '2', '3'])
  expect(visibleDestinations(all, 'SHOP us', true).map((d) => d.id)).toEqual(['2'])
  expect(visibleDestinations(all, 'pinterest', true).map((d) => d.id)).toEqual(['1'])
  expect(visibleDestinations(all, 'nothing', true)).toEqual([])
})

test('typing Pinterest in the catalogue finds the Pinterest Conversions API template', () => {
  const templates = [
    { id: 'segment-actions-pinterest-conversions-api', name: 'Pinterest Conversions API', description: 'Send web, app and offline conversions', category: ['Advertisement'] },
    { id: 'other', name: 'Webhook', description: 'Send to a URL' },
  ]
  expect(matchingTemplates(templates, 'Pinterest').map((t) => t.id)).toEqual(['segment-actions-pinterest-conversions-api'])
  expect(matchingTemplates(templates, 'advert').map((t) => t.id)).toEqual(['segment-actions-pinterest-conversions-api'])
  expect(matchingTemplates(templates, '').length).toBe(2)
})

test('last updated reads as time ago', () => {
  const now = Date.parse('2026-12-03T00:00:00.000Z')
  expect(timeAgo('2026-12-01T00:00:00.000Z', now)).toBe('2 days ago')
  expect(timeAgo('2026-12-02T23:00:00.000Z', now)).toBe('1 hour ago')
  expect(timeAgo('2026-12-02T23:55:00.000Z', now)).toBe('5 minutes ago')
  expect(timeAgo('2026-12-02T23:59:50.000Z', now)).toBe('just now')
})
