import type { PostHogEvent, ProcessedPluginEvent } from '@posthog/plugin-scaffold'
import { eventGlobals, type InvocationGlobals } from '../mapping/globals'

/** A plugin server's event as the invocation globals our functions read. */
export function pluginEventToGlobals(event: PostHogEvent | ProcessedPluginEvent): InvocationGlobals {
  const person = event.person as { uuid?: string; properties?: Record<string, unknown> } | undefined
  const captured = { uuid: event.uuid, event: event.event, distinct_id: event.distinct_id, properties: event.properties ?? {}, timestamp: toIsoString(event.timestamp) }
  return eventGlobals(captured, person ? { id: person.uuid ?? '', properties: person.properties ?? {} } : null, { id: event.team_id ?? 0, name: '' })
}

// A Date made in the plugin server's realm is not an instance of this realm's Date, hence no instanceof.
function toIsoString(timestamp: unknown): string {
  const date = timestamp as { toISOString?: () => string } | null | undefined
  if (typeof date?.toISOString === 'function') return date.toISOString()
  return String(timestamp ?? '')
}
