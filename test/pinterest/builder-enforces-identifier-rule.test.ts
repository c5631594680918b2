import { buildChecked } from '../helpers/checked'
import { NOW_MS, minimalInputs, sha } from './inputs'

const build = (user_data: unknown) => buildChecked(minimalInputs({ user_data }), NOW_MS)
const RULE = 'no identifier: user_data needs em (email), hashed_maids, or both client_ip_address and client_user_agent'

describe("Pinterest's identifier rule (em, hashed_maids, or IP + user agent)", () => {
  it('accepts an email alone', () => {
    expect(build({ email: 'a@b.co' })).toMatchObject({ status: 'event', event: { user_data: { em: [sha('a@b.co')] } } })
  })

  it('accepts a pre-hashed email alone', () => {
    expect(build({ em: sha('a@b.co') })).toMatchObject({ status: 'event' })
  })

  it('accepts a mobile ad id alone', () => {
    expect(build({ hashed_maids: 'AEBE52E7-03EE-455A-B3C4-E57283966239' })).toMatchObject({ status: 'event' })
  })

  it('accepts IP address plus user agent', () => {
    expect(build({ client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' })).toMatchObject({
      status: 'event',
      event: { user_data: { client_ip_address: '203.0.113.42', client_user_agent: 'Mozilla/5.0' } },
    })
  })

  it('skips an IP address alone', () => {
    expect(build({ client_ip_address: '203.0.113.42' })).toEqual({ status: 'skipped', reason: `${RULE}; found only client_ip_address` })
  })

  it('skips a user agent alone', () => {
    expect(build({ client_user_agent: 'Mozilla/5.0' })).toEqual({ status: 'skipped', reason: `${RULE}; found only client_user_agent` })
  })

  it('skips phone and names without email', () => {
    expect(build({ phone: '+1 503 555 0142', first_name: 'Jane' })).toEqual({ status: 'skipped', reason: `${RULE}; found only ph, fn` })
  })

  it('checks after normalisation: an unusable email does not count', () => {
    expect(build({ email: 'not-an-email', phone: '5035550142' })).toEqual({ status: 'skipped', reason: `${RULE}; found only ph` })
  })

  it('does not count an invalid IP address', () => {
    expect(build({ client_ip_address: 'localhost', client_user_agent: 'UA' })).toEqual({
      status: 'skipped',
      reason: `${RULE}; found only client_user_agent`,
    })
  })

  it('skips empty and missing user_data', () => {
    expect(build({})).toEqual({ status: 'skipped', reason: `${RULE}; found nothing usable` })
    expect(build({ email: '', phone: null })).toEqual({ status: 'skipped', reason: `${RULE}; found nothing usable` })
    expect(build(undefined)).toEqual({ status: 'skipped', reason: `${RULE} (user_data is missing)` })
  })
})
