/** Time windows of the Logs and Metrics tabs, and how a figure changed against the window before. */

export const HOUR_MS = 3_600_000
export const DAY_MS = 24 * HOUR_MS

/** A half-open window [startMs, endMs). */
export interface Window {
  startMs: number
  endMs: number
}

export const LOG_PRESETS = [
  { id: '1h', label: 'Last hour', ms: HOUR_MS },
  { id: '24h', label: 'Last 24 hours', ms: DAY_MS },
  { id: '7d', label: 'Last 7 days', ms: 7 * DAY_MS },
  { id: '30d', label: 'Last 30 days', ms: 30 * DAY_MS },
] as const
export type LogPreset = (typeof LOG_PRESETS)[number]['id'] | 'custom'

/** `after`/`before` (ISO) of a logs query, or the problem with a custom range. */
export type LogRange = { after?: string; before?: string } | { error: string }

/**
 * The range of a preset ending now, or of a custom `from`–`to` (the values of datetime-local fields, in
 * the browser's time zone; either may be empty for an open end).
 */
export function logRange(preset: LogPreset, custom: { from: string; to: string }, nowMs: number): LogRange {
  if (preset !== 'custom') {
    const found = LOG_PRESETS.find((p) => p.id === preset) ?? LOG_PRESETS[1]
    return { after: new Date(nowMs - found.ms).toISOString() }
  }
  const from = custom.from ? Date.parse(custom.from) : undefined
  const to = custom.to ? Date.parse(custom.to) : undefined
  if (Number.isNaN(from)) return { error: 'From is not a date and time.' }
  if (Number.isNaN(to)) return { error: 'To is not a date and time.' }
  if (from !== undefined && to !== undefined && from >= to) return { error: 'From must be before To.' }
  return { after: from === undefined ? undefined : new Date(from).toISOString(), before: to === undefined ? undefined : new Date(to).toISOString() }
}

export const PERIODS = [
  { id: '24h', label: '24 hours', hours: 24 },
  { id: '7d', label: '7 days', hours: 7 * 24 },
  { id: '30d', label: '30 days', hours: 30 * 24 },
] as const
export type PeriodId = (typeof PERIODS)[number]['id']
export type Interval = 'hour' | 'day'

export const periodOf = (id: PeriodId) => PERIODS.find((p) => p.id === id) ?? PERIODS[1]

/**
 * The period that ends with the current hour and the one just before it. Both are whole hours, as the
 * server keeps its metrics in hourly buckets: no bucket falls in both.
 */
export function periodWindows(id: PeriodId, nowMs: number): { current: Window; previous: Window } {
  const endMs = Math.floor(nowMs / HOUR_MS) * HOUR_MS + HOUR_MS
  const length = periodOf(id).hours * HOUR_MS
  return { current: { startMs: endMs - length, endMs }, previous: { startMs: endMs - 2 * length, endMs: endMs - length } }
}

/** Hours up to two days, days beyond. */
export const defaultInterval = (id: PeriodId): Interval => (periodOf(id).hours <= 48 ? 'hour' : 'day')

/** The intervals a period can be charted by, as PostHog allows them: hours up to 8 days, days beyond 2. */
export function intervalsOf(id: PeriodId): Interval[] {
  const { hours } = periodOf(id)
  return (['hour', 'day'] as const).filter((interval) => (interval === 'hour' ? hours <= 8 * 24 : hours > 48))
}

/** The start of each bucket of `interval` in `window`, oldest first; buckets end at the window's end, so the first may be short. */
export function bucketStarts(window: Window, interval: Interval): number[] {
  const size = interval === 'hour' ? HOUR_MS : DAY_MS
  const count = Math.ceil((window.endMs - window.startMs) / size)
  return Array.from({ length: count }, (_, i) => Math.max(window.startMs, window.endMs - (count - i) * size))
}

export interface Change {
  text: string
  direction: 'up' | 'down' | 'same'
}

/** How `current` compares with `previous`, for a reader: "+12% vs previous 7 days"; from 0 there is no percentage. */
export function changeAgainst(current: number, previous: number, periodLabel: string): Change {
  const against = `vs previous ${periodLabel}`
  if (current === previous) return { text: `No change ${against}`, direction: 'same' }
  const direction = current > previous ? 'up' : 'down'
  if (previous === 0) return { text: `Up from 0 ${against}`, direction }
  const percent = Math.round(((current - previous) / previous) * 100)
  if (percent === 0) return { text: `${direction === 'up' ? '+' : '−'}<1% ${against}`, direction }
  return { text: `${percent > 0 ? '+' : '−'}${Math.abs(percent)}% ${against}`, direction }
}
