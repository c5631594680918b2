/** The page's screens, one per `location.hash`. */
export type Route = { name: 'list' } | { name: 'catalogue' } | { name: 'new'; templateId: string } | { name: 'destination'; id: string; tab: DestinationTab } | { name: 'not-found' }

export const DESTINATION_TABS = ['configuration', 'mappings', 'testing', 'logs', 'deliveries', 'metrics', 'quality', 'history', 'alerts'] as const

export const TAB_LABELS: Record<DestinationTab, string> = {
  configuration: 'Configuration',
  mappings: 'Mappings',
  testing: 'Testing',
  logs: 'Logs',
  deliveries: 'Deliveries',
  metrics: 'Metrics',
  quality: 'Quality',
  history: 'History',
  alerts: 'Alerts',
}
export type DestinationTab = (typeof DESTINATION_TABS)[number]

const decode = (part: string) => {
  try {
    return decodeURIComponent(part)
  } catch {
    return ''
  }
}

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#/, '').split('/').filter(Boolean).map(decode)
  if (parts.length === 0) return { name: 'list' }
  if (parts[0] === 'new' && parts.length === 1) return { name: 'catalogue' }
  if (parts[0] === 'new' && parts.length === 2 && parts[1]) return { name: 'new', templateId: parts[1] }
  if (parts[0] === 'destinations' && parts.length >= 2 && parts.length <= 3 && parts[1]) {
    const tab = (parts[2] ?? 'configuration') as DestinationTab
    if (DESTINATION_TABS.includes(tab)) return { name: 'destination', id: parts[1], tab }
  }
  return { name: 'not-found' }
}

/** Routes that show the same screen (a destination's tabs): moving between them keeps unsaved changes. */
export function sameScreen(a: Route, b: Route): boolean {
  return a.name === 'destination' && b.name === 'destination' && a.id === b.id
}

export function routeHash(route: Route): string {
  switch (route.name) {
    case 'list':
    case 'not-found':
      return '#/'
    case 'catalogue':
      return '#/new'
    case 'new':
      return `#/new/${encodeURIComponent(route.templateId)}`
    case 'destination':
      return `#/destinations/${encodeURIComponent(route.id)}${route.tab === 'configuration' ? '' : `/${route.tab}`}`
  }
}
