import { Logger, silentLogger } from '../logger'
import { DEFAULT_API_URL, DeliveryTarget, describeRequestLogEntry, FetchLike, MAX_EVENTS_PER_REQUEST, postEvents, RequestLog, SerialisedEvent, serialiseEvent } from '../pinterest/client'
import { PinterestEvent } from '../pinterest/schema'
import { redact } from '../secret'
import { attemptDelivery, EventAttempt } from './attempt'
import { decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter, RetryPolicy } from './retry-policy'
import { Semaphore } from './semaphore'
import { countBatch, DeliveryStats, emptyStats } from './stats'


export interface Destination extends DeliveryTarget {
  debugMode: boolean
}

export type Outcome =
  | { status: 'delivered'; attempts: number; warning?: string }
  | { status: 'failed'; attempts: number; reason: string }
  | { status: 'gave_up'; attempts: number; reason: string }

export interface DispatcherOptions {
  fetch?: FetchLike
  apiUrl?: string
  /** Events per request, at most Pinterest's 1000. */
  maxBatchSize?: number
  /** How long a partial batch waits for more events before it goes. */
  lingerMs?: number
  maxConcurrencyPerAccount?: number
  timeoutMs?: number
  retry?: Partial<RetryPolicy>
  /** How long shutdown() waits for scheduled retries before giving them up. */
  shutdownTimeoutMs?: number
  logger?: Logger
  random?: () => number
  now?: () => number
}

interface Item {
  event: SerialisedEvent
  resolve: (outcome: Outcome) => void
  attempts: number
  firstSeenMs: number
}

interface Group {
  target: Destination
  pending: Item[]
  timer?: NodeJS.Timeout
}

interface WaitingRetry {
  timer: NodeJS.Timeout
  target: Destination
  items: Item[]
  reason: string
}

/**
 * Batches Pinterest events per (ad account, token, test flag), sends them with bounded concurrency per
 * ad account, retries what may succeed later, and settles every event with exactly one Outcome.
 */
export class Dispatcher {
  readonly stats: DeliveryStats = emptyStats()
  private readonly groups = new Map<string, Group>()
  /** The group of each target object seen (targets are never changed), so sending skips building the key. */
  private readonly groupOfTarget = new WeakMap<Destination, Group>()
  private readonly slots = new Map<string, Semaphore>()
  private readonly inflight = new Set<Promise<void>>()
  private readonly waitingRetries = new Set<WaitingRetry>()
  private readonly idleWaiters: (() => void)[] = []
  private readonly described = new Set<string>()
  private unsettled = 0
  private closed = false
  /** Set when shutdown ran out of time: retries from then on are given up at once. */
  private givingUp = false
  private readonly policy: RetryPolicy
  private readonly options: Required<Omit<DispatcherOptions, 'retry'>>

