import { COUNTRY_CODES, US_STATE_CODES, foldKey } from './geo'

// One normaliser per hashed user_data field, following the rules Pinterest writes in its API reference.
// null means "unusable": hashing it would only produce a value that can never match.
export type Normaliser = (raw: string) => string | null

const nonEmpty = (s: string): string | null => (s === '' ? null : s)

export const normaliseEmail: Normaliser = (raw) => {
  const email = raw.trim().toLowerCase()
  return /^[^\s@]+@[^\s@]+$/.test(email) ? email : null
}

// Pinterest: country code + number, digits only, no leading zeros (so "00 44…" and "+44…" agree).
export const normalisePhone: Normaliser = (raw) => {
  let digits = ''
  for (let i = 0; i < raw.length; i++) {
    const code = raw.charCodeAt(i)
    if (code >= 48 && code <= 57 && (digits !== '' || code !== 48)) digits += raw[i]
  }
  return nonEmpty(digits)
}

export const normaliseName: Normaliser = (raw) => nonEmpty(raw.trim().toLowerCase())

const GENDER_WORDS: Readonly<Record<string, 'f' | 'm' | 'n'>> = {
  f: 'f',
  female: 'f',
  woman: 'f',
  w: 'f',
  women: 'f',
  girl: 'f',
  m: 'm',
  male: 'm',
  man: 'm',
  men: 'm',
  boy: 'm',
  n: 'n',
  nonbinary: 'n',
  nb: 'n',
  enby: 'n',
  other: 'n',
  x: 'n',
  genderqueer: 'n',
  genderfluid: 'n',
}

export const normaliseGender: Normaliser = (raw) => {
  const word = raw
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, '')
  return Object.hasOwn(GENDER_WORDS, word) ? GENDER_WORDS[word] : null
}

type YMD = readonly [year: number, month: number, day: number]

const DATE_FORMATS: ReadonlyArray<readonly [RegExp, (m: RegExpExecArray) => YMD]> = [
  // Year first with any separator; a trailing ISO time part is ignored because a birthday is a calendar
  // date and shifting it by a time zone would change the day.
  [/^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ].*)?$/, (m) => [+m[1], +m[2], +m[3]]],
  [/^(\d{4})(\d{2})(\d{2})$/, (m) => [+m[1], +m[2], +m[3]]],
  // Slashes with the year last are US order unless the first part cannot be a month.
  [/^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, (m) => (+m[1] > 12 ? [+m[3], +m[2], +m[1]] : [+m[3], +m[1], +m[2]])],
  [/^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, (m) => [+m[3], +m[2], +m[1]]],
]

function isRealDate([year, month, day]: YMD): boolean {
  if (year < 1900 || year > 2100) return false
  const d = new Date(Date.UTC(year, month - 1, day))
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

export const normaliseDateOfBirth: Normaliser = (raw) => {
  const text = raw.trim()
  for (const [pattern, toYmd] of DATE_FORMATS) {
    const m = pattern.exec(text)
    if (m === null) continue
    const ymd = toYmd(m)
    return isRealDate(ymd) ? `${ymd[0]}${pad2(ymd[1])}${pad2(ymd[2])}` : null
  }
  return null
}

// Letters of any script and digits survive, so "München" keeps its umlaut.
export const normaliseCity: Normaliser = (raw) =>
  /^[\x20-\x7e]*$/.test(raw)
    ? nonEmpty(raw.toLowerCase().replace(/[^a-z0-9]/g, ''))
    : nonEmpty(
        raw
          .normalize('NFC')
          .toLowerCase()
          .replace(/[^\p{L}\p{M}\p{N}]/gu, ''),
      )

export const normaliseState: Normaliser = (raw) => {
  const key = foldKey(raw)
  const code = US_STATE_CODES.get(key) ?? key
  return /^[a-z]{2}$/.test(code) ? code : null
}

export const normaliseZip: Normaliser = (raw) => {
  const zip = raw.toLowerCase().replace(/\s+/g, '')
  // US ZIP+4 matches Pinterest's 5-digit tag data only after the +4 part is cut.
  const us = /^(\d{5})-?\d{4}$/.exec(zip)
  return us === null ? nonEmpty(zip) : us[1]
}

export const normaliseCountry: Normaliser = (raw) => {
  const key = foldKey(raw)
  const code = COUNTRY_CODES.get(key) ?? key
  return /^[a-z]{2}$/.test(code) ? code : null
}

// Advertiser ids can be case-sensitive, so only whitespace is removed.
export const normaliseExternalId: Normaliser = (raw) => nonEmpty(raw.trim())

// Mobile ad ids are sent as the device reports them (IDFA upper case, GAID lower case), only trimmed.
export const normaliseMaid: Normaliser = (raw) => nonEmpty(raw.trim())
