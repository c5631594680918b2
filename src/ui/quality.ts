/** What the Quality tab and the destinations list read of the match-quality API, and how they word it. */

/** One mapping's figures, as `hog_functions/:id/quality/` answers them. */
export interface MappingQuality {
  mapping: string
  events: number
  sent: number
  skipped: { total: number; share: number; reasons: Record<string, number> }
  keys: Record<string, number>
  advice: string[]
  score: number | null
}

export interface FunctionQuality {
  score: number | null
  mappings: MappingQuality[]
}

/** One destination's score, as `hog_functions/quality/` lists them. */
export interface QualityScore {
  id: string
  score: number | null
  events: number
}

/** Pinterest's match keys in words, in the order the table lists them. */
export const KEY_LABELS: Readonly<Record<string, string>> = {
  em: 'Email',
  ph: 'Phone number',
  fn: 'First name',
  ln: 'Last name',
  ge: 'Gender',
  db: 'Date of birth',
  ct: 'City',
  st: 'State',
  zp: 'Postal code',
  country: 'Country',
  external_id: 'External id',
  hashed_maids: 'Mobile ad id',
  click_id: 'Pinterest click id',
  partner_id: 'Partner id',
  client_ip_address: 'IP address',
  client_user_agent: 'User agent',
  client_ip_address_and_client_user_agent: 'IP address with user agent',
}

/** A key's name in words with Pinterest's name beside it ("Email (em)"); an unknown key is shown by its name. */
export function keyLabel(key: string): string {
  const words = KEY_LABELS[key]
  return words ? `${words} (${key})` : key
}

/** The keys of an answer, known ones first in `KEY_LABELS`' order, then unknown ones by name. */
export function orderedKeys(keys: Record<string, number>): string[] {
  const known = Object.keys(KEY_LABELS).filter((key) => key in keys)
  const unknown = Object.keys(keys)
    .filter((key) => !(key in KEY_LABELS))
    .sort()
  return [...known, ...unknown]
}

/** A share (0–1) as a whole percentage; above 0 but under 1% says "<1%", under 100% never rounds up to "100%". */
export function percentText(share: number): string {
  if (share <= 0) return '0%'
  if (share >= 1) return '100%'
  const percent = Math.round(share * 100)
  if (percent < 1) return '<1%'
  if (percent > 99) return '>99%'
  return `${percent}%`
}

/** A score for a reader: "42 / 100", or the reason there is none. */
export const scoreText = (score: number | null): string => (score === null ? 'No events in this period' : `${score} / 100`)

/** The list's short form: "Quality 42", or "—" when there were no events. */
export const listScoreText = (score: number | null | undefined): string => (score === null || score === undefined ? '—' : `Quality ${score}`)

const REASONS: Readonly<Record<string, string>> = {
  no_identifier: 'no email, mobile ad id, or IP address with user agent',
  event_time_too_old: 'older than 7 days',
  event_time_in_future: 'time in the future',
  other: 'other (see Logs)',
}

/** A skip reason in words, with its count: "older than 7 days: 1". */
export const reasonText = (reason: string, count: number): string => `${REASONS[reason] ?? reason}: ${count}`

/** The reasons with a count, known ones in `REASONS`' order (as the advice gives them), then unknown ones by name. */
export function skipReasons(reasons: Record<string, number>): [string, number][] {
  const order = Object.keys(REASONS)
  const rank = (reason: string) => (order.includes(reason) ? order.indexOf(reason) : order.length)
  return Object.entries(reasons)
    .filter(([, count]) => count > 0)
    .sort(([a], [b]) => rank(a) - rank(b) || a.localeCompare(b))
}
