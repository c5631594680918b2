import { attemptDelivery } from '../../src/delivery/attempt'
import { deadlineOf } from '../../src/delivery/deadline'
import { failureReasonOf, insideWindow } from '../../src/delivery/failure-reasons'
import { giveUp } from '../../src/delivery/outcome'
import { retryPolicy } from '../../src/delivery/retry-policy'
import type { HttpAttempt } from '../../src/pinterest/client'

const DAY_S = 86_400
const nowMs = Date.parse('2026-12-01T12:00:00Z')
const nowS = nowMs / 1000

/** The reason the core words for one event answered with `answer`. */
async function reasonFor(answer: HttpAttempt): Promise<string> {
  const [result] = await attemptDelivery(async () => answer, ['event'])
  if (result.status !== 'failed') throw new Error(`expected a failure, got ${result.status}`)
  return result.reason
}

const response = (status: number, body: unknown): HttpAttempt => ({ kind: 'response', status, body, retryAfter: null, requestId: null })

describe('failure reason codes', () => {
  it("read the core's own words for each failure", async () => {
    const rejected400 = await reasonFor(response(400, { code: 1, message: 'Invalid parameters.' }))
    const perEvent = await reasonFor(response(200, { num_events_received: 1, num_events_processed: 0, events: [{ status: 'failed', error_message: 'email is not hashed' }] }))
    const unprocessable = await reasonFor(response(422, { code: 4, message: 'nope' }))
    const notFound = await reasonFor(response(404, { code: 2, message: 'missing' }))
    const token = await reasonFor(response(401, { code: 2, message: 'Authentication failed.' }))
    expect([rejected400, perEvent, unprocessable, notFound, token].map((text) => failureReasonOf('failed', text))).toEqual(['rejected', 'rejected', 'rejected', 'other', 'credentials'])
    expect(failureReasonOf('failed', 'the function was deleted before delivery')).toBe('function_unavailable')
    expect(failureReasonOf('failed', 'the function cannot run (see the server output)')).toBe('function_unavailable')
  })

  it('tell a given-up event outside the window, after its retries ran out, and held for refused credentials', () => {
    const policy = retryPolicy({ maxRetryMs: 60_000 })
    const window = retryPolicy()
    const tooOld = giveUp(deadlineOf(nowS - 8 * DAY_S, nowMs, window), 'HTTP 503: down').reason
    const unreadableTime = giveUp(deadlineOf(undefined, nowMs - 8 * DAY_S * 1000, window)).reason
    const retries = giveUp(deadlineOf(nowS, nowMs, policy), 'HTTP 503: down').reason
    const held = giveUp(deadlineOf(nowS - 8 * DAY_S, nowMs, window), 'conversion token rejected by Pinterest (401): code 2: Authentication failed.').reason
    expect([tooOld, unreadableTime, retries, held].map((text) => failureReasonOf('gave_up', text))).toEqual(['outside_window', 'outside_window', 'gave_up', 'credentials'])
  })

  it("know Pinterest's window", () => {
    expect(insideWindow(nowS - 6 * DAY_S, nowMs)).toBe(true)
    expect(insideWindow(nowS - 7 * DAY_S - 1, nowMs)).toBe(false)
    expect(insideWindow(undefined, nowMs)).toBe(false)
  })
})
