import { ABSENT, type Field, bad, isOversized, ok, preview } from './coerce'
import { futureTimeReason, oldTimeReason } from './skip-reasons'

// Epoch values above this are milliseconds: 1e11 seconds is the year 5138, 1e11 ms is 1973.
const MS_THRESHOLD = 1e11
const MAX_SECONDS = 253402300799 // 9999-12-31T23:59:59Z
export const FUTURE_SKEW_SECONDS = 5 * 60
export const MAX_AGE_SECONDS = 7 * 24 * 60 * 60

const NUMERIC = /^\d+(\.\d+)?$/
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i

export type EventTimeResult = { status: 'ok'; seconds: number } | { status: 'invalid'; reason: string } | { status: 'out_of_window'; reason: string }

function fromEpoch(n: number): Field<number> {
  if (!Number.isFinite(n) || n <= 0) return bad(`must be a positive Unix time, got ${n}`)
  const seconds = Math.floor(n > MS_THRESHOLD ? n / 1000 : n)
  return seconds > MAX_SECONDS ? bad(`is out of range, got ${n}`) : ok(seconds)
}

function offsetMinutes(zone: string | undefined): number {
  if (zone === undefined || zone.toUpperCase() === 'Z') return 0
  const digits = zone.slice(1).replace(':', '')
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0')
  return zone.startsWith('-') ? -minutes : minutes
}

// Parsed by hand because Date.parse reads zone-less date-times as local time and rolls over bad dates.
function fromIso(text: string): Field<number> | null {
  const m = ISO.exec(text)
  if (m === null) return null
  const part = (i: number): number => Number(m[i] ?? 0)
  const [year, month, day, hour, minute, second] = [part(1), part(2), part(3), part(4), part(5), part(6)]
  const ms = Date.UTC(year, month - 1, day, hour, minute, second)
  const d = new Date(ms)
  const sameDay = d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
  const sameTime = hour < 24 && minute < 60 && second < 60
  if (!sameDay || !sameTime) return bad(`is not a valid date-time, got ${preview(text)}`)
  return fromEpoch(ms / 1000 - offsetMinutes(m[7]) * 60)
}

const EXPECTED = 'must be an ISO-8601 date-time or Unix seconds/milliseconds'

// Integer Unix seconds from ISO-8601 text, epoch seconds or epoch milliseconds (numbers or numeric text).
export function parseUnixSeconds(value: unknown): Field<number> {
  if (value === undefined || value === null) return ABSENT
  if (typeof value === 'number') return fromEpoch(value)
  if (value instanceof Date) return fromEpoch(value.getTime())
  if (typeof value !== 'string') return bad(`${EXPECTED}, got ${preview(value)}`)
  if (isOversized(value)) return bad('is larger than 64 KiB')
  const text = value.trim()
  if (text === '') return ABSENT
  if (NUMERIC.test(text)) return fromEpoch(Number(text))
  return fromIso(text) ?? bad(`${EXPECTED}, got ${preview(value)}`)
}

const iso = (seconds: number): string => new Date(seconds * 1000).toISOString()

// Pinterest rejects future events and only accepts the last 7 days; a little skew covers clock drift.
export function checkEventTimeWindow(seconds: number, nowMs: number): string | null {
  const now = Math.floor(nowMs / 1000)
  if (seconds > now + FUTURE_SKEW_SECONDS) {
    return futureTimeReason(iso(seconds), iso(now))
  }
  if (seconds < now - MAX_AGE_SECONDS) {
    return oldTimeReason(iso(seconds))
  }
  return null
}

export function toEventTimeSeconds(value: unknown, nowMs: number): EventTimeResult {
  const parsed = parseUnixSeconds(value)
  if (parsed.kind === 'absent') return { status: 'invalid', reason: 'event_time is missing' }
  if (parsed.kind === 'bad') return { status: 'invalid', reason: `event_time ${parsed.problem}` }
  const outside = checkEventTimeWindow(parsed.value, nowMs)
  return outside === null ? { status: 'ok', seconds: parsed.value } : { status: 'out_of_window', reason: outside }
}
