import type { SerialisedEvent } from '../pinterest/client'
import type { RetryPolicy } from './retry-policy'

/** The last moment an event may still be sent, and why it ends there (the reason an event given up names). */
export interface Deadline {
  atMs: number
  why: string
}

const KEY = '"event_time":'
const KEY_BYTES = Array.from(KEY, (c) => c.charCodeAt(0))
const DIGIT_0 = 0x30
const DIGIT_9 = 0x39

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
  if (at < 0) return undefined
  const match = /^\s*(\d+)/.exec(text.slice(at + KEY.length, at + KEY.length + 24))
  return match ? Number(match[1]) : undefined
}

function fromBytes(bytes: Uint8Array): number | undefined {
  const last = bytes.length - KEY_BYTES.length
  for (let i = 0; i <= last; i++) {
    if (!KEY_BYTES.every((b, k) => bytes[i + k] === b)) continue
    let at = i + KEY_BYTES.length
    while (bytes[at] === 0x20) at++
    let seconds = 0
    const first = at
    for (; at < bytes.length && bytes[at] >= DIGIT_0 && bytes[at] <= DIGIT_9; at++) seconds = seconds * 10 + bytes[at] - DIGIT_0
    return at > first ? seconds : undefined
  }
  return undefined
}

const iso = (ms: number) => new Date(ms).toISOString()

/**
 * When retrying an event must stop: when its event_time leaves Pinterest's window (maxEventAgeMs), or
 * maxRetryMs after it was handed over, whichever comes first. Without a readable event_time the window
 * counts from the hand-over.
 */
export function deadlineOf(eventTimeS: number | undefined, handedOverMs: number, policy: RetryPolicy): Deadline {
  const window = eventTimeS === undefined
    ? { atMs: handedOverMs + policy.maxEventAgeMs, why: `it was handed over more than ${describeMs(policy.maxEventAgeMs)} ago` }
    : { atMs: eventTimeS * 1000 + policy.maxEventAgeMs, why: `its event_time ${iso(eventTimeS * 1000)} is outside Pinterest's window (${describeMs(policy.maxEventAgeMs)} old) from ${iso(eventTimeS * 1000 + policy.maxEventAgeMs)}` }
  const retryEnd = handedOverMs + policy.maxRetryMs
  if (retryEnd < window.atMs) return { atMs: retryEnd, why: `retries stop ${describeMs(policy.maxRetryMs)} after hand-over` }
  return window
}

function describeMs(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000} days`
  if (ms % 1000 === 0) return `${ms / 1000} s`
  return `${ms} ms`
}
