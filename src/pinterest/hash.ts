import { hash } from 'node:crypto'

const SHA256_HEX = /^[0-9a-f]{64}$/i

// The one-shot crypto.hash is about four times faster than createHash for short values.
export function sha256Hex(s: string): string {
  return hash('sha256', s, 'hex')
}

export function isSha256Hex(s: string): boolean {
  return s.length === 64 && SHA256_HEX.test(s)
}

// Callers often hash upstream (CRM exports, pre-hashed tags); hashing a digest again would never match.
export function hashUserValue(raw: string, normalise: (raw: string) => string | null): string | null {
  const trimmed = raw.trim()
  if (isSha256Hex(trimmed)) return trimmed.toLowerCase()
  const normalised = normalise(raw)
  return normalised === null ? null : sha256Hex(normalised)
}
