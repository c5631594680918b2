import { type Logger, silentLogger } from '../logger'
import {
  DEFAULT_API_URL,
  type DeliveryTarget,
  describeRequestLogEntry,
  type FetchLike,
  type HttpAttempt,
  MAX_EVENTS_PER_REQUEST,
  postEvents,
  type RequestLog,
  type SerialisedEvent,
  serialiseEvent,
} from '../pinterest/client'
import type { PinterestEvent } from '../pinterest/schema'
import { redact } from '../secret'
import type { Deferred } from './attempt'
import { Breaker, recoveredMessage, type Ticket, unavailableMessage } from './breaker'
import { type Deadline, deadlineOf, eventTimeOf } from './deadline'
import type { FinalSettlement } from './outcome'
import { type PaceOptions, RequestPacer } from './pacer'
import { type BreakerChange, deliverRequest, type RequestResult, splitExpired } from './request'
import { type RetryPolicy, retryPolicy } from './retry-policy'
import { Semaphore } from './semaphore'
import { countBatch, type DeliveryStats, emptyStats } from './stats'

/** Where a function's events go and how its requests are logged: the one type the mapping side hands over. */
export interface Destination extends DeliveryTarget {
  /** Requests and answers are logged, redacted. */
  debugMode: boolean
}

export type Outcome = { status: 'delivered'; attempts: number; warning?: string } | { status: 'failed'; attempts: number; reason: string } | { status: 'gave_up'; attempts: number; reason: string }

export interface DispatcherOptions extends PaceOptions {
  fetch?: FetchLike
  apiUrl?: string
  /** Events per request, at most Pinterest's 1000. */
  maxBatchSize?: number
  /** How long a partial batch waits for more events before it goes (default 20 ms). */
  lingerMs?: number
  /** Requests in flight at once per ad account (default 4). */
  maxConcurrencyPerAccount?: number
  /** How long a request may take (default 10 s). */
  timeoutMs?: number
  /** The delivery core's retry policy (defaults: DEFAULT_RETRY_POLICY, retrying within Pinterest's 7-day window). */
  retry?: Partial<RetryPolicy>
  /** How long shutdown() waits for held and scheduled retries before giving them up (default 30 s). */
  shutdownTimeoutMs?: number
  logger?: Logger
  random?: () => number
  now?: () => number
}

interface Item {
  group: Group
  event: SerialisedEvent
  deadline: Deadline
  resolve: (outcome: Outcome) => void
  attempts: number
  lastError?: string
}

/** One destination: events of one (ad account, token, test flag), its breaker and what it holds. */
interface Group {
  target: Destination
  breaker: Breaker
  pending: Item[]
  timer?: NodeJS.Timeout
  /** Handed over and not settled yet: what a breaker log line says is held. */
  unsettled: number
}

interface WaitingRetry {
  timer: NodeJS.Timeout
  group: Group
  items: Item[]
}

