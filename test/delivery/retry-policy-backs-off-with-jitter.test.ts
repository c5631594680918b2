import { deadlineOf, describeDeadline, eventTimeOf } from '../../src/delivery/deadline'
import { backoffDelayMs, DEFAULT_RETRY_POLICY, isRetryableStatus, parseRetryAfter, retryPolicy, type RetryPolicy } from '../../src/delivery/retry-policy'

const policy: RetryPolicy = { baseDelayMs: 100, maxDelayMs: 2000, maxEventAgeMs: 7 * 86_400_000, maxRetryMs: Number.POSITIVE_INFINITY }
const NOW = Date.parse('2026-11-29T12:00:00Z')
const DAY = 86_400_000

describe('retry policy', () => {
  it.each([
    [408, true],
    [429, true],
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [400, false],
    [401, false],
    [403, false],
    [404, false],
    [422, false],
  ])('HTTP %i retryable: %s', (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected)
  })

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('3', NOW)).toBe(3000)
    expect(parseRetryAfter('1.5', NOW)).toBe(1500)
    expect(parseRetryAfter('Sun, 29 Nov 2026 12:00:07 GMT', NOW)).toBe(7000)
    expect(parseRetryAfter('Sun, 29 Nov 2026 11:00:00 GMT', NOW)).toBe(0)
    expect(parseRetryAfter('soon', NOW)).toBeUndefined()
    expect(parseRetryAfter(null, NOW)).toBeUndefined()
  })

  it('draws full jitter below a bound that doubles per failure up to maxDelayMs, however many failures', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 10_000].map((n) => backoffDelayMs(n, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 1599, 1999, 1999, 1999])
    expect(backoffDelayMs(3, policy, () => 0)).toBe(0)
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(200)
  })

  it('honours Retry-After in full, as a floor even above maxDelayMs', () => {
    expect(backoffDelayMs(1, policy, () => 0, 1500)).toBe(1500)
    expect(backoffDelayMs(1, policy, () => 0, 60_000)).toBe(60_000)
    expect(backoffDelayMs(5, policy, () => 0.999999, 50)).toBe(1599)
  })

  it("has no attempt limit: by default it retries for Pinterest's 7 days with waits of up to 5 minutes", () => {
    expect(DEFAULT_RETRY_POLICY).toEqual({ baseDelayMs: 1000, maxDelayMs: 300_000, maxEventAgeMs: 7 * DAY, maxRetryMs: Number.POSITIVE_INFINITY })
    expect(retryPolicy({ maxDelayMs: 50, maxRetryMs: undefined })).toEqual({ ...DEFAULT_RETRY_POLICY, maxDelayMs: 50 })
    expect(retryPolicy({ maxEventAgeMs: 30 * DAY }).maxEventAgeMs).toBe(7 * DAY)
  })
})

describe("an event's deadline", () => {
  const eventTime = Date.parse('2026-11-28T12:00:00Z') / 1000

  it("is the end of Pinterest's window for its event_time", () => {
    const deadline = deadlineOf(eventTime, NOW, policy)
    expect(deadline.atMs).toBe(Date.parse('2026-12-05T12:00:00Z'))
    expect(describeDeadline(deadline)).toBe("its event_time 2026-11-28T12:00:00.000Z is outside Pinterest's window (7 days old) from 2026-12-05T12:00:00.000Z")
  })

  it('comes earlier with a maxRetryMs counted from the hand-over', () => {
    const deadline = deadlineOf(eventTime, NOW, { ...policy, maxRetryMs: 20_000 })
    expect(deadline.atMs).toBe(NOW + 20_000)
    expect(describeDeadline(deadline)).toBe('retries stop 20 s after hand-over')
  })

  it('counts the window from the hand-over when the event has no readable event_time', () => {
    const deadline = deadlineOf(undefined, NOW, policy)
    expect(deadline.atMs).toBe(NOW + 7 * DAY)
    expect(describeDeadline(deadline)).toBe('it was handed over more than 7 days ago')
  })

  it('reads event_time from the serialised event, as text or UTF-8 bytes, without parsing the rest', () => {
    const json = '{"event_name":"say \\"event_time\\":1","action_source":"web","event_time": 1795947300,"event_id":"e","custom_data":{"x":1}}'
    expect(eventTimeOf(json)).toBe(1795947300)
    expect(eventTimeOf(new TextEncoder().encode(json))).toBe(1795947300)
    expect(eventTimeOf('{"event_id":"e"}')).toBeUndefined()
    expect(eventTimeOf(new TextEncoder().encode('{"event_time":"soon"}'))).toBeUndefined()
  })
})
