import { randomUUID } from 'node:crypto'
import { isRecord } from '../json'

/** An event in PostHog's capture shape, checked and normalised: what capture stores and what mapping reads. */
export interface CapturedEvent {
  uuid: string
  event: string
  distinct_id: string
  properties: Record<string, unknown>
  timestamp: string
}

export const MAX_EVENT_NAME = 400
export const MAX_DISTINCT_ID = 200
/**
 * Nesting allowed inside an event's properties: the pipeline turns Hog values back into JSON at the same
 * depth (src/hog/plain.ts), and JSON.stringify itself overflows the stack a few thousand levels down.
 */
export const MAX_PROPERTY_DEPTH = 64

/** A captured event, or the field that makes it no event (`''` for the event itself) and why. */
export type CapturedEventResult = { event: CapturedEvent } | { field: string; reason: string }

/**
 * PostHog's capture rules for one event (`{event, distinct_id, properties, timestamp, uuid}`): a named
 * event and a distinct id (from the event or its properties), properties an object of bounded depth, a
 * timestamp that is a date (now when absent), a uuid that is text (a fresh one when absent). Top-level `$set` and
 * `$set_once`, as some SDKs send them, move into properties, where persons read them.
 */
export function readCapturedEvent(item: unknown, nowMs: number): CapturedEventResult {
  if (!isRecord(item)) return { field: '', reason: 'expected an event object' }
  if (typeof item.event !== 'string' || item.event === '') return { field: 'event', reason: 'expected a non-empty string' }
  if (item.event.length > MAX_EVENT_NAME) return { field: 'event', reason: `longer than ${MAX_EVENT_NAME} characters` }
  const distinctId = typeof item.distinct_id === 'number' ? String(item.distinct_id) : item.distinct_id
  const properties = item.properties === undefined ? {} : item.properties
  if (!isRecord(properties)) return { field: 'properties', reason: 'expected an object' }
  const id = typeof distinctId === 'string' && distinctId !== '' ? distinctId : typeof properties.distinct_id === 'string' ? properties.distinct_id : undefined
  if (id === undefined || id === '') return { field: 'distinct_id', reason: 'expected a non-empty string' }
  if (id.length > MAX_DISTINCT_ID) return { field: 'distinct_id', reason: `longer than ${MAX_DISTINCT_ID} characters` }
  const timestamp = readTimestamp(item.timestamp, nowMs)
  if (timestamp === undefined) return { field: 'timestamp', reason: 'expected an ISO-8601 date-time' }
  const merged = withTopLevelSets(item, properties)
  if (nestedDeeperThan(merged, MAX_PROPERTY_DEPTH)) return { field: 'properties', reason: `nested deeper than ${MAX_PROPERTY_DEPTH} levels` }
  if (item.uuid !== undefined && item.uuid !== null && typeof item.uuid !== 'string') return { field: 'uuid', reason: 'expected a string' }
  const uuid = typeof item.uuid === 'string' && item.uuid !== '' ? item.uuid : randomUUID()
  return { event: { uuid, event: item.event, distinct_id: id, properties: merged, timestamp } }
}

// Stops at the limit, so the walk itself never goes deeper than MAX_PROPERTY_DEPTH frames.
function nestedDeeperThan(value: unknown, levels: number): boolean {
  if (value === null || typeof value !== 'object') return false
  if (levels === 0) return true
  // Walked in place: capture runs this on every event, and Object.values would copy every object.
  if (Array.isArray(value)) {
    for (const item of value) if (nestedDeeperThan(item, levels - 1)) return true
    return false
  }
  for (const key in value) if (nestedDeeperThan((value as Record<string, unknown>)[key], levels - 1)) return true
  return false
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
