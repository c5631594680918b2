import { isRecord } from '../json'
import { type CapturedEvent, MAX_EVENT_NAME, readCapturedEvent } from './captured-event'

/** What a destination sees per event, in PostHog's `HogFunctionInvocationGlobals` shape. */
export interface InvocationGlobals {
  event: CapturedEvent & { elements_chain: string; url: string }
  person: { id: string; properties: Record<string, unknown>; name?: string; url?: string } | null
  groups: Record<string, unknown>
  project: { id: number; name: string; url: string }
  source?: { name: string; url: string }
}

export type GlobalsResult = { ok: true; globals: InvocationGlobals } | { ok: false; reason: string }

/** The person an event's globals carry: a stored or plugin-server person, or the one the event sets. */
export interface GlobalsPerson {
  id: string
  properties: Record<string, unknown>
}

/**
 * The globals of a captured event: the one way the server (stored event and person), the plugin (the
 * plugin server's event and person) and capture-style input (toInvocationGlobals) build them.
 */
export function eventGlobals(event: CapturedEvent, person: GlobalsPerson | null | undefined, project: { id: number; name: string }): InvocationGlobals {
  return {
    event: { uuid: event.uuid, event: event.event, distinct_id: event.distinct_id, properties: event.properties, timestamp: event.timestamp, elements_chain: '', url: '' },
    person: person ? { id: person.id, properties: person.properties } : null,
    groups: {},
    project: { id: project.id, name: project.name, url: '' },
  }
}

/** Strings and numbers as text; anything else (objects with odd toString, arrays) as the fallback. */
const text = (v: unknown, fallback = ''): string => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : fallback)

/**
 * Accepts invocation globals (`{event: {...}, person, groups, project}`) or a capture-style event
 * (`{event: "name", distinct_id, properties, timestamp, uuid}`) and returns full globals, or a
 * reason naming the bad field. Capture-style events are read by capture's own rules
 * (readCapturedEvent): a fresh uuid and the current time when they have none, as PostHog's capture does.
 */
export function toInvocationGlobals(input: unknown, nowMs: number = Date.now()): GlobalsResult {
  if (!isRecord(input)) return { ok: false, reason: 'event: expected a JSON object' }
  return typeof input.event === 'string' ? fromCapture(input, nowMs) : fromGlobals(input)
}

function fromGlobals(input: Record<string, unknown>): GlobalsResult {
  if (!isRecord(input.event)) return { ok: false, reason: 'event: expected an object or an event name' }
  const event = checkEvent(input.event, 'event.')
  if (typeof event === 'string') return { ok: false, reason: event }
  const person = input.person
  if (person !== undefined && person !== null && !isRecord(person)) return { ok: false, reason: 'person: expected an object or null' }
  if (isRecord(person) && person.properties !== undefined && !isRecord(person.properties)) {
    return { ok: false, reason: 'person.properties: expected an object' }
  }
  return {
    ok: true,
    globals: {
      event,
      person: isRecord(person) ? { ...person, id: text(person.id), properties: isRecord(person.properties) ? person.properties : {} } : null,
      groups: isRecord(input.groups) ? input.groups : {},
      project: projectOf(input.project),
      ...(isRecord(input.source) ? { source: input.source as InvocationGlobals['source'] } : {}),
    },
  }
}

function fromCapture(input: Record<string, unknown>, nowMs: number): GlobalsResult {
  const read = readCapturedEvent(input, nowMs)
  if ('reason' in read) return { ok: false, reason: `${read.field}: ${read.reason}` }
  const { properties } = read.event
  const set = isRecord(properties.$set) ? properties.$set : {}
  const setOnce = isRecord(properties.$set_once) ? properties.$set_once : {}
  const hasPerson = Object.keys(set).length + Object.keys(setOnce).length > 0
  // Without a person store, the properties the event itself sets are the best person we have.
  const person = hasPerson ? { id: read.event.distinct_id, properties: { ...setOnce, ...set } } : null
  return { ok: true, globals: eventGlobals(read.event, person, { id: 0, name: '' }) }
}

function checkEvent(raw: Record<string, unknown>, prefix: string): InvocationGlobals['event'] | string {
  if (typeof raw.event !== 'string' || raw.event.length === 0) return `${prefix}event: expected a non-empty string`
  if (raw.event.length > MAX_EVENT_NAME) return `${prefix}event: longer than ${MAX_EVENT_NAME} characters`
  if (raw.properties !== undefined && raw.properties !== null && !isRecord(raw.properties)) {
    return `${prefix}properties: expected an object`
  }
  for (const key of ['uuid', 'distinct_id', 'timestamp'] as const) {
    const value = raw[key]
    if (value !== undefined && value !== null && typeof value !== 'string' && typeof value !== 'number') {
      return `${prefix}${key}: expected a string`
    }
  }
  return {
    uuid: text(raw.uuid),
    event: raw.event,
    distinct_id: text(raw.distinct_id),
    properties: isRecord(raw.properties) ? raw.properties : {},
    timestamp: text(raw.timestamp),
    elements_chain: typeof raw.elements_chain === 'string' ? raw.elements_chain : '',
    url: typeof raw.url === 'string' ? raw.url : '',
  }
}

function projectOf(raw: unknown): InvocationGlobals['project'] {
  if (!isRecord(raw)) return { id: 0, name: '', url: '' }
  return { id: typeof raw.id === 'number' && Number.isFinite(raw.id) ? raw.id : Number(text(raw.id, '0')) || 0, name: text(raw.name), url: text(raw.url) }
}
