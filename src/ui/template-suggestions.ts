import type { ApiClient } from './api'
import type { TemplateSuggestions } from './template-completions'

/** One event of `GET /api/projects/:id/events/`, as far as suggestions read it. */
interface RecentEvent {
  event?: unknown
  properties?: unknown
  person?: unknown
}

export const MAX_NAMES = 500
export const MAX_NAME_LENGTH = 200
// Names that would reach an object's prototype if ever used as keys: never offered.
const HOSTILE = new Set(['__proto__', 'constructor', 'prototype'])
// Carriers of person properties, not properties worth templating themselves.
const PERSON_UPDATES = ['$set', '$set_once']

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

/** Collects names up to the bounds, skipping empty, over-long and hostile ones. */
class Names {
  private readonly seen = new Set<string>()

  add(name: unknown): void {
    if (typeof name !== 'string' || name === '' || name.length > MAX_NAME_LENGTH || HOSTILE.has(name)) return
    if (this.seen.size < MAX_NAMES) this.seen.add(name)
  }

  addKeys(object: unknown, skip: string[] = []): void {
    if (!isRecord(object)) return
    for (const key of Object.keys(object)) if (!skip.includes(key)) this.add(key)
  }

  sorted(): string[] {
    return [...this.seen].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()) || (a < b ? -1 : a > b ? 1 : 0))
  }
}

/** The names of events, event properties and person properties in `events` (the events endpoint's `results`). */
export function suggestionsFrom(events: unknown): TemplateSuggestions {
  const names = { events: new Names(), eventProperties: new Names(), personProperties: new Names() }
  for (const raw of Array.isArray(events) ? events : []) {
    if (!isRecord(raw)) continue
    const event = raw as RecentEvent
    names.events.add(event.event)
    names.eventProperties.addKeys(event.properties, PERSON_UPDATES)
    if (isRecord(event.properties)) for (const key of PERSON_UPDATES) names.personProperties.addKeys(event.properties[key])
    if (isRecord(event.person)) names.personProperties.addKeys(event.person.properties)
  }
  return { events: names.events.sorted(), eventProperties: names.eventProperties.sorted(), personProperties: names.personProperties.sorted() }
}

/** Suggestions from the project's 100 most recent events. */
export async function loadSuggestions(client: ApiClient): Promise<TemplateSuggestions> {
  const answer = await client.request<{ results?: unknown }>('GET', client.project('events/?limit=100'))
  return suggestionsFrom(isRecord(answer) ? answer.results : [])
}
