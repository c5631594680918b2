import { hashUserValue } from './hash'
import type { Normaliser } from './normalize'

// A person sends many events, so the same email, phone and city come back again and again;
// normalising and hashing each once per process pays for the lookup many times over.
const MAX_ENTRIES_PER_FIELD = 4096
// Long values are rare and would make the cache hold more memory than it saves time.
const MAX_CACHED_LENGTH = 256
// When nearly every value is new (a stream of different people), a lookup costs more than it saves
// and keeps every value alive long enough to burden the garbage collector; the memo then rests.
const MIN_HIT_SHARE = 0.1
const REST_CALLS = 4 * MAX_ENTRIES_PER_FIELD

interface Memo {
  entries: Map<string, string | null>
  lookups: number
  hits: number
  /** Calls left that skip the memo. */
  resting: number
}

const memos = new Map<Normaliser, Memo>()

function memoFor(normalise: Normaliser): Memo {
  let memo = memos.get(normalise)
  if (memo === undefined) {
    memo = { entries: new Map(), lookups: 0, hits: 0, resting: 0 }
    memos.set(normalise, memo)
  }
  return memo
}

/** When full, the memo starts over (simple and bounded) and decides from its hit share whether to rest. */
function startOver(memo: Memo): void {
  if (memo.hits < memo.lookups * MIN_HIT_SHARE) memo.resting = REST_CALLS
  memo.entries.clear()
  memo.lookups = 0
  memo.hits = 0
}

/** `hashUserValue` with a bounded per-normaliser memo. */
export function cachedHashUserValue(raw: string, normalise: Normaliser): string | null {
  if (raw.length > MAX_CACHED_LENGTH) return hashUserValue(raw, normalise)
  const memo = memoFor(normalise)
  if (memo.resting > 0) {
    memo.resting -= 1
    return hashUserValue(raw, normalise)
  }
  memo.lookups += 1
  const hit = memo.entries.get(raw)
  if (hit !== undefined) {
    memo.hits += 1
    return hit
  }
  const hash = hashUserValue(raw, normalise)
  if (memo.entries.size >= MAX_ENTRIES_PER_FIELD) startOver(memo)
  memo.entries.set(raw, hash)
  return hash
}

/** How the memo of one normaliser stands, for tests. */
export function memoState(normalise: Normaliser): { entries: number; resting: number } {
  const memo = memoFor(normalise)
  return { entries: memo.entries.size, resting: memo.resting }
}
