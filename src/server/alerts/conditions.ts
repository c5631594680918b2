import type { AlertFigures, AlertKind, AlertSettings, DeliveryFacts } from '../../store/types'
import { FUNCTION_STATE, type FunctionStatus } from '../function-status'

/**
 * Fewer events delivered or failed than this in the last hour say nothing about a share: 1 failure of
 * 1 is not an alert. 20 is small enough for a quiet shop to be watched within its hour, and large enough that one
 * bad event among a handful does not page anyone.
 */
export const MIN_DELIVERIES_FOR_SHARE = 20

const HOUR_MS = 3_600_000
const MINUTE_MS = 60_000

/** Hourly counts of one metric name, as the metrics table keeps them (`hour`: the bucket's start, ISO). */
export interface HourlyCount {
  hour: string
  name: string
  count: number
}

/** Everything the conditions are decided from, read once per evaluation. */
export interface AlertFacts {
  nowMs: number
  /** The function's metrics of the current and the previous hour. */
  metrics: HourlyCount[]
  deliveries: DeliveryFacts
  status: FunctionStatus
}

/** A condition the settings watch, and whether it holds now, with its figures either way. */
export interface Verdict {
  kind: AlertKind
  holds: boolean
  figures: AlertFigures
}

/**
 * The last 60 minutes from hourly buckets: the current hour whole, and the share of the previous hour
 * that is still inside the window (a sliding window over fixed buckets). Failed counts the metrics'
 * failures (events Pinterest refused, that could not be mapped or were set aside) and what ran out of
 * retries; delivered what Pinterest took.
 */
export function lastHour(metrics: HourlyCount[], nowMs: number): { failed: number; delivered: number } {
  const current = Math.floor(nowMs / HOUR_MS) * HOUR_MS
  const previousWeight = 1 - (nowMs - current) / HOUR_MS
  const sums = { failed: 0, delivered: 0 }
  for (const m of metrics) {
    const start = Date.parse(m.hour)
    const weight = start === current ? 1 : start === current - HOUR_MS ? previousWeight : 0
    if (m.name === 'succeeded') sums.delivered += m.count * weight
    else if (m.name === 'failed' || m.name === 'gave_up') sums.failed += m.count * weight
  }
  return { failed: Math.round(sums.failed), delivered: Math.round(sums.delivered) }
}

function failureShare(settings: AlertSettings, facts: AlertFacts): Verdict {
  const { failed, delivered } = lastHour(facts.metrics, facts.nowMs)
  const total = failed + delivered
  const percent = total === 0 ? 0 : (failed / total) * 100
  const threshold = settings.failure_share.percent
  return { kind: 'failure_share', holds: total >= MIN_DELIVERIES_FOR_SHARE && percent >= threshold, figures: { kind: 'failure_share', failed, total, percent, threshold } }
}

/**
 * Events were mapped for sending and wait, the oldest for at least the threshold, and nothing was delivered
 * for as long. A destination held for its credentials is the degraded condition's, when that one is watched:
 * one cause, one alert.
 */
function noDeliveries(settings: AlertSettings, facts: AlertFacts, degradedWatched: boolean): Verdict {
  const { pending, oldestPendingAt, lastDeliveredAt } = facts.deliveries
  const threshold = settings.no_deliveries.minutes
  const waitedMs = oldestPendingAt === null ? 0 : facts.nowMs - oldestPendingAt
  const quietMs = lastDeliveredAt === null ? waitedMs : Math.min(waitedMs, facts.nowMs - lastDeliveredAt)
  const held = degradedWatched && facts.status.state === FUNCTION_STATE.degraded
  const holds = pending > 0 && quietMs >= threshold * MINUTE_MS && !held
  return { kind: 'no_deliveries', holds, figures: { kind: 'no_deliveries', waiting: pending, quiet_minutes: Math.floor(Math.max(0, quietMs) / MINUTE_MS), threshold } }
}

function degraded(facts: AlertFacts): Verdict {
  const { status } = facts
  if (status.state !== FUNCTION_STATE.degraded) return { kind: 'degraded', holds: false, figures: { kind: 'degraded', held: 0, reason: null } }
  return { kind: 'degraded', holds: true, figures: { kind: 'degraded', held: status.held_deliveries, reason: status.reason } }
}

/** The verdict on each condition the settings watch (those switched off are not looked at). */
export function evaluate(settings: AlertSettings, facts: AlertFacts): Verdict[] {
  const verdicts: Verdict[] = []
  if (settings.failure_share.enabled) verdicts.push(failureShare(settings, facts))
  if (settings.no_deliveries.enabled) verdicts.push(noDeliveries(settings, facts, settings.degraded.enabled))
  if (settings.degraded.enabled) verdicts.push(degraded(facts))
  return verdicts
}
