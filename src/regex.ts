import type { RE2 } from 're2-wasm'

/**
 * Regular expressions from configurations (filters, Hog `=~`) run on RE2, as in PostHog: the same
 * syntax, `(?i)` flags included, and linear time, so no pattern can stall the pipeline on one event.
 *
 * RE2 runs in WebAssembly with a fixed 16 MB heap shared by every project, and what it allocates
 * there is freed only by hand. So compiled patterns live in one bounded cache whose evictions are
 * freed; and when the heap runs out anyway (the module then aborts for good), a fresh module is
 * loaded and the match retried once. A failure is a RegexError, never a quiet "no match".
 */
export type Matcher = (value: string) => boolean

/** The engine failed (out of memory); unlike an invalid pattern (SyntaxError), not the configuration's fault. */
export class RegexError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'RegexError'
  }
}

/** A pattern past the size bound: its message names the bound, not the pattern. */
export class PatternTooLongError extends SyntaxError {
  constructor() {
    super(`pattern longer than ${MAX_PATTERN_LENGTH} characters`)
    this.name = 'PatternTooLongError'
  }
}

export const MAX_PATTERN_LENGTH = 1_000
// A compiled pattern takes a few kilobytes of the heap; 500 of them leave most of it for matching.
const MAX_CACHED = 500

type RE2Class = typeof RE2
type Compiled = InstanceType<RE2Class>

// Loaded on the first pattern: most functions have none, and the module takes tens of milliseconds to load.
let Engine: RE2Class | undefined
let loaded = false
let restarts = 0
const cache = new Map<string, Compiled>()

/** Compiles once per pattern; throws a SyntaxError naming the problem for an invalid or oversized pattern. */
export function compileRegex(pattern: string): Matcher {
  if (pattern.length > MAX_PATTERN_LENGTH) throw new PatternTooLongError()
  withEngine(pattern, () => true)
  return (value) => withEngine(pattern, (regex) => regex.test(value))
}

/** How many times the engine was loaded anew after a failure (for tests and diagnostics). */
export function regexEngineRestarts(): number {
  return restarts
}

function withEngine<T>(pattern: string, use: (regex: Compiled) => T): T {
  if (!loaded) {
    loaded = true
    Engine = (require('re2-wasm') as typeof import('re2-wasm')).RE2
  }
  for (let attempt = 0; ; attempt += 1) {
    if (!Engine) throw new RegexError('the regular expression engine failed earlier and could not be restarted')
    try {
      return use(compiled(Engine, pattern))
    } catch (error) {
      if (error instanceof SyntaxError) throw error
      const cause = /OOM|memory/i.test(String((error as Error)?.message)) ? 'ran out of memory' : 'failed'
      restartEngine()
      if (attempt > 0 || !Engine) throw new RegexError(`the regular expression engine ${cause}${Engine ? '' : ' and could not be restarted'}`)
    }
  }
}

function compiled(Engine: RE2Class, pattern: string): Compiled {
  const hit = cache.get(pattern)
  if (hit) {
    // Most recently used last: the first key is the one to evict.
    cache.delete(pattern)
    cache.set(pattern, hit)
    return hit
  }
  const regex = new Engine(pattern, 'u')
  cache.set(pattern, regex)
  if (cache.size > MAX_CACHED) {
    const [oldest, evicted] = cache.entries().next().value as [string, Compiled]
    cache.delete(oldest)
    free(evicted)
  }
  return regex
}

// re2-wasm's RE2 keeps its C++ object in a private `wrapper`, released only by its delete().
function free(regex: Compiled): void {
  try {
    ;(regex as unknown as { wrapper: { delete(): void } }).wrapper.delete()
  } catch {
    // Already gone with an aborted module.
  }
}

/** Drops every pattern of the failed module (its heap goes with it) and loads a new module. */
function restartEngine(): void {
  cache.clear()
  restarts += 1
  Engine = freshEngine()
}

/**
 * re2-wasm instantiates its module once, when its file is first loaded, and keeps it in module
 * scope; evaluating its two files again gives a module with a new heap. Where the files cannot be
 * read (the plugin bundle, which inlines them) there is no second module, and regexes fail from then on.
 */
function freshEngine(): RE2Class | undefined {
  try {
    const fs = require('node:fs') as typeof import('node:fs')
    const path = require('node:path') as typeof import('node:path')
    const apiFile = require.resolve('re2-wasm')
    const glue = evaluate(fs, path, path.join(path.dirname(apiFile), '..', 'wasm', 're2.js'), {})
    return (evaluate(fs, path, apiFile, { '../wasm/re2': glue }) as { RE2: RE2Class }).RE2
  } catch {
    return undefined
  }
}

function evaluate(fs: typeof import('node:fs'), path: typeof import('node:path'), file: string, deps: Record<string, unknown>): unknown {
  const module = { exports: {} }
  const run = new Function('exports', 'require', 'module', '__filename', '__dirname', fs.readFileSync(file, 'utf8'))
  const load = (id: string) => (Object.hasOwn(deps, id) ? deps[id] : require(id))
  run(module.exports, load, module, file, path.dirname(file))
  return module.exports
}
