import { APP_EVENT_BIT, keyBit, MATCH_KEYS } from '../pinterest/match-keys'
import type { SkipReason } from '../pinterest/skip-reasons'
import type { MatchCount } from '../store/types'

const bit = keyBit
const IP_AND_UA = bit('client_ip_address') | bit('client_user_agent')
const NAME = bit('fn') | bit('ln')

/**
 * The measures of match quality, each with its weight in the score (the weights add up to 100) and
 * the share of events lacking it above which the advice is given. Weights follow what Pinterest asks
 * for (reference §3.3): email first, the click id on conversions, IP address with user agent and the
 * external id on every event. A mobile ad id only counts among app events, and only for advice.
 */
const RULES: readonly Rule[] = [
  { bits: bit('em'), weight: 30, adviseOver: 0.1, lacks: 'no email', action: 'identify users with `$identify` and an `email` person property' },
  {
    bits: bit('click_id'),
    weight: 20,
    adviseOver: 0.5,
    lacks: 'no Pinterest click id',
    action: 'keep the `epik` parameter of Pinterest ad links: `posthog.register({ epik })` on landing, or an `epik` person property with `$set_once`',
  },
  {
    bits: IP_AND_UA,
    weight: 15,
    adviseOver: 0.1,
    lacks: 'no IP address with user agent',
    action: 'capture with posthog-js (it sends `$raw_user_agent`, capture records `$ip`), or send `$ip` and `$raw_user_agent` from the server, and keep "Discard client IP data" off',
  },
  { bits: bit('external_id'), weight: 15, adviseOver: 0.05, lacks: 'no external id', action: 'give every event a `distinct_id`' },
  { bits: bit('ph'), weight: 10, adviseOver: 0.5, lacks: 'no phone number', action: 'set a `phone` person property with `$identify` or `$set`' },
  { bits: NAME, weight: 5, adviseOver: 0.5, lacks: 'no first and last name', action: 'set `first_name` and `last_name` person properties with `$identify` or `$set`' },
  { bits: bit('zp'), weight: 5, adviseOver: 0.5, lacks: 'no postal code', action: 'set a `zip` person property with `$set`' },
  {
    bits: bit('hashed_maids'),
    among: APP_EVENT_BIT,
    weight: 0,
    adviseOver: 0.5,
    lacks: 'no mobile ad id',
    action: "send the device's advertising id as an `advertising_id` event or person property",
  },
]

interface Rule {
  /** The keys an event must all carry. */
  bits: number
  /** Only events with these flags count (app events), when given. */
  among?: number
  weight: number
  adviseOver: number
  lacks: string
  action: string
}

/** Advice on skipped events, in this order, given when more than `adviseOver` of a mapping's events were skipped for the reason. */
const SKIP_RULES: Readonly<Record<SkipReason, { adviseOver: number; action: string }>> = {
  no_identifier: {
    adviseOver: 0,
    action: 'they had no email, mobile ad id, or IP address with user agent; identify users with `$identify` and an `email` person property, or capture with posthog-js',
  },
  event_time_too_old: { adviseOver: 0, action: 'they were older than 7 days; send events as they happen, Pinterest takes none older' },
  event_time_in_future: { adviseOver: 0, action: "their time was in the future; check the clock of whatever sets the events' `timestamp`" },
  other: { adviseOver: 0, action: 'see the Logs tab for why' },
}

export interface MappingQuality {
  mapping: string
  /** Events the mapping took: sent plus skipped. */
  events: number
  sent: number
  skipped: { total: number; share: number; reasons: Record<string, number> }
  /** Share of the sent events that carried each key (and IP address with user agent together). */
  keys: Record<string, number>
  advice: string[]
  /** 0–100, or null without events. */
  score: number | null
}

interface Tally {
  sent: Map<number, number>
  skips: Record<string, number>
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 10_000)
const percent = (fraction: number) => `${Math.round(fraction * 100)}%`

/** A report per mapping, by name, from the counts of one function. */
export function mappingQualities(counts: MatchCount[]): MappingQuality[] {
  const tallies = new Map<string, Tally>()
  for (const c of counts) {
    let tally = tallies.get(c.mapping)
    if (tally === undefined) {
      tally = { sent: new Map(), skips: {} }
      tallies.set(c.mapping, tally)
    }
    if (c.skip === '') tally.sent.set(c.keys, (tally.sent.get(c.keys) ?? 0) + c.count)
    else tally.skips[c.skip] = (tally.skips[c.skip] ?? 0) + c.count
  }
  return [...tallies].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([mapping, tally]) => report(mapping, tally))
}

type Counter = (has: (keys: number) => boolean) => number

function report(mapping: string, tally: Tally): MappingQuality {
  const count: Counter = (has) => [...tally.sent].reduce((sum, [keys, n]) => (has(keys) ? sum + n : sum), 0)
  const sent = count(() => true)
  const skippedTotal = Object.values(tally.skips).reduce((a, b) => a + b, 0)
  const events = sent + skippedTotal
  const rated = rate(mapping, count, sent)
  const advice = [...skipAdvice(mapping, tally.skips, events), ...rated.advice]
  const score = events === 0 ? null : Math.round((rated.weighted * sent) / events)
  return { mapping, events, sent, skipped: { total: skippedTotal, share: share(skippedTotal, events), reasons: tally.skips }, keys: keyShares(count, sent), advice, score }
}

function keyShares(count: Counter, sent: number): Record<string, number> {
  const keys: Record<string, number> = {}
  for (const key of MATCH_KEYS)
    keys[key] = share(
      count((k) => (k & bit(key)) !== 0),
      sent,
    )
  keys.client_ip_address_and_client_user_agent = share(
    count((k) => (k & IP_AND_UA) === IP_AND_UA),
    sent,
  )
  return keys
}

function skipAdvice(mapping: string, skips: Record<string, number>, events: number): string[] {
  return Object.entries(SKIP_RULES).flatMap(([reason, rule]) => {
    const skipped = (skips[reason] ?? 0) / events
    return skipped > rule.adviseOver ? [`${percent(skipped)} of ${mapping} events were skipped: ${rule.action}.`] : []
  })
}

/** The weighted sum of the rules' shares (0 to 100) and the advice of the rules whose keys too many events lack. */
function rate(mapping: string, count: Counter, sent: number): { weighted: number; advice: string[] } {
  let weighted = 0
  const advice: string[] = []
  for (const rule of RULES) {
    const among = rule.among
    const base = among === undefined ? sent : count((k) => (k & among) !== 0)
    const carried = count((k) => (k & rule.bits) === rule.bits && (among === undefined || (k & among) !== 0))
    if (base === 0) continue
    weighted += (rule.weight * carried) / base
    const lacking = 1 - carried / base
    if (lacking > rule.adviseOver) advice.push(`${percent(lacking)} of ${mapping} ${among === undefined ? '' : 'app '}events have ${rule.lacks}: ${rule.action}.`)
  }
  return { weighted, advice }
}

/** A destination's score: its mappings' scores weighted by their events; null without events. */
export function destinationScore(mappings: MappingQuality[]): number | null {
  const events = mappings.reduce((sum, m) => sum + m.events, 0)
  if (events === 0) return null
  return Math.round(mappings.reduce((sum, m) => sum + (m.score ?? 0) * m.events, 0) / events)
}
