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

const BITS: Readonly<Record<string, number>> = Object.fromEntries(MATCH_KEYS.map((key, i) => [key, 1 << i]))

/** The keys a built event carries, as flags: the builder leaves out every key it has no usable value for. */
export function matchKeyBits(event: PinterestEvent): number {
  let bits = event.action_source === 'app_android' || event.action_source === 'app_ios' ? APP_EVENT_BIT : 0
  for (const key in event.user_data) bits |= BITS[key] ?? 0
  return bits
}
