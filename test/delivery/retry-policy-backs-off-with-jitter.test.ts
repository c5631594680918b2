import { decideRetry, isRetryableStatus, parseRetryAfter, retryDelayMs, RetryPolicy } from '../../src/delivery/retry-policy'

const policy: RetryPolicy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 2000, maxAgeMs: 10_000 }
const NOW = Date.parse('2026-11-29T12:00:00Z')

describe('retry policy', () => {
  it.each([
    [408, true], [429, true], [500, true], [502, true], [503, true], [504, true],
    [400, false], [401, false], [403, false], [404, false], [422, false],
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

  it('draws full jitter below an exponential bound capped by maxDelayMs', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(n, policy, () => 0.999999))).toEqual([99, 199, 399, 799, 1599, 1999])
    expect(retryDelayMs(3, policy, () => 0)).toBe(0)
    expect(retryDelayMs(3, policy, () => 0.5)).toBe(200)
  })

  it('waits at least Retry-After, but never more than maxDelayMs', () => {
    expect(retryDelayMs(1, policy, () => 0, 1500)).toBe(1500)
    expect(retryDelayMs(1, policy, () => 0, 60_000)).toBe(2000)
  })

  it('gives up after maxAttempts or past maxAgeMs', () => {
    expect(decideRetry(5, NOW, NOW, policy, () => 0)).toEqual({ retry: false, reason: 'gave up after 5 attempts' })
    expect(decideRetry(2, NOW - 9_900, NOW, policy, () => 0.999, 500)).toEqual({ retry: false, reason: 'gave up after 2 attempts: older than 10 s' })
    expect(decideRetry(2, NOW, NOW, policy, () => 0.5)).toEqual({ retry: true, delayMs: 100 })
  })
})
