import { checkEventTimeWindow, parseUnixSeconds, toEventTimeSeconds } from '../../src/pinterest/time'

const NOW_MS = Date.parse('2026-11-29T10:20:00.000Z')
const NOW_S = NOW_MS / 1000
const EVENT_S = Date.parse('2026-11-29T10:15:00.000Z') / 1000

describe('parseUnixSeconds', () => {
  it.each([
    ['ISO with Z', '2026-11-29T10:15:00.000Z'],
    ['ISO without milliseconds', '2026-11-29T10:15:00Z'],
    ['ISO with offset', '2026-11-29T11:15:00+01:00'],
    ['ISO with compact offset', '2026-11-29T05:15:00-0500'],
    ['ISO without zone (read as UTC)', '2026-11-29T10:15:00'],
    ['space separator', '2026-11-29 10:15:00.123456+00:00'],
    ['epoch seconds', EVENT_S],
    ['epoch seconds with fraction', EVENT_S + 0.999],
    ['epoch milliseconds', EVENT_S * 1000 + 456],
    ['numeric string seconds', String(EVENT_S)],
    ['numeric string milliseconds', String(EVENT_S * 1000)],
    ['padded numeric string', ` ${EVENT_S} `],
    ['Date object', new Date(EVENT_S * 1000)],
  ])('%s', (_label, input) => {
    expect(parseUnixSeconds(input)).toEqual({ kind: 'ok', value: EVENT_S })
  })

  it('reads a bare date as midnight UTC', () => {
    expect(parseUnixSeconds('2026-11-29')).toEqual({ kind: 'ok', value: Date.parse('2026-11-29T00:00:00Z') / 1000 })
  })

  it.each([null, undefined, '', '   '])('treats %j as absent', (input) => {
    expect(parseUnixSeconds(input)).toEqual({ kind: 'absent' })
  })

  it.each(['yesterday', '2026-13-01T00:00:00Z', '2026-02-30T00:00:00Z', '2026-11-29T25:00:00Z', '-1732875300', '0x1234', 0, -5, NaN, Infinity, true, {}, [EVENT_S], 1e300])('rejects %p', (input) => {
    expect(parseUnixSeconds(input).kind).toBe('bad')
  })
})

describe('checkEventTimeWindow', () => {
  it('accepts now, up to 5 minutes ahead and up to 7 days back', () => {
    expect(checkEventTimeWindow(NOW_S, NOW_MS)).toBeNull()
    expect(checkEventTimeWindow(NOW_S + 300, NOW_MS)).toBeNull()
    expect(checkEventTimeWindow(NOW_S - 7 * 86400, NOW_MS)).toBeNull()
  })

  it('rejects times more than 5 minutes in the future', () => {
    expect(checkEventTimeWindow(NOW_S + 301, NOW_MS)).toBe('event_time 2026-11-29T10:25:01.000Z is in the future (more than 5 minutes after 2026-11-29T10:20:00.000Z)')
  })

  it("rejects times outside Pinterest's 7-day window", () => {
    expect(checkEventTimeWindow(NOW_S - 7 * 86400 - 1, NOW_MS)).toBe('event_time 2026-11-22T10:19:59.000Z is older than 7 days; Pinterest only accepts events from the last 7 days')
  })
})

describe('toEventTimeSeconds', () => {
  it('returns integer seconds for a valid recent time', () => {
    expect(toEventTimeSeconds('2026-11-29T10:15:00.000Z', NOW_MS)).toEqual({ status: 'ok', seconds: EVENT_S })
  })

  it('reads milliseconds by magnitude, so they never look like a far-future time', () => {
    expect(toEventTimeSeconds(NOW_MS, NOW_MS)).toEqual({ status: 'ok', seconds: NOW_S })
  })

  it('reports missing and garbage values as invalid, naming event_time', () => {
    expect(toEventTimeSeconds(undefined, NOW_MS)).toEqual({ status: 'invalid', reason: 'event_time is missing' })
    expect(toEventTimeSeconds('garbage', NOW_MS)).toEqual({
      status: 'invalid',
      reason: 'event_time must be an ISO-8601 date-time or Unix seconds/milliseconds, got "garbage"',
    })
  })

  it('reports future and old times as out of window', () => {
    expect(toEventTimeSeconds(NOW_S + 3600, NOW_MS).status).toBe('out_of_window')
    expect(toEventTimeSeconds('2026-11-01T00:00:00Z', NOW_MS).status).toBe('out_of_window')
  })
})
