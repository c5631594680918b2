import { ABSENT, type Field, bad, firstItems, readText } from './coerce'
import { cachedHashUserValue } from './hash-cache'
import { isIpAddress } from './ip'
import * as n from './normalize'
import type { PinterestUserData } from './schema'
import { describeUnknownKeys } from './unknown-keys'

type HashedKey = 'em' | 'ph' | 'fn' | 'ln' | 'ge' | 'db' | 'ct' | 'st' | 'zp' | 'country' | 'external_id' | 'hashed_maids'
type PlainKey = 'client_ip_address' | 'client_user_agent' | 'click_id' | 'partner_id'
type OutputKey = HashedKey | PlainKey

interface HashedField {
  key: HashedKey
  aliases: readonly string[]
  normalise: n.Normaliser
  expected: string
}

// Input names follow Segment/PostHog conventions; Pinterest's short names are accepted as aliases.
const HASHED_FIELDS: readonly HashedField[] = [
  { key: 'em', aliases: ['email', 'em'], normalise: n.normaliseEmail, expected: 'an email address' },
  { key: 'ph', aliases: ['phone', 'ph'], normalise: n.normalisePhone, expected: 'a phone number' },
  { key: 'fn', aliases: ['first_name', 'fn'], normalise: n.normaliseName, expected: 'a first name' },
  { key: 'ln', aliases: ['last_name', 'ln'], normalise: n.normaliseName, expected: 'a last name' },
  { key: 'ge', aliases: ['gender', 'ge'], normalise: n.normaliseGender, expected: 'f, m, n or a common spelling' },
  { key: 'db', aliases: ['date_of_birth', 'db'], normalise: n.normaliseDateOfBirth, expected: 'a date (YYYY-MM-DD)' },
  { key: 'ct', aliases: ['city', 'ct'], normalise: n.normaliseCity, expected: 'a city name' },
  { key: 'st', aliases: ['state', 'st'], normalise: n.normaliseState, expected: 'a 2-letter code or US state name' },
  { key: 'zp', aliases: ['zip', 'zp'], normalise: n.normaliseZip, expected: 'a postal code' },
  { key: 'country', aliases: ['country'], normalise: n.normaliseCountry, expected: 'an ISO country code or name' },
  { key: 'external_id', aliases: ['external_id'], normalise: n.normaliseExternalId, expected: 'an id' },
  { key: 'hashed_maids', aliases: ['hashed_maids', 'mobile_ad_id'], normalise: n.normaliseMaid, expected: 'an ad id' },
]

const PLAIN_KEYS: readonly PlainKey[] = ['client_ip_address', 'client_user_agent', 'click_id', 'partner_id']

const INPUT_TO_OUTPUT: ReadonlyMap<string, OutputKey> = new Map<string, OutputKey>([
  ...HASHED_FIELDS.flatMap((f) => f.aliases.map((a): [string, OutputKey] => [a, f.key])),
  ...PLAIN_KEYS.map((k): [string, OutputKey] => [k, k]),
])

/** The keys `user_data` takes: Pinterest's names and the usual long names; others are ignored. */
export const USER_DATA_KEYS: readonly string[] = [...INPUT_TO_OUTPUT.keys()]

// Pinterest has no limit, but a mapping that yields more than this is almost surely broken.
const MAX_VALUES = 100

export interface UserDataResult {
  userData: PinterestUserData
  warnings: string[]
}

const NONE: readonly unknown[] = []

/** The values given under a field's names (`email`, `em`), in that order; most often exactly one. */
function valuesUnder(raw: Record<string, unknown>, names: readonly string[]): readonly unknown[] {
  let values: unknown[] | undefined
  for (const name of names) {
    if (!Object.hasOwn(raw, name)) continue
    values ??= []
    values.push(raw[name])
  }
  return values ?? NONE
}

function unknownKeys(raw: Record<string, unknown>): string[] {
  return Object.keys(raw).filter((key) => !INPUT_TO_OUTPUT.has(key))
}

const capped = (a: readonly unknown[]): unknown[] => firstItems(a, MAX_VALUES + 1)

// One level of nesting is allowed so a template can yield [primary, [alternates…]]; deeper arrays stay
// as elements and are reported as wrong types. Capping first keeps huge or sparse arrays cheap.
function flattenOnce(raws: readonly unknown[]): unknown[] {
  return raws.flatMap((v) => (Array.isArray(v) ? capped(v).flatMap((x) => (Array.isArray(x) ? capped(x) : [x])) : [v]))
}

const NO_WARNINGS: readonly string[] = []

function hashField(field: HashedField, raws: readonly unknown[]): { hashes: string[]; warnings: readonly string[] } {
  // The usual input is one string; skip the general path's copies for it.
  if (raws.length === 1 && typeof raws[0] === 'string') {
    const text = readText(raws[0])
    const hash = text.kind === 'ok' ? cachedHashUserValue(text.value, field.normalise) : null
    if (hash !== null || text.kind === 'absent') return { hashes: hash === null ? [] : [hash], warnings: NO_WARNINGS }
  }
  const values = flattenOnce(raws)
  const path = `user_data.${field.key}`
  const tooMany = values.length > MAX_VALUES
  const warnings = tooMany ? [`${path} has more than ${MAX_VALUES} values; extra values left out`] : []
  const hashes = new Set<string>()
  const problems: string[] = []
  for (const value of values.slice(0, MAX_VALUES)) {
    const text = readText(value)
    if (text.kind === 'bad') problems.push(text.problem)
    if (text.kind !== 'ok') continue
    const hash = cachedHashUserValue(text.value, field.normalise)
    if (hash === null) problems.push(`is not usable as ${field.expected}`)
    else hashes.add(hash)
  }
  // Values are personal data: say how many failed and why, never echo them.
  if (problems.length > 0) warnings.push(`${path}: ${problems.length} value(s) left out (${problems[0]})`)
  return { hashes: [...hashes], warnings }
}

function readPlain(key: PlainKey, raws: readonly unknown[]): Field<string> {
  const values = raws.length === 1 && !Array.isArray(raws[0]) ? raws : flattenOnce(raws)
  const first = values.map(readText).find((f) => f.kind !== 'absent') ?? ABSENT
  if (key !== 'client_ip_address' || first.kind !== 'ok') return first
  return isIpAddress(first.value) ? first : bad('is not an IPv4 or IPv6 address')
}

export function buildUserData(raw: Record<string, unknown>): UserDataResult {
  const userData: PinterestUserData = {}
  const warnings = describeUnknownKeys('user_data', unknownKeys(raw))
  for (const field of HASHED_FIELDS) {
    const raws = valuesUnder(raw, field.aliases)
    if (raws.length === 0) continue
    const result = hashField(field, raws)
    if (result.warnings.length > 0) warnings.push(...result.warnings)
    if (result.hashes.length > 0) userData[field.key] = result.hashes
  }
  for (const key of PLAIN_KEYS) {
    const raws = Object.hasOwn(raw, key) ? [raw[key]] : NONE
    if (raws.length === 0) continue
    const result = readPlain(key, raws)
    if (result.kind === 'ok') userData[key] = result.value
    if (result.kind === 'bad') warnings.push(`user_data.${key} ${result.problem}; left out`)
  }
  return { userData, warnings }
}
