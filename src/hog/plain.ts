/**
 * Turns a value coming out of the Hog VM (Maps, Hog dates, closures) into plain JSON data: the same
 * data the fast path reads straight from the globals. A `__proto__` key stays an own data property
 * (as in parsed JSON) instead of becoming a prototype change.
 */
export function toPlain(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return null
  if (typeof value !== 'object') return typeof value === 'function' || typeof value === 'symbol' ? null : value
  if (depth > 64) return null
  if (Array.isArray(value)) return value.map((item) => toPlain(item, depth + 1))
  if (value instanceof Map) return plainObject(value.entries(), depth)
  const marked = value as Record<string, unknown>
  if (marked.__hogDateTime__) return hogDateTimeToIso(marked)
  if (marked.__hogDate__) return hogDateToIso(marked)
  if (marked.__hogClosure__ || marked.__hogCallable__ || marked.__hogUpValue__) return null
  return plainObject(Object.entries(marked), depth)
}

function plainObject(entries: Iterable<[unknown, unknown]>, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, item] of entries) {
    const name = String(key)
    const value = toPlain(item, depth + 1)
    if (name === '__proto__') Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true })
    else out[name] = value
  }
  return out
}

function hogDateTimeToIso(value: Record<string, unknown>): string | null {
  const seconds = Number(value.dt)
  if (!Number.isFinite(seconds)) return null
  const date = new Date(seconds * 1000)
  return Number.isNaN(date.getTime()) ? null : date.toISOString()
}

function hogDateToIso(value: Record<string, unknown>): string | null {
  const [year, month, day] = [value.year, value.month, value.day].map(Number)
  if (![year, month, day].every(Number.isInteger)) return null
  const pad = (n: number, width: number) => String(n).padStart(width, '0')
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`
}
