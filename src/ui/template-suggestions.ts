import type { ApiClient } from './api'
import type { TemplateSuggestions } from './components/TemplateField'

interface RecentEvent {
  event: string
  properties?: Record<string, unknown>
}

/** Event names and property names seen in the project's recent events, for template fields and event pickers. */
export async function loadSuggestions(client: ApiClient): Promise<TemplateSuggestions> {
  const { results } = await client.request<{ results: RecentEvent[] }>('GET', client.project('events/?limit=100'))
  const events = new Set<string>()
  const eventProperties = new Set<string>()
  const personProperties = new Set<string>()
  for (const event of results) {
    events.add(event.event)
    for (const key of Object.keys(event.properties ?? {})) eventProperties.add(key)
    const set = event.properties?.$set
    if (typeof set === 'object' && set !== null) for (const key of Object.keys(set)) personProperties.add(key)
  }
  const sorted = (names: Set<string>) => [...names].sort()
  return { events: sorted(events), eventProperties: sorted(eventProperties), personProperties: sorted(personProperties) }
}
