import type { PinterestEvent, PinterestUserData } from './schema'

/**
 * Pinterest's match keys (user_data's fields), each a bit of a flag set that says which keys an event
 * carried. The sets are stored, so a key's bit never changes: new keys are appended.
 */
export const MATCH_KEYS = [
  'em',
  'ph',
  'fn',
  'ln',
  'ge',
  'db',
  'ct',
  'st',
  'zp',
  'country',
  'external_id',
  'hashed_maids',
  'client_ip_address',
  'client_user_agent',
  'click_id',
  'partner_id',
] as const satisfies readonly (keyof PinterestUserData)[]

export type MatchKey = (typeof MATCH_KEYS)[number]

export const keyBit = (key: MatchKey): number => 1 << MATCH_KEYS.indexOf(key)

/** Set when the event came from an app (action_source app_android or app_ios): mobile ad ids only matter there. */
export const APP_EVENT_BIT = 1 << MATCH_KEYS.length

/**
 * The keys a built event carries, as flags: the builder leaves out every key it has no usable value for.
 * A switch over the keys present, because user_data's shapes vary from event to event: named or keyed
 * look-ups of all sixteen keys cost several times more once they see many shapes (a test checks that each
 * key sets its own bit of MATCH_KEYS).
 */
export function matchKeyBits(event: PinterestEvent): number {
  let bits = event.action_source === 'app_android' || event.action_source === 'app_ios' ? APP_EVENT_BIT : 0
  for (const key in event.user_data) bits |= bitOf(key)
  return bits
}

function bitOf(key: string): number {
  switch (key) {
    case 'em':
      return 1
    case 'ph':
      return 1 << 1
    case 'fn':
      return 1 << 2
    case 'ln':
      return 1 << 3
    case 'ge':
      return 1 << 4
    case 'db':
      return 1 << 5
    case 'ct':
      return 1 << 6
    case 'st':
      return 1 << 7
    case 'zp':
      return 1 << 8
    case 'country':
      return 1 << 9
    case 'external_id':
      return 1 << 10
    case 'hashed_maids':
      return 1 << 11
    case 'client_ip_address':
      return 1 << 12
    case 'client_user_agent':
      return 1 << 13
    case 'click_id':
      return 1 << 14
    case 'partner_id':
      return 1 << 15
    default:
      return 0
  }
}
