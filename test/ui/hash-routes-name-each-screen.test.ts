import { DESTINATION_TABS, parseRoute, routeHash, sameScreen } from '../../src/ui/routes'

test('each hash names its screen', () => {
  expect(parseRoute('')).toEqual({ name: 'list' })
  expect(parseRoute('#/')).toEqual({ name: 'list' })
  expect(parseRoute('#/new')).toEqual({ name: 'catalogue' })
  expect(parseRoute('#/new/segment-actions-pinterest-conversions-api')).toEqual({ name: 'new', templateId: 'segment-actions-pinterest-conversions-api' })
  expect(parseRoute('#/destinations/abc-1')).toEqual({ name: 'destination', id: 'abc-1', tab: 'configuration' })
  expect(parseRoute('#/destinations/abc-1/configuration')).toEqual({ name: 'destination', id: 'abc-1', tab: 'configuration' })
  expect(DESTINATION_TABS.map((tab) => parseRoute(`#/destinations/abc-1/${tab}`))).toEqual(
    ['configuration', 'mappings', 'testing', 'logs', 'deliveries', 'metrics', 'quality', 'history', 'alerts'].map((tab) => ({ name: 'destination', id: 'abc-1', tab })),
  )
})

test('unknown hashes, tabs and broken escapes are not found', () => {
  expect(parseRoute('#/elsewhere')).toEqual({ name: 'not-found' })
  expect(parseRoute('#/destinations/abc/nope')).toEqual({ name: 'not-found' })
  expect(parseRoute('#/destinations/%E0%A4%A')).toEqual({ name: 'not-found' })
})

test('a route written as a hash reads back as itself', () => {
  const routes = [{ name: 'list' }, { name: 'catalogue' }, { name: 'new', templateId: 'a b' }, { name: 'destination', id: 'x/y', tab: 'configuration' }] as const
  for (const route of routes) expect(parseRoute(routeHash(route))).toEqual(route)
  expect(routeHash({ name: 'destination', id: 'abc', tab: 'configuration' })).toBe('#/destinations/abc')
})

test("a destination's tabs are one screen, so moving between them keeps unsaved changes", () => {
  expect(sameScreen(parseRoute('#/destinations/a'), parseRoute('#/destinations/a/mappings'))).toBe(true)
  expect(sameScreen(parseRoute('#/destinations/a/logs'), parseRoute('#/destinations/b/logs'))).toBe(false)
  expect(sameScreen(parseRoute('#/destinations/a'), parseRoute('#/'))).toBe(false)
  expect(sameScreen(parseRoute('#/new/x'), parseRoute('#/new/x'))).toBe(false)
})
