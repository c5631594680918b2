import { hashUserValue } from './hash'
import type { Normaliser } from './normalize'

// A person sends many events, so the same email, phone and city come back again and again;
// normalising and hashing each once per process pays for the lookup many times over.
const MAX_ENTRIES_PER_FIELD = 4096
// Long values are rare and would make the cache hold more memory than it saves time.
const MAX_CACHED_LENGTH = 256

const caches = new Map<Normaliser, Map<string, string | null>>()

/** `hashUserValue` with a bounded per-normaliser memo. Cleared whole when full: simple and bounded. */
export function cachedHashUserValue(raw: string, normalise: Normaliser): string | null {
  if (raw.length > MAX_CACHED_LENGTH) return hashUserValue(raw, normalise)
  let cache = caches.get(normalise)
  if (cache === undefined) {
    cache = new Map()
    caches.set(normalise, cache)
  }
  const hit = cache.get(raw)
  if (hit !== undefined) return hit
  const hash = hashUserValue(raw, normalise)
  if (cache.size >= MAX_ENTRIES_PER_FIELD) cache.clear()
  cache.set(raw, hash)
  return hash
}
