import { STANDARD_EVENT_NAMES } from '../pinterest/schema'

export interface EventStatus {
  status: 'processed' | 'failed'
  error_message: string | null
  warning_message: string | null
}

export interface BatchResponse {
  num_events_received: number
  num_events_processed: number
  events: EventStatus[]
}

/** The fields of a schema-valid event that the per-event checks read. */
export interface CheckedEvent {
  event_name: string
  event_time: number
  event_id: string
}

export interface BatchContext {
  nowMs: number
  failsEvent: (eventId: string) => boolean
}

// Pinterest rejects events from the future (some clock skew tolerated) and older than 7 days.
const FUTURE_TOLERANCE_S = 60
const MAX_AGE_S = 7 * 24 * 60 * 60
const STANDARD_NAMES: ReadonlySet<string> = new Set(STANDARD_EVENT_NAMES)

const failed = (error_message: string): EventStatus => ({ status: 'failed', error_message, warning_message: null })

export function checkEvent(event: CheckedEvent, context: BatchContext): EventStatus {
  const nowS = Math.floor(context.nowMs / 1000)
  if (event.event_time > nowS + FUTURE_TOLERANCE_S) return failed('event_time is in the future')
  if (event.event_time < nowS - MAX_AGE_S) return failed('event_time is older than 7 days')
  if (context.failsEvent(event.event_id)) return failed('emulated failure')
  // Custom names are allowed (advertiser-defined events) but Pinterest flags them.
  const warning = STANDARD_NAMES.has(event.event_name) ? null : `event_name '${event.event_name}' is not a standard event name; it counts only if registered as a custom event`
  return { status: 'processed', error_message: null, warning_message: warning }
}

/** Answers a schema-valid batch in request order. */
export function checkBatch(events: CheckedEvent[], context: BatchContext): BatchResponse {
  const statuses = events.map((event) => checkEvent(event, context))
  return {
    num_events_received: events.length,
    num_events_processed: statuses.filter((s) => s.status === 'processed').length,
    events: statuses,
  }
}
