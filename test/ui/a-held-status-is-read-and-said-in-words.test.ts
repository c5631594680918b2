import { heldCountText, heldOf, utcMinute } from '../../src/ui/function-status'

const HELD = {
  state: 2,
  rating: 0,
  tokens: 0,
  reason: "Pinterest refused this destination's credentials (conversion token rejected by Pinterest (401)).",
  held_since: '2026-12-01T14:05:09.123Z',
  held_deliveries: 2000,
  http_status: 401,
  fix: ['conversion_token', 'ad_account_id'],
}

describe('heldOf', () => {
  it('reads a degraded status as its reason, since, count and the inputs that fix it', () => {
    expect(heldOf(HELD)).toEqual({ reason: HELD.reason, since: '2026-12-01T14:05:09.123Z', count: 2000, fix: ['conversion_token', 'ad_account_id'] })
  })

  it('is null for a healthy, a missing or an absent status', () => {
    expect(heldOf({ state: 1, rating: 1, tokens: 0 })).toBeNull()
    expect(heldOf(null)).toBeNull()
    expect(heldOf(undefined)).toBeNull()
  })

  it('still says a degraded status without details is held, with none counted', () => {
    expect(heldOf({ state: 2 })).toEqual({ reason: 'Pinterest refused this destination’s credentials.', since: '', count: 0, fix: [] })
  })
})

describe('heldCountText', () => {
  it('counts one delivery, several and thousands in words', () => {
    expect(heldCountText(1)).toBe('1 delivery held')
    expect(heldCountText(0)).toBe('0 deliveries held')
    expect(heldCountText(2000)).toBe('2,000 deliveries held')
  })
})

describe('utcMinute', () => {
  it('gives the instant to the minute in UTC, whatever the offset it was written with', () => {
    expect(utcMinute('2026-12-01T14:05:59.999Z')).toBe('2026-12-01 14:05 UTC')
    expect(utcMinute('2026-12-01T23:30:00+02:00')).toBe('2026-12-01 21:30 UTC')
  })

  it('is empty for a value that is no instant', () => {
    expect(utcMinute('yesterday')).toBe('')
    expect(utcMinute('')).toBe('')
  })
})
