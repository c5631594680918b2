import { Breaker } from '../../src/delivery/breaker'
import { retryPolicy } from '../../src/delivery/retry-policy'

const policy = retryPolicy({ baseDelayMs: 1000, maxDelayMs: 8000 })
const NOW = 1_000_000
const outage = { reason: 'HTTP 503: ramped down' }

describe("a destination's breaker", () => {
  it('lets everything through while closed, then holds the destination until one probe may go', () => {
    const breaker = new Breaker(policy, () => 0.5)
    const first = breaker.admit(NOW)!
    const second = breaker.admit(NOW)!
    expect([first, second]).toEqual([{ probe: false }, { probe: false }])
    expect(breaker.failed(first, NOW, outage)).toEqual({ retryAtMs: NOW + 500, opened: true })
    // A request already out when the destination went down changes nothing.
    expect(breaker.failed(second, NOW + 10, outage)).toEqual({ retryAtMs: NOW + 500, opened: false })
    expect(breaker.admit(NOW + 499)).toBeUndefined()
    expect(breaker.heldUntilMs).toBe(NOW + 500)
    const probe = breaker.admit(NOW + 500)!
    expect(probe).toEqual({ probe: true })
    expect(breaker.admit(NOW + 501)).toBeUndefined()
    expect(breaker.heldUntilMs).toBe(Number.POSITIVE_INFINITY)
  })

  it('doubles the backoff bound after each failed probe, up to the cap, and resumes at full speed after a good one', () => {
    const breaker = new Breaker(policy, () => 0.999)
    let now = NOW
    let ticket = breaker.admit(now)!
    const waits: number[] = []
    for (let i = 0; i < 6; i++) {
      const { retryAtMs, opened } = breaker.failed(ticket, now, outage)
      expect(opened).toBe(i === 0)
      waits.push(retryAtMs - now)
      now = retryAtMs
      ticket = breaker.admit(now)!
      expect(ticket).toEqual({ probe: true })
    }
    expect(waits).toEqual([999, 1998, 3996, 7992, 7992, 7992])
    expect(breaker.succeeded()).toBe(true)
    expect(breaker.succeeded()).toBe(false)
    expect(breaker.admit(now)).toEqual({ probe: false })
    expect(breaker.failed({ probe: false }, now, outage)).toEqual({ retryAtMs: now + 999, opened: true })
  })

  it('waits out a Retry-After longer than the cap, and lets a probe that sent nothing go again', () => {
    const breaker = new Breaker(policy, () => 0)
    expect(breaker.failed(breaker.admit(NOW)!, NOW, { reason: 'HTTP 429: slow down', retryAfterMs: 60_000 })).toEqual({ retryAtMs: NOW + 60_000, opened: true })
    const probe = breaker.admit(NOW + 60_000)!
    breaker.cancel(probe)
    expect(breaker.admit(NOW + 60_000)).toEqual({ probe: true })
  })
})
