import { ABSENT, type Field, type Reader, bad, isOversized, kindOf, ok, preview, readBoolean, readMaxText, readText } from './coerce'
import { ACTION_SOURCES, type ActionSource, STANDARD_EVENT_NAMES } from './schema'

const STANDARD_NAMES: ReadonlySet<string> = new Set(STANDARD_EVENT_NAMES)
// Advertiser-defined names must be registered with Pinterest; this is the shape Pinterest accepts.
const CUSTOM_NAME = /^[A-Za-z0-9_-]{1,100}$/
const MAX_EVENT_ID = 1000

export function readEventName(raw: unknown): Field<string> {
  if (raw === undefined || raw === null) return ABSENT
  if (typeof raw !== 'string') return bad(`must be a string, got ${kindOf(raw)}`)
  if (isOversized(raw)) return bad('is larger than 64 KiB')
  const name = raw.trim()
  if (name === '') return ABSENT
  if (STANDARD_NAMES.has(name) || CUSTOM_NAME.test(name)) return ok(name)
  const expected = 'a standard Pinterest event name or an advertiser-defined name of 1-100 letters, digits, "_" or "-"'
  return bad(`must be ${expected}, got ${preview(raw)}`)
}

export function eventNameWarning(name: string): string | null {
  if (STANDARD_NAMES.has(name)) return null
  const standard = name.toLowerCase().replace(/-/g, '_')
  const hint = STANDARD_NAMES.has(standard) ? ` (did you mean "${standard}"?)` : ''
  const consequence = 'Pinterest only reports it if it is registered as an advertiser-defined event'
  return `event_name ${preview(name)} is not a standard Pinterest event${hint}; ${consequence}`
}

// Missing means "web": PostHog events mostly come from browsers and Pinterest requires some value.
export function readActionSource(raw: unknown): Field<ActionSource> {
  const isText = typeof raw === 'string' || raw === undefined || raw === null
  const text = isText ? readText(raw) : bad(`must be a string, got ${kindOf(raw)}`)
  if (text.kind === 'absent') return ok('web')
  if (text.kind === 'bad') return text
  const source = ACTION_SOURCES.find((s) => s === text.value.toLowerCase())
  return source === undefined ? bad(`must be one of ${ACTION_SOURCES.join(', ')}, got ${preview(raw)}`) : ok(source)
}

export const readEventId: Reader<string> = readMaxText(MAX_EVENT_ID)

const LANGUAGE = /^([a-z]{2})(?:[-_][a-z0-9]{1,8})*$/i

const readLanguage: Reader<string> = (raw) => {
  const text = readText(raw)
  if (text.kind !== 'ok') return text
  const m = LANGUAGE.exec(text.value)
  if (m === null) return bad(`must be an ISO-639-1 code like "en" or "en-US", got ${preview(raw)}`)
  return ok(m[1].toLowerCase())
}

export const OPTIONAL_EVENT_READERS: ReadonlyMap<string, Reader> = new Map<string, Reader>([
  ['event_source_url', readText],
  ['opt_out', readBoolean],
  ['partner_name', readText],
  ['wifi', readBoolean],
  ['language', readLanguage],
])
