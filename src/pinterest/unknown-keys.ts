import { preview } from './coerce'

const MAX_LISTED = 5

// One warning per object, not per key, so junk objects with thousands of keys stay readable.
export function describeUnknownKeys(path: string, keys: readonly string[]): string[] {
  if (keys.length === 0) return []
  const listed = keys.slice(0, MAX_LISTED).map(preview).join(', ')
  const more = keys.length > MAX_LISTED ? ` and ${keys.length - MAX_LISTED} more` : ''
  return [`${path}: ignored unknown key(s) ${listed}${more}`]
}
