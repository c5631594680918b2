import { buildPinterestEvent } from '../../src/pinterest/builder'
import { APP_EVENT_BIT, keyBit, MATCH_KEYS, matchKeyBits } from '../../src/pinterest/match-keys'
import type { PinterestEvent } from '../../src/pinterest/schema'
import { skipReasonOf } from '../../src/pinterest/skip-reasons'

const NOW_MS = Date.parse('2026-11-29T10:20:00.000Z')
const base = { event_name: 'checkout', action_source: 'web', event_id: 'e-1', event_time: '2026-11-29T10:00:00Z' }

function built(inputs: Record<string, unknown>) {
  const result = buildPinterestEvent({ ...base, ...inputs }, { nowMs: NOW_MS })
  if (result.status !== 'event') throw new Error(`not built: ${JSON.stringify(result)}`)
  return result.event
}

function skipReason(inputs: Record<string, unknown>): string {
  const result = buildPinterestEvent({ ...base, ...inputs }, { nowMs: NOW_MS })
  if (result.status !== 'skipped') throw new Error(`not skipped: ${JSON.stringify(result)}`)
  return skipReasonOf(result.reason)
}

test("each of the builder's skips is read back as its code", () => {
  expect(skipReason({ user_data: { phone: '5035550142' } })).toBe('no_identifier')
  expect(skipReason({})).toBe('no_identifier')
  expect(skipReason({ user_data: { email: 'a@b.example' }, event_time: '2026-11-29T10:30:00Z' })).toBe('event_time_in_future')
  expect(skipReason({ user_data: { email: 'a@b.example' }, event_time: '2026-11-01T10:00:00Z' })).toBe('event_time_too_old')
  expect(skipReasonOf('a reason written elsewhere')).toBe('other')
})

test('a built event carries a flag per user_data key it holds, and one for app events', () => {
  const web = built({ user_data: { email: 'a@b.example', client_ip_address: '203.0.113.9', client_user_agent: 'UA', click_id: 'dj0y' } })
  expect(matchKeyBits(web)).toBe(keyBit('em') | keyBit('client_ip_address') | keyBit('client_user_agent') | keyBit('click_id'))
  const app = built({ action_source: 'app_ios', user_data: { mobile_ad_id: 'AEBE52E7-03EE-455A-B3C4-E57283966239', email: 'not an email' } })
  expect(matchKeyBits(app)).toBe(keyBit('hashed_maids') | APP_EVENT_BIT)
})

test('each key of MATCH_KEYS sets its own bit, and nothing else does', () => {
  for (const key of MATCH_KEYS) {
    const event = { event_name: 'checkout', action_source: 'web', event_time: 1, event_id: 'e', user_data: { [key]: key.startsWith('client') ? 'v' : ['v'] } } as unknown as PinterestEvent
    expect([key, matchKeyBits(event)]).toEqual([key, keyBit(key)])
  }
  const unknown = { event_name: 'checkout', action_source: 'web', event_time: 1, event_id: 'e', user_data: { nickname: ['v'] } } as unknown as PinterestEvent
  expect(matchKeyBits(unknown)).toBe(0)
})

test('stored flags keep their meaning: the first keys hold their bits', () => {
  expect(MATCH_KEYS.slice(0, 4)).toEqual(['em', 'ph', 'fn', 'ln'])
  expect([keyBit('em'), keyBit('external_id'), keyBit('partner_id'), APP_EVENT_BIT]).toEqual([1, 1 << 10, 1 << 15, 1 << 16])
})
