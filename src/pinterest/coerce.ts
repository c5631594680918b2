import { isRecord } from '../json'

// Readers turn one untrusted input value into a typed value, "absent" (null/empty: leave out silently)
// or "bad" (leave out and tell the caller why). `problem` reads after the field name: "<field> <problem>".

export type Field<T> = { kind: 'absent' } | { kind: 'ok'; value: T } | { kind: 'bad'; problem: string }
export type Reader<T = unknown> = (raw: unknown) => Field<T>

export const MAX_INPUT_BYTES = 64 * 1024
const MAX_PREVIEW = 40
const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

export const ABSENT: Field<never> = { kind: 'absent' }
export const ok = <T>(value: T): Field<T> => ({ kind: 'ok', value })
export const bad = (problem: string): Field<never> => ({ kind: 'bad', problem })

export function own(obj: Record<string, unknown>, key: string): unknown {
  return Object.hasOwn(obj, key) ? obj[key] : undefined
}

// Dense copy of the first `n` entries: holes in sparse arrays become undefined instead of being skipped.
export function firstItems(list: readonly unknown[], n: number): unknown[] {
  return Array.from({ length: Math.min(list.length, n) }, (_, i) => list[i])
}

export function readObject(raw: unknown): Field<Record<string, unknown>> {
  if (raw === undefined || raw === null) return ABSENT
  return isRecord(raw) ? ok(raw) : bad(`must be an object, got ${kindOf(raw)}`)
}

export function kindOf(v: unknown): string {
  if (v === null) return 'null'
  if (Array.isArray(v)) return 'an array'
  if (typeof v === 'object') return 'an object'
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  return `a ${typeof v}`
}

// Short, log-safe rendering of a bad value; never prints huge strings or walks objects.
export function preview(v: unknown): string {
  if (typeof v === 'string') {
    const cut = v.length > MAX_PREVIEW ? `${v.slice(0, MAX_PREVIEW)}…` : v
    return JSON.stringify(cut)
  }
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  return kindOf(v)
}

export function isOversized(s: string): boolean {
  // UTF-8 never takes fewer bytes than UTF-16 code units, so the cheap length test decides most cases.
  // A UTF-16 code unit takes at most 3 UTF-8 bytes, so short strings need no byte count.
  if (s.length * 3 <= MAX_INPUT_BYTES) return false
  return s.length > MAX_INPUT_BYTES || Buffer.byteLength(s, 'utf8') > MAX_INPUT_BYTES
}

const notFinite = (n: number): Field<never> => bad(`must be a finite number, got ${n}`)

export function readText(raw: unknown): Field<string> {
  if (raw === undefined || raw === null) return ABSENT
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(String(raw)) : notFinite(raw)
  if (typeof raw === 'bigint') return ok(String(raw))
  if (typeof raw !== 'string') return bad(`must be a string, got ${kindOf(raw)}`)
  if (isOversized(raw)) return bad('is larger than 64 KiB')
  const trimmed = raw.trim()
  return trimmed === '' ? ABSENT : ok(trimmed)
}

// Quick answers of the readers for the values most inputs hold, or undefined when the reader must decide:
// the same result without building a Field. They run for every line of every cart.

/** readText's value for a finite number or a string under the size limit that is not blank. */
export function quickText(raw: unknown): string | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? String(raw) : undefined
  if (typeof raw !== 'string' || raw.length * 3 > MAX_INPUT_BYTES) return undefined
  const trimmed = raw.trim()
  return trimmed === '' ? undefined : trimmed
}

/** readDecimal's value for a number whose shortest form has no exponent (String(-0) is "0", as formatDecimal gives). */
export function quickDecimal(raw: unknown): string | undefined {
  if (typeof raw !== 'number' || !Number.isFinite(raw) || Math.abs(raw) >= 1e21) return undefined
  const plain = String(raw)
  return plain.includes('e') ? undefined : plain
}

/** readIntegerInRange(0, MAX_SAFE_INTEGER)'s value for a number. */
export function quickCount(raw: unknown): number | undefined {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) return undefined
  return raw === 0 ? 0 : raw
}

const TRUE_WORDS = new Set(['true', '1'])
const FALSE_WORDS = new Set(['false', '0'])

export function readBoolean(raw: unknown): Field<boolean> {
  if (raw === undefined || raw === null || raw === '') return ABSENT
  if (raw === true || raw === 1) return ok(true)
  if (raw === false || raw === 0) return ok(false)
  if (typeof raw === 'string' && raw.length <= 10) {
    const word = raw.trim().toLowerCase()
    if (TRUE_WORDS.has(word)) return ok(true)
    if (FALSE_WORDS.has(word)) return ok(false)
  }
  return bad(`must be true or false, got ${preview(raw)}`)
}

export function readNumber(raw: unknown): Field<number> {
  if (raw === undefined || raw === null) return ABSENT
  // -0 would survive in the event but not in its JSON, so the two could disagree.
  if (typeof raw === 'number') return Number.isFinite(raw) ? ok(raw === 0 ? 0 : raw) : notFinite(raw)
  if (typeof raw !== 'string') return bad(`must be a number, got ${kindOf(raw)}`)
  if (isOversized(raw)) return bad('is larger than 64 KiB')
  const trimmed = raw.trim()
  if (trimmed === '') return ABSENT
  const n = DECIMAL.test(trimmed) ? Number(trimmed) : NaN
  return Number.isFinite(n) ? ok(n === 0 ? 0 : n) : bad(`must be a number, got ${preview(raw)}`)
}

export function readInteger(raw: unknown): Field<number> {
  const n = readNumber(raw)
  if (n.kind !== 'ok' || Number.isSafeInteger(n.value)) return n
  return bad(`must be an integer, got ${preview(raw)}`)
}

export function readIntegerInRange(min: number, max: number): Reader<number> {
  return (raw) => {
    const n = readInteger(raw)
    if (n.kind !== 'ok' || (n.value >= min && n.value <= max)) return n
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `between ${min} and ${max}`
    return bad(`must be ${range}, got ${n.value}`)
  }
}

// Pinterest parses money as a double from a string; emit plain decimal text, never exponent notation.
export function formatDecimal(n: number): Field<string> {
  if (Math.abs(n) >= 1e21) return bad(`is too large, got ${n}`)
  const plain = String(Object.is(n, -0) ? 0 : n)
  if (!plain.includes('e')) return ok(plain)
  return ok(n.toFixed(20).replace(/\.?0+$/, ''))
}

export function readDecimal(raw: unknown): Field<string> {
  const n = readNumber(raw)
  return n.kind === 'ok' ? formatDecimal(n.value) : n
}

export function readMaxText(max: number): Reader<string> {
  return (raw) => {
    const t = readText(raw)
    if (t.kind !== 'ok' || t.value.length <= max) return t
    return bad(`is longer than ${max} characters`)
  }
}

export function readEnum<T extends string>(allowed: readonly T[], aliases: Readonly<Record<string, T>> = {}): Reader<T> {
  return (raw) => {
    const t = readText(raw)
    if (t.kind !== 'ok') return t
    const word = t.value.toLowerCase()
    const match = allowed.find((a) => a === word) ?? (Object.hasOwn(aliases, word) ? aliases[word] : undefined)
    return match === undefined ? bad(`must be one of ${allowed.join(', ')}, got ${preview(raw)}`) : ok(match)
  }
}
