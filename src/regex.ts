import { RE2 } from 're2-wasm'

/**
 * Regular expressions from configurations (filters, Hog `=~`) run on RE2, as in PostHog: the same
 * syntax, `(?i)` flags included, and linear time, so no pattern can stall the pipeline on one event.
 */
export type Matcher = (value: string) => boolean

const cache = new Map<string, Matcher>()
const MAX_CACHED = 1000

/** Compiles once per pattern; throws an Error naming the problem for an invalid pattern. */
export function compileRegex(pattern: string): Matcher {
  let matcher = cache.get(pattern)
  if (matcher) return matcher
  const regex = new RE2(pattern, 'u')
  matcher = (value) => regex.test(value)
  if (cache.size >= MAX_CACHED) cache.clear()
  cache.set(pattern, matcher)
  return matcher
}
