import type { SerialisedEvent } from '../pinterest/client'
import type { RetryPolicy } from './retry-policy'

/**
 * The last moment an event may still be sent, and what set it: its event_time leaving Pinterest's
 * window (`spanMs` after it), or the retry limit (`spanMs` after the hand-over). The reason text is
 * only made for the few events given up (describeDeadline), not for every event handed over.
 */
export interface Deadline {
  atMs: number
  cause: 'event_time' | 'hand-over' | 'retry limit'
  spanMs: number
}

const KEY = '"event_time":'
const KEY_BYTES = Array.from(KEY, (c) => c.charCodeAt(0))
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39
const SPACE = 0x20

/**
 * The event_time (Unix seconds) of a serialised Pinterest event, read from its text without parsing it.
 * Inside a JSON string every quote is escaped, so `"event_time":` can only be a key; the builder writes
 * the top-level one before any nested object.
 */
export function eventTimeOf(json: SerialisedEvent['json']): number | undefined {
  return typeof json === 'string' ? fromText(json) : fromBytes(json)
}

function fromText(text: string): number | undefined {
  const at = text.indexOf(KEY)
  return at < 0 ? undefined : digitsAt((i) => text.charCodeAt(i), at + KEY.length, text.length)
}

function fromBytes(bytes: Uint8Array): number | undefined {
  const last = bytes.length - KEY_BYTES.length
  for (let i = 0; i <= last; i++) {
    if (bytes[i] === KEY_BYTES[0] && startsAt(bytes, i)) return digitsAt((k) => bytes[k], i + KEY_BYTES.length, bytes.length)
  }
  return undefined
}

/** The unsigned integer starting at `at` (after spaces), or undefined when there is none. */
function digitsAt(code: (i: number) => number, at: number, end: number): number | undefined {
  while (at < end && code(at) === SPACE) at++
  let value = 0
  const first = at
  for (; at < end && code(at) >= DIGIT_0 && code(at) <= DIGIT_9; at++) value = value * 10 + code(at) - DIGIT_0
  return at > first ? value : undefined
}

/**
 * When retrying an event must stop: when its event_time leaves Pinterest's window (maxEventAgeMs), or
 * maxRetryMs after it was handed over, whichever comes first. Without a readable event_time the window
 * counts from the hand-over.
 */
export function deadlineOf(eventTimeS: number | undefined, handedOverMs: number, policy: RetryPolicy): Deadline {
  const retryEnd = handedOverMs + policy.maxRetryMs
  const windowEnd = (eventTimeS === undefined ? handedOverMs : eventTimeS * 1000) + policy.maxEventAgeMs
  if (retryEnd < windowEnd) return { atMs: retryEnd, cause: 'retry limit', spanMs: policy.maxRetryMs }
  return { atMs: windowEnd, cause: eventTimeS === undefined ? 'hand-over' : 'event_time', spanMs: policy.maxEventAgeMs }
}

function startsAt(bytes: Uint8Array, at: number): boolean {
  for (let k = 1; k < KEY_BYTES.length; k++) if (bytes[at + k] !== KEY_BYTES[k]) return false
  return true
}

const iso = (ms: number) => new Date(ms).toISOString()

/** Why an event given up at this deadline could not be sent any more. */
export function describeDeadline(deadline: Deadline): string {
  const span = describeMs(deadline.spanMs)
  if (deadline.cause === 'retry limit') return `retries stop ${span} after hand-over`
  if (deadline.cause === 'hand-over') return `it was handed over more than ${span} ago`
  return `its event_time ${iso(deadline.atMs - deadline.spanMs)} is outside Pinterest's window (${span} old) from ${iso(deadline.atMs)}`
}

function describeMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} days`
  if (ms % 1000 === 0) return `${ms / 1000} s`
  return `${ms} ms`
}
