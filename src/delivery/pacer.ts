/** Pinterest's published rate limit of the Conversions API: 5,000 calls per minute per ad account. */
export const PINTEREST_REQUESTS_PER_MINUTE = 5_000
/**
 * The window the budget is counted over: a minute, plus a second because Pinterest counts requests as they
 * arrive and network delays can bring two requests sent a minute apart closer together.
 */
export const DEFAULT_PACE_WINDOW_MS = 61_000

/** How fast requests may go to one ad account (the dispatcher's and the server sender's options). */
export interface PaceOptions {
  /**
   * Requests per ad account in any window of `paceWindowMs` (default 5,000, Pinterest's limit; Infinity for
   * none, against a stand-in such as the emulator).
   */
  requestsPerMinute?: number
  /** The window the budget is counted over (default 61 s: a minute and a margin; tests make it short). */
  paceWindowMs?: number
}

/** The times of one key's requests still inside the window, oldest first. */
class RequestLog {
  private times: number[] = []
  private head = 0

  /** Forgets the requests made `windowMs` or longer before `nowMs`; how many are left. */
  countWithin(nowMs: number, windowMs: number): number {
    // The clock went back: what came "later" counts as made now, so the wait stays within one window.
    for (let i = this.times.length - 1; i >= this.head && this.times[i] > nowMs; i--) this.times[i] = nowMs
    const sinceMs = nowMs - windowMs
    while (this.head < this.times.length && this.times[this.head] <= sinceMs) this.head += 1
    // Drop what was forgotten now and then, not on every request.
    if (this.head > 1024 && this.head * 2 > this.times.length) {
      this.times = this.times.slice(this.head)
      this.head = 0
    }
    return this.times.length - this.head
  }

  /** The time of the n-th oldest request still inside the window (0: the oldest). */
  nth(n: number): number {
    return this.times[this.head + n]
  }

  add(atMs: number): void {
    this.times.push(atMs)
  }
}

/**
 * At most `limit` requests per key (an ad account) in any window of `windowMs`: a sliding log of the times
 * of the requests still inside the window (at most `limit` of them), so the bound holds exactly, for fixed minutes as for any other window, and a
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
    const limit = options.requestsPerMinute ?? PINTEREST_REQUESTS_PER_MINUTE
    this.limit = limit === Number.POSITIVE_INFINITY ? limit : positiveInteger(limit, 'requestsPerMinute')
    this.windowMs = positiveInteger(options.paceWindowMs ?? DEFAULT_PACE_WINDOW_MS, 'paceWindowMs')
  }

  /** When `room` requests to `key` (at most the budget) may go next: now when the window has room for them. */
  freeAt(key: string, room = 1): number {
    const nowMs = this.now()
    const log = this.logs.get(key)
    const wanted = Math.min(room, this.limit)
    const used = log ? log.countWithin(nowMs, this.windowMs) : 0
    if (!log || used + wanted <= this.limit) return nowMs
    return log.nth(used + wanted - this.limit - 1) + this.windowMs
  }

  /** Counts a request to `key` now if the window has room for it. */
  tryTake(key: string): boolean {
    if (this.limit === Number.POSITIVE_INFINITY) return true
    if (this.freeAt(key) > this.now()) return false
    let log = this.logs.get(key)
    if (!log) {
      log = new RequestLog()
      this.logs.set(key, log)
    }
    log.add(this.now())
    return true
  }

  /**
   * Waits for room (sleeping until the next slot, never spinning) and counts the request: true. False, with
   * nothing counted, once `signal` aborts (a shutdown out of time), which also ends the sleep.
   */
  async take(key: string, signal?: AbortSignal, sleep: Sleep = defaultSleep): Promise<boolean> {
    while (!signal?.aborted) {
      if (this.tryTake(key)) return true
      await sleep(Math.max(1, this.freeAt(key) - this.now()), signal)
    }
    return false
  }
}

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>

function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', wake)
      resolve()
    }
    const timer = setTimeout(wake, ms)
    signal?.addEventListener('abort', wake, { once: true })
  })
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive whole number`)
  return value
}