  constructor(options: DispatcherOptions = {}) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.options = {
      fetch: options.fetch ?? ((url, init) => fetch(url, init)),
      apiUrl: options.apiUrl ?? DEFAULT_API_URL,
      maxBatchSize: Math.min(MAX_EVENTS_PER_REQUEST, Math.max(1, options.maxBatchSize ?? MAX_EVENTS_PER_REQUEST)),
      lingerMs: options.lingerMs ?? 20,
      maxConcurrencyPerAccount: options.maxConcurrencyPerAccount ?? 4,
      timeoutMs: options.timeoutMs ?? 10_000,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 30_000,
      logger: options.logger ?? silentLogger,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
    }
  }

  /** Hands one event over; the promise settles once with its outcome and never rejects. */
  send(event: PinterestEvent, target: Destination): Promise<Outcome> {
    return this.sendSerialised(serialiseEvent(event), target)
  }

  /** As send(), for an event already serialised (by a mapping worker, or read from a queue). */
  sendSerialised(event: SerialisedEvent, target: Destination): Promise<Outcome> {
    if (this.closed) return Promise.resolve({ status: 'failed', attempts: 0, reason: 'the dispatcher is shut down' })
    this.describeOnce(target)
    this.unsettled += 1
    return new Promise((resolve) => {
      this.enqueue(target, { event, resolve, attempts: 0, firstSeenMs: this.options.now() })
    })
  }

  /** Counts an event the mapping skipped, so the counters cover every event. */
  countSkipped(count = 1): void {
    this.stats.events_skipped += count
  }

  /** Sends every pending batch now and waits for those requests (not for retries scheduled later). */
  async flush(): Promise<void> {
    for (const group of this.groups.values()) this.cut(group)
    while (this.inflight.size > 0) await Promise.all([...this.inflight])
  }

  /** Resolves when every event handed over so far has its outcome. */
  async drain(): Promise<void> {
    await this.flush()
    if (this.unsettled === 0) return
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
  }

  /** Stops taking events, delivers what it holds, and gives up retries still waiting after the timeout. */
  async shutdown(): Promise<void> {
    this.closed = true
    let timer: NodeJS.Timeout | undefined
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.options.shutdownTimeoutMs)
    })
    const finished = await Promise.race([this.drain().then(() => 'done' as const), deadline])
    clearTimeout(timer)
    if (finished === 'timeout') {
      this.givingUp = true
      this.abandonWaitingRetries()
    }
    await this.flush()
  }

  private enqueue(target: Destination, item: Item): void {
    const group = this.groupFor(target)
    group.pending.push(item)
    if (group.pending.length >= this.options.maxBatchSize) this.cut(group)
    else group.timer ??= setTimeout(() => this.cut(group), this.options.lingerMs)
  }

  private groupFor(target: Destination): Group {
    const known = this.groupOfTarget.get(target)
    if (known) return known
    const key = `${target.adAccountId}\u0000${target.conversionToken.reveal()}\u0000${target.testMode}`
    let group = this.groups.get(key)
    if (!group) {
      group = { target, pending: [] }
      this.groups.set(key, group)
    }
    this.groupOfTarget.set(target, group)
    return group
  }

  private cut(group: Group): void {
    clearTimeout(group.timer)
    group.timer = undefined
    while (group.pending.length > 0) {
      const batch = group.pending.splice(0, this.options.maxBatchSize)
      const delivery = this.deliver(group.target, batch).finally(() => this.inflight.delete(delivery))
      this.inflight.add(delivery)
    }
  }

  private async deliver(target: Destination, pending: Item[]): Promise<void> {
    const batch = this.withoutEmptyEvents(pending)
    if (batch.length === 0) return
    const slot = this.slotFor(target.adAccountId)
    await slot.acquire()
    let results: EventAttempt[]
    try {
      countBatch(this.stats, batch.length)
      const log = target.debugMode ? this.requestLog(target) : undefined
      const send = (events: SerialisedEvent[]) => {
        this.stats.requests += 1
        return postEvents(target, events, { fetch: this.options.fetch, apiUrl: this.options.apiUrl, timeoutMs: this.options.timeoutMs, log })
      }
      results = await attemptDelivery(send, batch.map((item) => item.event))
    } catch (error) {
      // Last line of defence: every event handed over must still end in exactly one outcome.
      const reason = `unexpected failure while sending: ${error instanceof Error ? error.message : String(error)}`
      results = batch.map(() => ({ status: 'failed', reason }))
    } finally {
      slot.release()
    }
    this.settle(target, batch, results)
  }

  // Bytes handed over stay their owner's: transferring their buffer to another thread empties them.
  // Such an event fails on its own instead of breaking the request of the events beside it.
  private withoutEmptyEvents(batch: Item[]): Item[] {
    return batch.filter((item) => {
      if (item.event.json.length > 0) return true
      this.finish(item, { status: 'failed', attempts: item.attempts, reason: `event ${item.event.eventId} has no text to send (empty, or its buffer was transferred away)` })
      return false
    })
  }

  private settle(target: Destination, batch: Item[], results: EventAttempt[]): void {
    const retries: { item: Item; reason: string; retryAfter: string | null }[] = []
    batch.forEach((item, i) => {
      item.attempts += 1
      const result = results[i]
      if (result.status === 'retry') retries.push({ item, reason: result.reason, retryAfter: result.retryAfter })
      else if (result.status === 'delivered') this.finish(item, { status: 'delivered', attempts: item.attempts, ...(result.warning ? { warning: result.warning } : {}) })
      else this.finish(item, { status: 'failed', attempts: item.attempts, reason: result.reason })
    })
    if (retries.length > 0) this.scheduleRetries(target, retries)
  }

  private scheduleRetries(target: Destination, retries: { item: Item; reason: string; retryAfter: string | null }[]): void {
    const now = this.options.now()
    const retryAfterMs = parseRetryAfter(retries[0].retryAfter, now)
    const attempts = Math.max(...retries.map((r) => r.item.attempts))
    const oldest = Math.min(...retries.map((r) => r.item.firstSeenMs))
    const decision = decideRetry(attempts, oldest, now, this.policy, this.options.random, retryAfterMs)
    const reason = retries[0].reason
    if (!decision.retry || this.givingUp) {
      const why = decision.retry ? 'shut down before a retry' : decision.reason
      for (const { item } of retries) this.finish(item, { status: 'gave_up', attempts: item.attempts, reason: `${why}; last error: ${reason}` })
      return
    }
    this.stats.events_retried += retries.length
    this.options.logger('warn', `retrying ${retries.length} event(s) for ad account ${target.adAccountId} in ${decision.delayMs} ms: ${reason}`)
    const waiting: WaitingRetry = { target, items: retries.map((r) => r.item), reason, timer: setTimeout(() => {
      this.waitingRetries.delete(waiting)
      for (const item of waiting.items) this.enqueue(target, item)
    }, decision.delayMs) }
    this.waitingRetries.add(waiting)
  }

  private abandonWaitingRetries(): void {
    for (const waiting of this.waitingRetries) {
      clearTimeout(waiting.timer)
      for (const item of waiting.items) {
        this.finish(item, { status: 'gave_up', attempts: item.attempts, reason: `shut down while waiting to retry; last error: ${waiting.reason}` })
      }
    }
    this.waitingRetries.clear()
  }

  private finish(item: Item, outcome: Outcome): void {
    if (outcome.status === 'delivered') this.stats.events_delivered += 1
    else if (outcome.status === 'failed') this.stats.events_failed += 1
    else this.stats.events_gave_up += 1
    item.resolve(outcome)
    this.unsettled -= 1
    if (this.unsettled === 0) for (const wake of this.idleWaiters.splice(0)) wake()
  }

  private slotFor(adAccountId: string): Semaphore {
    let slot = this.slots.get(adAccountId)
    if (!slot) {
      slot = new Semaphore(this.options.maxConcurrencyPerAccount)
      this.slots.set(adAccountId, slot)
    }
    return slot
  }

  private describeOnce(target: Destination): void {
    if (!target.debugMode) return
    const key = `${target.adAccountId}\u0000${target.testMode}`
    if (this.described.has(key)) return
    this.described.add(key)
    const { maxBatchSize, lingerMs, maxConcurrencyPerAccount, timeoutMs, apiUrl } = this.options
    const settings = { api_url: apiUrl, ad_account_id: target.adAccountId, conversion_token: target.conversionToken, test_mode: target.testMode, max_batch_size: maxBatchSize, linger_ms: lingerMs, max_concurrency_per_account: maxConcurrencyPerAccount, timeout_ms: timeoutMs, retry: this.policy }
    this.options.logger('debug', `destination configuration ${JSON.stringify(settings)}`)
  }

  private requestLog(target: Destination): RequestLog {
    return (entry) => this.options.logger('debug', redact(describeRequestLogEntry(entry), [target.conversionToken]))
  }
}