/**
 * The in-memory side of the delivery core: batches Pinterest events per destination, sends them with
 * bounded concurrency per ad account, holds a destination that is down behind its breaker (one probe at
 * a time), turns retry times into timers, and settles every event with exactly one Outcome.
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
  /** Set when shutdown ran out of time: what waits from then on is given up at once. */
  private givingUp = false
  /** Aborted with givingUp: a request waiting for its ad account's budget stops waiting, unsent. */
  private readonly outOfTime = new AbortController()
  private readonly policy: RetryPolicy
  private readonly options: Required<Omit<DispatcherOptions, 'retry' | keyof PaceOptions>>
  /** Requests per ad account within Pinterest's rate limit: a request waits for its slot, holding its account's slot of concurrency. */
  private readonly pacer: RequestPacer

  constructor(options: DispatcherOptions = {}) {
    this.policy = retryPolicy(options.retry)
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
    this.pacer = new RequestPacer(options, this.options.now)
  }

  /** Hands one event over; the promise settles once with its outcome and never rejects. */
  send(event: PinterestEvent, target: Destination): Promise<Outcome> {
    return this.accept(serialiseEvent(event), event.event_time, target)
  }

  /** As send(), for an event already serialised (by a mapping worker, or read from a queue). */
  sendSerialised(event: SerialisedEvent, target: Destination): Promise<Outcome> {
    return this.accept(event, eventTimeOf(event.json), target)
  }

  /** Counts an event the mapping skipped, so the counters cover every event. */
  countSkipped(count = 1): void {
    this.stats.events_skipped += count
  }

  /** Sends every pending batch a breaker lets go now and waits for those requests (not for retries scheduled later). */
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

  /** Stops taking events, delivers what it holds, and gives up what still waits after the timeout. */
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
      this.outOfTime.abort()
      this.abandonWaiting()
    }
    await this.flush()
  }

  private accept(event: SerialisedEvent, eventTimeS: number | undefined, target: Destination): Promise<Outcome> {
    if (this.closed) return Promise.resolve({ status: 'failed', attempts: 0, reason: 'the dispatcher is shut down' })
    this.describeOnce(target)
    const group = this.groupFor(target)
    this.unsettled += 1
    group.unsettled += 1
    const deadline = deadlineOf(eventTimeS, this.options.now(), this.policy)
    return new Promise((resolve) => this.enqueue(group, { group, event, deadline, resolve, attempts: 0 }))
  }

  private enqueue(group: Group, item: Item): void {
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
      group = { target, breaker: new Breaker(this.policy, this.options.random), pending: [], unsettled: 0 }
      this.groups.set(key, group)
    }
    this.groupOfTarget.set(target, group)
    return group
  }

  /** Sends pending batches as far as the breaker lets them: all of them while closed, one probe when due. */
  private cut(group: Group): void {
    clearTimeout(group.timer)
    group.timer = undefined
    while (group.pending.length > 0) {
      const ticket = group.breaker.admit(this.options.now())
      if (!ticket) {
        this.hold(group)
        return
      }
      const batch = group.pending.splice(0, this.options.maxBatchSize)
      const delivery = this.deliver(group, batch, ticket).finally(() => this.inflight.delete(delivery))
      this.inflight.add(delivery)
      if (ticket.probe) return
    }
  }

  /** Pending events wait for the probe time (or, with a probe out, for its answer). */
  private hold(group: Group): void {
    if (this.givingUp) {
      this.abandon(group.pending.splice(0))
      return
    }
    const until = group.breaker.heldUntilMs
    if (until === undefined || until === Number.POSITIVE_INFINITY) return
    group.timer = setTimeout(() => this.cut(group), Math.max(0, until - this.options.now()))
  }

  private async deliver(group: Group, pending: Item[], ticket: Ticket): Promise<void> {
    const { live, expired } = splitExpired(this.withoutEmptyEvents(pending), this.options.now(), (item) => item.lastError)
    for (const { item, settlement } of expired) this.settleItem(item, settlement)
    if (live.length === 0) return this.cancel(group, ticket)
    const slot = this.slotFor(group.target.adAccountId)
    await slot.acquire()
    // The destination went down while this batch waited for a slot: it waits for the probe instead.
    if (!ticket.probe && !group.breaker.isClosed) {
      slot.release()
      group.pending.unshift(...live)
      return this.cut(group)
    }
    let result: RequestResult
    try {
      countBatch(this.stats, live.length)
      result = await deliverRequest(this.sender(group.target), live, group.breaker, ticket, this.options.now)
    } finally {
      slot.release()
    }
    const retries: Item[] = []
    let retryAtMs = 0
    live.forEach((item, i) => {
      const settlement = result.settlements[i]
      if (!(settlement.status === 'retry' && settlement.notSent)) item.attempts += 1
      if (settlement.status !== 'retry') return this.settleItem(item, settlement)
      item.lastError = settlement.reason
      retryAtMs = settlement.atMs
      retries.push(item)
    })
    // One retry time for the whole request: its events come back together, as one batch.
    if (retries.length > 0) this.scheduleRetry(group, retries, retryAtMs)
    if (result.change) this.announce(group, result.change)
    // Back at full speed: what was held goes now. Still down: what waits gets the next probe time.
    if (result.change?.kind === 'recovered') this.cut(group)
    else if (!group.breaker.isClosed) this.expireHeld(group)
  }

  private cancel(group: Group, ticket: Ticket): void {
    group.breaker.cancel(ticket)
    if (ticket.probe) this.cut(group)
  }

  private sender(target: Destination) {
    const log = target.debugMode ? this.requestLog(target) : undefined
    return async (events: SerialisedEvent[]): Promise<HttpAttempt | Deferred> => {
      if (!(await this.pacer.take(target.adAccountId, this.outOfTime.signal))) return { kind: 'deferred', atMs: this.pacer.freeAt(target.adAccountId) }
      this.stats.requests += 1
      return postEvents(target, events, { fetch: this.options.fetch, apiUrl: this.options.apiUrl, timeoutMs: this.options.timeoutMs, log })
    }
  }

  private announce(group: Group, change: BreakerChange): void {
    const { adAccountId, testMode } = group.target
    const scope = ` (ad account ${adAccountId}${testMode ? ', test' : ''})`
    if (change.kind === 'opened') this.options.logger('warn', unavailableMessage(group.unsettled, change.reason) + scope)
    else this.options.logger('info', recoveredMessage(group.unsettled) + scope)
  }

  /** Held events whose deadline comes before the next probe are given up now, not when the probe goes; the rest wait for it. */
  private expireHeld(group: Group): void {
    const until = group.breaker.heldUntilMs
    if (until === undefined || until === Number.POSITIVE_INFINITY) return
    const { live, expired } = splitExpired(group.pending, until, (item) => item.lastError)
    group.pending = live
    for (const { item, settlement } of expired) this.settleItem(item, settlement)
    if (live.length > 0 && !group.timer) this.hold(group)
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

  private scheduleRetry(group: Group, items: Item[], atMs: number): void {
    if (this.givingUp) {
      this.abandon(items)
      return
    }
    this.stats.events_retried += items.length
    const waiting: WaitingRetry = {
      group,
      items,
      timer: setTimeout(
        () => {
          this.waitingRetries.delete(waiting)
          for (const item of items) this.enqueue(group, item)
        },
        Math.max(0, atMs - this.options.now()),
      ),
    }
    this.waitingRetries.add(waiting)
  }

  private abandonWaiting(): void {
    for (const waiting of this.waitingRetries) {
      clearTimeout(waiting.timer)
      this.abandon(waiting.items)
    }
    this.waitingRetries.clear()
    for (const group of this.groups.values()) {
      if (group.breaker.isClosed) continue
      clearTimeout(group.timer)
      group.timer = undefined
      this.abandon(group.pending.splice(0))
    }
  }

  private abandon(items: Item[]): void {
    for (const item of items) {
      const why = item.lastError ? `shut down while waiting to retry; last error: ${item.lastError}` : 'shut down while Pinterest was unavailable'
      this.finish(item, { status: 'gave_up', attempts: item.attempts, reason: why })
    }
  }

  private settleItem(item: Item, settlement: FinalSettlement): void {
    const { attempts } = item
    if (settlement.status === 'delivered') this.finish(item, { status: 'delivered', attempts, ...(settlement.warning ? { warning: settlement.warning } : {}) })
    else this.finish(item, { status: settlement.status, attempts, reason: settlement.reason })
  }

  private finish(item: Item, outcome: Outcome): void {
    if (outcome.status === 'delivered') this.stats.events_delivered += 1
    else if (outcome.status === 'failed') this.stats.events_failed += 1
    else this.stats.events_gave_up += 1
    item.resolve(outcome)
    item.group.unsettled -= 1
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
    const settings = {
      api_url: apiUrl,
      ad_account_id: target.adAccountId,
      conversion_token: target.conversionToken,
      test_mode: target.testMode,
      max_batch_size: maxBatchSize,
      linger_ms: lingerMs,
      max_concurrency_per_account: maxConcurrencyPerAccount,
      timeout_ms: timeoutMs,
      retry: this.policy,
    }
    this.options.logger('debug', `destination configuration ${JSON.stringify(settings)}`)
  }

  private requestLog(target: Destination): RequestLog {
    return (entry) => this.options.logger('debug', redact(describeRequestLogEntry(entry), [target.conversionToken]))
  }
}
