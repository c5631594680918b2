import { createHash, randomBytes, randomUUID } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'

/** A random token with PostHog's prefixes (`phc_` project token, `phx_` personal API key). */
export function randomToken(prefix: string, length = 43): string {
  const bytes = randomBytes(length)
  let out = prefix
  for (const byte of bytes) out += ALPHABET[byte % ALPHABET.length]
  return out
}

/** Keys are random and long, so a plain SHA-256 is enough to keep them unreadable at rest. */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex')
}

export const newId = (): string => randomUUID()
