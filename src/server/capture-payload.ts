import { randomUUID } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import type { CapturedEvent } from '../store/types'
import { isRecord } from '../json'

const MAX_EVENT_NAME = 400
const MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
const MAX_DISTINCT_ID = 200

export interface CaptureBatch {
  token: string | undefined
  events: CapturedEvent[]
  problems: string[]
}

/** Decodes a capture body: JSON, gzip (header or PostHog's `compression=gzip-js`), or a form's `data=` field. */
export function decodeBody(raw: Buffer, contentEncoding: string | undefined, compression: string | undefined): unknown {
  let bytes = raw
  if (contentEncoding === 'gzip' || compression === 'gzip-js' || (raw[0] === 0x1f && raw[1] === 0x8b)) {
    // A small gzip body can unpack to gigabytes; past the cap it is refused like any bad body.
    bytes = gunzipSync(raw, { maxOutputLength: MAX_DECOMPRESSED_BYTES })
  }
  const text = bytes.toString('utf8')
  if (text.startsWith('data=')) {
    const data = new URLSearchParams(text).get('data') ?? ''
    return JSON.parse(/^[A-Za-z0-9+/=]+$/.test(data) ? Buffer.from(data, 'base64').toString('utf8') : data)
  }
  return JSON.parse(text)
}

/**
 * Reads PostHog's capture shapes: one event, `{batch: [...]}`, or a bare array. Each bad event is named in
 * `problems` and left out; the good ones are kept.
 */
export function readCapture(body: unknown, nowMs: number): CaptureBatch {
  if (Array.isArray(body)) return readEvents(body, undefined, nowMs)
  if (!isRecord(body)) return { token: undefined, events: [], problems: ['body: expected a JSON object or array'] }
  const token = tokenOf(body)
  if (Array.isArray(body.batch)) return readEvents(body.batch, token, nowMs)
  if (body.batch !== undefined) return { token, events: [], problems: ['batch: expected an array of events'] }
  return readEvents([body], token, nowMs)
}

function tokenOf(value: Record<string, unknown>): string | undefined {
  const properties = isRecord(value.properties) ? value.properties : {}
  const token = value.api_key ?? value.token ?? properties.token
  return typeof token === 'string' && token !== '' ? token : undefined
}

function readEvents(items: unknown[], token: string | undefined, nowMs: number): CaptureBatch {
  const events: CapturedEvent[] = []
  const problems: string[] = []
  let batchToken = token
  items.forEach((item, index) => {
    const result = readEvent(item, nowMs)
    if (typeof result === 'string') problems.push(items.length > 1 ? `batch[${index}]: ${result}` : result)
    else {
      events.push(result)
      if (batchToken === undefined && isRecord(item)) batchToken = tokenOf(item)
    }
  })
  return { token: batchToken, events, problems }
}

function readEvent(item: unknown, nowMs: number): CapturedEvent | string {
  if (!isRecord(item)) return 'expected an event object'
  if (typeof item.event !== 'string' || item.event === '') return 'event: expected a non-empty string'
  if (item.event.length > MAX_EVENT_NAME) return `event: longer than ${MAX_EVENT_NAME} characters`
  const distinctId = typeof item.distinct_id === 'number' ? String(item.distinct_id) : item.distinct_id
  const properties = item.properties === undefined ? {} : item.properties
  if (!isRecord(properties)) return 'properties: expected an object'
  const id = typeof distinctId === 'string' && distinctId !== '' ? distinctId : typeof properties.distinct_id === 'string' ? properties.distinct_id : undefined
  if (id === undefined || id === '') return 'distinct_id: expected a non-empty string'
  if (id.length > MAX_DISTINCT_ID) return `distinct_id: longer than ${MAX_DISTINCT_ID} characters`
  const timestamp = readTimestamp(item.timestamp, nowMs)
  if (timestamp === undefined) return 'timestamp: expected an ISO-8601 date-time'
  const uuid = typeof item.uuid === 'string' && item.uuid !== '' ? item.uuid : randomUUID()
  return { uuid, event: item.event, distinct_id: id, properties: withTopLevelSets(item, properties), timestamp }
}

// Some SDKs send $set and $set_once beside properties; persons read them from properties.
function withTopLevelSets(item: Record<string, unknown>, properties: Record<string, unknown>): Record<string, unknown> {
  if (!isRecord(item.$set) && !isRecord(item.$set_once)) return properties
  const merged = { ...properties }
  for (const key of ['$set', '$set_once'] as const) if (isRecord(item[key])) merged[key] = { ...item[key], ...(isRecord(merged[key]) ? merged[key] : {}) }
  return merged
}

function readTimestamp(value: unknown, nowMs: number): string | undefined {
  if (value === undefined || value === null) return new Date(nowMs).toISOString()
  if (typeof value !== 'string' && typeof value !== 'number') return undefined
  const ms = typeof value === 'number' ? value : Date.parse(value)
  // Beyond ±8.64e15 ms a Date has no ISO form; such a value is as bad as a garbled one.
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : undefined
}
