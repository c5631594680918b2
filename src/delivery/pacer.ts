/** Pinterest's published rate limit of the Conversions API: 5,000 calls per minute per ad account. */
export const PINTEREST_REQUESTS_PER_MINUTE = 5_000
/**
 * The window the budget is counted over: a minute, plus a second because Pinterest counts requests as they
 * arrive and network delays can bring two requests sent a minute apart closer together.
 */
export const DEFAULT_PACE_WINDOW_MS = 61_000

/** How fast requests may go to one ad account (the dispatcher's and the server sender's options). */
export interface PaceOptions {
  /** Requests per ad account in any window of `paceWindowMs` (default 5,000, Pinterest's limit). */
  requestsPerMinute?: number
  /** The window the budget is counted over (default 61 s: a minute and a margin; tests make it short). */
  paceWindowMs?: number
}

/** The times of the last requests of one key, oldest first, in a ring of `limit` entries. */
class RequestLog {
  private readonly times: Float64Array
  private head = 0
  private count = 0

  constructor(private readonly limit: number) {
    this.times = new Float64Array(limit)
  }

  /** When the oldest of a full log leaves the window; undefined while the log has room. */
  oldest(): number | undefined {
    return this.count < this.limit ? undefined : this.times[this.head]
  }

  newest(): number | undefined {
    return this.count === 0 ? undefined : this.times[(this.head + this.count - 1) % this.limit]
  }

  add(atMs: number): void {
    if (this.count < this.limit) {
      this.times[(this.head + this.count) % this.limit] = atMs
      this.count += 1
      return
    }
    this.times[this.head] = atMs
    this.head = (this.head + 1) % this.limit
  }

  /** The clock went back: times after `nowMs` count as made now, so the wait stays within one window. */
  clampTo(nowMs: number): void {
    for (let i = 0; i < this.count; i++) {
      const at = (this.head + i) % this.limit
      this.times[at] = Math.min(this.times[at], nowMs)
    }
  }
}

/**
 * At most `limit` requests per key (an ad account) in any window of `windowMs`: a sliding log of the last
 * `limit` request times, so the bound holds exactly, for fixed minutes as for any other window, and a
 * burst after a quiet minute goes at once. The clock is injected; sleeping is left to the caller (or `take`).
 */
export class RequestPacer {
  private readonly logs = new Map<string, RequestLog>()
  private readonly limit: number
  private readonly windowMs: number

  constructor(
    options: PaceOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limit = positiveInteger(options.requestsPerMinute ?? PINTEREST_REQUESTS_PER_MINUTE, 'requestsPerMinute')
    this.windowMs = positiveInteger(options.paceWindowMs ?? DEFAULT_PACE_WINDOW_MS, 'paceWindowMs')
  }

  /** When a request to `key` may go next: now when the window has room. */
  freeAt(key: string): number {
    const nowMs = this.now()
    const log = this.logs.get(key)
    if (!log) return nowMs
    if ((log.newest() ?? nowMs) > nowMs) log.clampTo(nowMs)
    const oldest = log.oldest()
    return oldest === undefined ? nowMs : Math.max(nowMs, oldest + this.windowMs)
  }

  /** Counts a request to `key` now if the window has room for it. */
  tryTake(key: string): boolean {
    if (this.freeAt(key) > this.now()) return false
    let log = this.logs.get(key)
    if (!log) {
      log = new RequestLog(this.limit)
      this.logs.set(key, log)
    }
    log.add(this.now())
    return true
  }

  /** Waits for room (sleeping until the next slot, never spinning) and counts the request. */
  async take(key: string, sleep: (ms: number) => Promise<void> = defaultSleep): Promise<void> {
    while (!this.tryTake(key)) await sleep(Math.max(1, this.freeAt(key) - this.now()))
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive whole number`)
  return value
}
