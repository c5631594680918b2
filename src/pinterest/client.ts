import type { PinterestEvent } from './schema'
import type { Secret } from '../secret'

export const DEFAULT_API_URL = 'https://api.pinterest.com'
/** Pinterest takes at most this many events in one request. */
export const MAX_EVENTS_PER_REQUEST = 1000
/** How request logs show the Authorization header. */
export const REDACTED_BEARER = 'Bearer ***REDACTED***'
/** The headers of a request to Pinterest as logs and previews show them: the token masked. */
export const REDACTED_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json', Authorization: REDACTED_BEARER }

/** Where and as whom events are sent: one batch never mixes targets. */
export interface DeliveryTarget {
  adAccountId: string
  conversionToken: Secret
  testMode: boolean
}

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>

/** The outcome of one HTTP request: an answer, or no answer (network error, timeout). */
export type HttpAttempt = { kind: 'response'; status: number; body: unknown; retryAfter: string | null; requestId: string | null } | { kind: 'network'; error: string }

export type RequestLog = (entry: { url: string; headers: Record<string, string>; body: string } | { status: number; body: unknown } | { error: string }) => void

/** One request log entry as a line of text (before redaction). */
export function describeRequestLogEntry(entry: Parameters<RequestLog>[0]): string {
  if ('url' in entry) return `request POST ${entry.url} headers ${JSON.stringify(entry.headers)} body ${entry.body}`
  if ('status' in entry) return `response ${entry.status} ${JSON.stringify(entry.body)}`
  return `request failed: ${entry.error}`
}

export function eventsUrl(apiUrl: string, target: DeliveryTarget): string {
  const base = apiUrl.replace(/\/+$/, '')
  const query = target.testMode ? '?test=true' : ''
  return `${base}/v5/ad_accounts/${encodeURIComponent(target.adAccountId)}/events${query}`
}

export interface PostOptions {
  fetch: FetchLike
  apiUrl: string
  timeoutMs: number
  log?: RequestLog
}

// Made on first use: the plugin bundle loads this module in sandboxes that may lack TextEncoder, and
// the plugin only ever sends text.
let utf8: InstanceType<typeof TextEncoder> | undefined
const COMMA = 0x2c

/**
 * The request body for events already serialised one by one (see SerialisedEvent): text when every
 * event is text (the plugin and the server keep text), otherwise UTF-8 bytes.
 */
export function requestBody(events: readonly SerialisedEvent[]): string | Uint8Array {
  if (events.every((e) => typeof e.json === 'string')) return `{"data":[${events.map((e) => e.json).join(',')}]}`
  utf8 ??= new TextEncoder()
  const encoder = utf8
  const open = encoder.encode('{"data":[')
  const close = encoder.encode(']}')
  const parts = events.map((e) => (typeof e.json === 'string' ? encoder.encode(e.json) : e.json))
  const size = parts.reduce((sum, part) => sum + part.length, open.length + close.length + Math.max(0, parts.length - 1))
  const body = new Uint8Array(size)
  body.set(open)
  let at = open.length
  parts.forEach((part, i) => {
    if (i > 0) body[at++] = COMMA
    body.set(part, at)
    at += part.length
  })
  body.set(close, at)
  return body
}

/**
 * An event serialised once, when it is handed over: a waiting batch then holds text rather than
 * object graphs, which keeps memory and garbage collection low, and retries reuse the text. The text
 * is a string, or UTF-8 bytes (MappingPool hands over bytes, which cost the main thread no heap).
 */
export interface SerialisedEvent {
  eventId: string
  json: string | Uint8Array
}

export function serialiseEvent(event: PinterestEvent): SerialisedEvent {
  return { eventId: event.event_id, json: JSON.stringify(event) }
}

/** POSTs `{data: events}` once. Never throws: every failure is described in the result. */
export async function postEvents(target: DeliveryTarget, events: readonly SerialisedEvent[], options: PostOptions): Promise<HttpAttempt> {
  const url = eventsUrl(options.apiUrl, target)
  const body = requestBody(events)
  options.log?.({ url, headers: { ...REDACTED_HEADERS }, body: typeof body === 'string' ? body : new TextDecoder().decode(body) })
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(), options.timeoutMs)
  try {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${target.conversionToken.reveal()}` },
      body,
      signal: abort.signal,
    })
    const text = await response.text()
    const parsed = parseJson(text)
    options.log?.({ status: response.status, body: parsed })
    return {
      kind: 'response',
      status: response.status,
      body: parsed,
      retryAfter: response.headers.get('retry-after'),
      requestId: response.headers.get('x-pinterest-rid'),
    }
  } catch (error) {
    const message = abort.signal.aborted ? `no answer within ${options.timeoutMs} ms` : describeNetworkError(error)
    options.log?.({ error: message })
    return { kind: 'network', error: message }
  } finally {
    clearTimeout(timer)
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return text.slice(0, 1000)
  }
}

function describeNetworkError(error: unknown): string {
  const err = error as { message?: string; cause?: { code?: string; message?: string } }
  const cause = err.cause?.code ?? err.cause?.message
  return `network error: ${err.message ?? String(error)}${cause ? ` (${cause})` : ''}`
}
