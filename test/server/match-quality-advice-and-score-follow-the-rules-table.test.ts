import { keyBit, APP_EVENT_BIT } from '../../src/pinterest/match-keys'
import { destinationScore, mappingQualities } from '../../src/server/match-quality'
import type { MatchCount } from '../../src/store/types'

const EVERYTHING = keyBit('em') | keyBit('click_id') | keyBit('client_ip_address') | keyBit('client_user_agent') | keyBit('external_id') | keyBit('ph') | keyBit('fn') | keyBit('ln') | keyBit('zp')
const row = (mapping: string, keys: number, count: number, skip = ''): MatchCount => ({ function_id: 'fn', mapping, keys, skip, count })

test('events carrying every weighted key score 100 and get no advice', () => {
  const [full] = mappingQualities([row('Checkout', EVERYTHING, 7)])
  expect(full).toMatchObject({ events: 7, sent: 7, score: 100, advice: [] })
})

test('a mobile ad id is asked for among app events only, and weighs nothing in the score', () => {
  const app = APP_EVENT_BIT | keyBit('em') | keyBit('external_id')
  const [install] = mappingQualities([row('App Install', app, 3), row('App Install', app | keyBit('hashed_maids'), 1), row('App Install', EVERYTHING, 4)])
  expect(install.keys.hashed_maids).toBe(0.125)
  expect(install.advice).toContain("75% of App Install app events have no mobile ad id: send the device's advertising id as an `advertising_id` event or person property.")
  // em 30 + external_id 15 on all 8; the other 55 on half of them.
  expect(install.score).toBe(73)
  const [web] = mappingQualities([row('Checkout', EVERYTHING, 4)])
  expect(web.advice).toEqual([])
})

test('a mapping of skipped events only scores 0; a reason of no rule is still advised on; no events, no score', () => {
  const [skipped] = mappingQualities([row('Lead', 0, 2, 'no_identifier'), row('Lead', 0, 2, 'other')])
  expect(skipped).toMatchObject({ events: 4, sent: 0, score: 0, skipped: { total: 4, share: 1, reasons: { no_identifier: 2, other: 2 } } })
  expect(skipped.advice).toEqual([
    '50% of Lead events were skipped: they had no email, mobile ad id, or IP address with user agent; identify users with `$identify` and an `email` person property, or capture with posthog-js.',
    '50% of Lead events were skipped: see the Logs tab for why.',
  ])
  expect(destinationScore([])).toBeNull()
  expect(destinationScore(mappingQualities([row('Lead', 0, 2, 'no_identifier'), row('Checkout', EVERYTHING, 2)]))).toBe(50)
})
