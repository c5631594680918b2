import { promisify } from 'node:util'
import { gunzip, inflate } from 'node:zlib'
import { readCapturedEvent } from '../mapping/captured-event'
import { MAX_EVENT_BYTES } from '../store/types'
import { isRecord } from '../json'

/** The most a capture body may be, as sent and once unpacked. */
export const MAX_CAPTURE_BODY_BYTES = 20 * 1024 * 1024

const gunzipAsync = promisify(gunzip)
const inflateAsync = promisify(inflate)

/** An event serialised and checked in its own request: storing it cannot throw for anyone else. */
export type CheckedEvent = string & { readonly __checked: unique symbol }

export interface CaptureProblem {
  /** Where, e.g. `batch[3].properties`. */
  field: string
  reason: string
}

export interface CaptureBatch {
  events: CheckedEvent[]
  problems: CaptureProblem[]
}

/** The body is not JSON, or not the gzip/deflate of JSON. */
export class BodyError extends Error {
  constructor(readonly tooLarge: boolean) {
    super(tooLarge ? 'body too large' : 'body not readable')
  }
}

/**
 * Decodes a capture body: JSON, gzip (header or PostHog's `compression=gzip-js`), deflate, or a form's
 * `data=` field. Unpacking runs off the event loop and stops at MAX_CAPTURE_BODY_BYTES.
 */
export async function decodeBody(raw: Buffer, contentEncoding: string | undefined, compression: string | undefined): Promise<unknown> {
  const text = (await unpack(raw, contentEncoding?.trim().toLowerCase(), compression)).toString('utf8')
  try {
    if (text.startsWith('data=')) {
      const data = new URLSearchParams(text).get('data') ?? ''
      return JSON.parse(/^[A-Za-z0-9+/=]+$/.test(data) ? Buffer.from(data, 'base64').toString('utf8') : data)
    }
    return JSON.parse(text)
  } catch {
    throw new BodyError(false)
  }
}

async function unpack(raw: Buffer, contentEncoding: string | undefined, compression: string | undefined): Promise<Buffer> {
  const gzipped = contentEncoding === 'gzip' || compression === 'gzip-js' || (raw[0] === 0x1f && raw[1] === 0x8b)
  const unzip = gzipped ? gunzipAsync : contentEncoding === 'deflate' ? inflateAsync : undefined
  if (!unzip) return raw
  try {
    // A small compressed body can unpack to gigabytes: zlib stops at the cap instead.
    return await unzip(raw, { maxOutputLength: MAX_CAPTURE_BODY_BYTES })
  } catch (error) {
    throw new BodyError((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
  }
}

/** What capture does with `$ip`: fill it with the client's address where an event has none, or keep none. */
export type IpHandling = { anonymizeIps: false; clientIp?: string } | { anonymizeIps: true }

/**
 * The project token of a capture body: the body's own (`api_key`, `token`, `properties.token`), else the
 * first event's that has one.
 */
export function captureToken(body: unknown): string | undefined {
  const items = Array.isArray(body) ? body : isRecord(body) ? (Array.isArray(body.batch) ? body.batch : []) : []
  const own = isRecord(body) ? tokenOf(body) : undefined
  if (own !== undefined) return own
  for (const item of items) {
    const token = isRecord(item) ? tokenOf(item) : undefined
    if (token !== undefined) return token
  }
  return undefined
}

/**
 * Reads PostHog's capture shapes: one event, `{batch: [...]}`, or a bare array. Each event is checked and
 * serialised here; a bad one is named in `problems` and left out, the good ones are kept.
 */
export function readCapture(body: unknown, nowMs: number, ip: IpHandling = { anonymizeIps: false }): CaptureBatch {
  if (Array.isArray(body)) return readEvents(body, nowMs, ip)
  if (!isRecord(body)) return { events: [], problems: [{ field: 'body', reason: 'expected a JSON object or array' }] }
  if (Array.isArray(body.batch)) return readEvents(body.batch, nowMs, ip)
  if (body.batch !== undefined) return { events: [], problems: [{ field: 'batch', reason: 'expected an array of events' }] }
  return readEvents([body], nowMs, ip)
}

function tokenOf(value: Record<string, unknown>): string | undefined {
  const properties = isRecord(value.properties) ? value.properties : {}
  const token = value.api_key ?? value.token ?? properties.token
  return typeof token === 'string' && token !== '' ? token : undefined
}

function readEvents(items: unknown[], nowMs: number, ip: IpHandling): CaptureBatch {
  const events: CheckedEvent[] = []
  const problems: CaptureProblem[] = []
  items.forEach((item, index) => {
    const result = readEvent(item, nowMs, ip)
    if ('reason' in result) {
      const where = items.length > 1 ? `batch[${index}]` : ''
      problems.push({ field: [where, result.field].filter(Boolean).join('.') || 'body', reason: result.reason })
    } else {
      events.push(result.json)
    }
  })
  return { events, problems }
}

type Read = { json: CheckedEvent } | { field: string; reason: string }

function readEvent(item: unknown, nowMs: number, ip: IpHandling): Read {
  const read = readCapturedEvent(item, nowMs)
  if ('reason' in read) return read
  withIp(read.event.properties, ip)
  const json = JSON.stringify(read.event)
  if (utf8Longer(json, MAX_EVENT_BYTES)) return { field: '', reason: `larger than ${MAX_EVENT_BYTES} bytes once serialised` }
  return { json: json as CheckedEvent }
}

// A UTF-8 character takes 1 to 3 bytes per UTF-16 unit: the exact count is only needed in between.
function utf8Longer(text: string, limit: number): boolean {
  if (text.length > limit) return true
  return text.length * 3 > limit && Buffer.byteLength(text, 'utf8') > limit
}

/**
 * PostHog's rules: an event's own $ip is kept, an empty one is filled, and a project that anonymizes IPs keeps
 * none. The properties are changed in place: they were parsed from this request's body and belong to it alone,
 * so there is no need to copy every event's properties on capture's hot path.
 */
function withIp(properties: Record<string, unknown>, ip: IpHandling): Record<string, unknown> {
  if (ip.anonymizeIps) {
    delete properties.$ip
    return properties
  }
  const own = properties.$ip
  if (ip.clientIp !== undefined && (own === undefined || own === null || own === '')) properties.$ip = ip.clientIp
  return properties
}
