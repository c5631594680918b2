/** The Testing tab's model: reading the event to test, the events the mappings take, and the test run's answer. */
import { jsonProblem } from './json-problem'

/** The event as the invocations endpoint takes it: invocation globals, or an event in capture shape. */
export type EventBody = { globals: Record<string, unknown> } | { event: Record<string, unknown> }
export type ReadEvent = { ok: true; body: EventBody } | { ok: false; error: string }

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value)

const kindOf = (value: unknown) => (Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`)

function notJson(text: string): string {
  const problem = jsonProblem(text)
  return problem ? `This is not valid JSON: at line ${problem.line}, column ${problem.column} it expected ${problem.expected}.` : 'This is not valid JSON.'
}

/** The text of the event field as a request body, or a message naming what makes it no event. */
export function readEventText(text: string): ReadEvent {
  if (text.trim() === '') return { ok: false, error: 'Give an event to test: pick a sample, load the latest captured event, or paste one.' }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return { ok: false, error: notJson(text) }
  }
  if (!isRecord(value)) return { ok: false, error: `This JSON is ${kindOf(value)}, not an event: an event is an object.` }
  if (typeof value.event === 'string') {
    return value.event.trim() === '' ? { ok: false, error: 'The "event" field is empty: give the event\'s name, such as "Order Completed".' } : { ok: true, body: { event: value } }
  }
  if (isRecord(value.event)) {
    const name = value.event.event
    if (typeof name !== 'string' || name.trim() === '') return { ok: false, error: 'The event has no name: "event.event" must be its name, such as "Order Completed".' }
    return { ok: true, body: { globals: value } }
  }
  return { ok: false, error: 'This JSON is not an event: it needs an "event" field, the event\'s name (a captured event) or an object with one (invocation globals).' }
}

/** The events a destination's switched-on mappings take by name; `all` when one of them takes every event. */
export function triggerEvents(mappings: unknown): { all: boolean; names: string[] } {
  const names = new Set<string>()
  let all = false
  for (const mapping of Array.isArray(mappings) ? mappings : []) {
    if (!isRecord(mapping) || mapping.disabled === true) continue
    const events = isRecord(mapping.filters) && Array.isArray(mapping.filters.events) ? mapping.filters.events : []
    // Without event entries, a mapping's filters (properties only, or none) take every event.
    if (events.length === 0) all = true
    for (const entry of events) {
      if (!isRecord(entry)) continue
      if (typeof entry.id === 'string') names.add(entry.id)
      else if (entry.id === null || entry.id === undefined) all = true
    }
  }
  return { all, names: [...names] }
}

/** An event as `GET events/` lists it. */
export interface CapturedEvent {
  uuid: string
  event: string
  distinct_id: string
  properties: Record<string, unknown>
  timestamp: string
}

/** The newest of some captured events, or null when there are none. */
export function newest(events: CapturedEvent[]): CapturedEvent | null {
  let found: CapturedEvent | null = null
  for (const event of events) if (!found || Date.parse(event.timestamp) > Date.parse(found.timestamp)) found = event
  return found
}

/** A captured event as the event field shows it: in capture shape, ready to test. */
export function capturedEventText(event: CapturedEvent): string {
  const { uuid, event: name, distinct_id, timestamp, properties } = event
  return JSON.stringify({ event: name, distinct_id, uuid, timestamp, properties }, null, 2)
}

/** "A, B and 3 more": a list that stays short. */
export function shortList(items: string[], max = 4): string {
  const shown = items.slice(0, max).map((item) => `“${item}”`)
  if (items.length > max) return `${shown.join(', ')} and ${items.length - max} more`
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}` : (shown[0] ?? '')
}

/** A random (version 4) UUID, also where crypto.randomUUID is missing (a page not served from a secure origin). */
export function newUuid(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  bytes[6] = (bytes[6] & 0x0f) | 0x40
  bytes[8] = (bytes[8] & 0x3f) | 0x80
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

export type MappingStatus = 'event' | 'skipped' | 'filtered' | 'disabled' | 'error'

/** One mapping's part of a test run (`mapping` is null for a problem of the event itself). */
export interface MappingResult {
  mapping: string | null
  status: MappingStatus
  event?: unknown
  reason?: string
  warnings?: string[]
}

/** What `POST hog_functions/:id/invocations` answers, in PostHog's shape. */
export interface TestRun {
  status: 'success' | 'error' | 'skipped'
  logs: { level: string; message: string }[]
  errors: string[]
  result: {
    request: { method: string; url: string; headers: Record<string, string>; body: unknown } | null
    results: MappingResult[]
    response?: { status: number; body: unknown } | { error: string }
  }
}

export const STATUS_LABELS: Record<MappingStatus, string> = {
  event: 'Pinterest event',
  skipped: 'Skipped',
  filtered: 'Filtered out',
  disabled: 'Switched off',
  error: 'Error',
}

/** One sentence on the whole run. */
export function runSummary(run: TestRun): string {
  const built = run.result.results.filter((r) => r.status === 'event').length
  if (run.status === 'error') return 'The test run found a problem: see the results below.'
  if (built === 0) return 'No Pinterest event: no mapping built one from this event.'
  return built === 1 ? 'One Pinterest event built.' : `${built} Pinterest events built.`
}

export const pretty = (value: unknown): string => JSON.stringify(value, null, 2)
