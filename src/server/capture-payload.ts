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
  token: string | undefined
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

/**
 * Reads PostHog's capture shapes: one event, `{batch: [...]}`, or a bare array. Each event is checked and
 * serialised here; a bad one is named in `problems` and left out, the good ones are kept.
 */
export function readCapture(body: unknown, nowMs: number): CaptureBatch {
  if (Array.isArray(body)) return readEvents(body, undefined, nowMs)
  if (!isRecord(body)) return { token: undefined, events: [], problems: [{ field: 'body', reason: 'expected a JSON object or array' }] }
  const token = tokenOf(body)
  if (Array.isArray(body.batch)) return readEvents(body.batch, token, nowMs)
  if (body.batch !== undefined) return { token, events: [], problems: [{ field: 'batch', reason: 'expected an array of events' }] }
  return readEvents([body], token, nowMs)
}

function tokenOf(value: Record<string, unknown>): string | undefined {
  const properties = isRecord(value.properties) ? value.properties : {}
  const token = value.api_key ?? value.token ?? properties.token
  return typeof token === 'string' && token !== '' ? token : undefined
}

function readEvents(items: unknown[], token: string | undefined, nowMs: number): CaptureBatch {
  const events: CheckedEvent[] = []
  const problems: CaptureProblem[] = []
  let batchToken = token
  items.forEach((item, index) => {
    const result = readEvent(item, nowMs)
    if ('reason' in result) {
      const where = items.length > 1 ? `batch[${index}]` : ''
      problems.push({ field: [where, result.field].filter(Boolean).join('.') || 'body', reason: result.reason })
    } else {
      events.push(result.json)
      if (batchToken === undefined && isRecord(item)) batchToken = tokenOf(item)
    }
  })
  return { token: batchToken, events, problems }
}

type Read = { json: CheckedEvent } | { field: string; reason: string }

function readEvent(item: unknown, nowMs: number): Read {
  const read = readCapturedEvent(item, nowMs)
  if ('reason' in read) return read
  const json = JSON.stringify(read.event)
  if (utf8Longer(json, MAX_EVENT_BYTES)) return { field: '', reason: `larger than ${MAX_EVENT_BYTES} bytes once serialised` }
  return { json: json as CheckedEvent }
}

// A UTF-8 character takes 1 to 3 bytes per UTF-16 unit: the exact count is only needed in between.
function utf8Longer(text: string, limit: number): boolean {
  if (text.length > limit) return true
  return text.length * 3 > limit && Buffer.byteLength(text, 'utf8') > limit
}
