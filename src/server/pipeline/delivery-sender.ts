import { Breaker, recoveredMessage, type Ticket, unavailableMessage } from '../../delivery/breaker'
import type { Send } from '../../delivery/attempt'
import { deadlineOf, eventTimeOf } from '../../delivery/deadline'
import type { EventSettlement } from '../../delivery/outcome'
import { type PaceOptions, RequestPacer } from '../../delivery/pacer'
import { type BreakerChange, deliverRequest, type RequestItem, splitExpired } from '../../delivery/request'
import { type RetryPolicy, retryPolicy } from '../../delivery/retry-policy'
import { DEFAULT_API_URL, describeRequestLogEntry, type FetchLike, MAX_EVENTS_PER_REQUEST, postEvents, type RequestLog, type SerialisedEvent } from '../../pinterest/client'
import { redact } from '../../secret'
import type { Delivery, DeliveryClaim, DeliveryHold, DeliveryUpdate, DueCursor, LogEntry, Store } from '../../store/types'
import type { FunctionRegistry, RunningFunction } from './function-registry'
import { countMetrics, type MetricHit } from './metric-counts'

export interface SenderOptions extends PaceOptions {
  apiUrl?: string
  fetch?: FetchLike
  /** How long a request may take (default 10 s). */
  timeoutMs?: number
  /** The delivery core's retry policy (defaults: DEFAULT_RETRY_POLICY, retrying within Pinterest's 7-day window). */
  retry?: Partial<RetryPolicy>
  /** Requests in flight at once, across functions (default 4). */
  concurrency?: number
  random?: () => number
  /** The clock (tests move it past Pinterest's window). */
  now?: () => number
  /**
   * How long a claim of deliveries is this worker's (default 30 s): a worker that dies with them in flight
   * leaves them to the others after this. A request still out after a third of it extends it.
   */
  leaseMs?: number
}

const MAX_LOG_LENGTH = 10_000
/** A disabled function's deliveries wait untouched; whether it is still disabled is looked up this often. */
const DISABLED_RECHECK_MS = 5_000
/**
 * The requests a deferred split waits room for: the batch again and the halves down to its first single event
 * (a batch of 1,000 is split 10 times), so that each time it goes, some of its events are settled; were it sent
 * again with room for fewer, a bad event in its first half would use them up, and the next time alike.
 */
const SPLIT_ROOM = Math.ceil(Math.log2(MAX_EVENTS_PER_REQUEST)) + 1
/** Batches one round hands out per request slot: rounds stay short, so mapping gets its turn. */
const BATCHES_PER_SLOT = 2

/** The refusal of a request's credentials (401/403): its events are held, not failed. */
type Refusal = Pick<DeliveryHold, 'http_status' | 'reason'>

/** One request's worth of one function's due deliveries, claimed by this worker. */
type Batch = { kind: 'send'; fn: RunningFunction; claim: DeliveryClaim; rows: Delivery[]; ticket: Ticket; breaker: Breaker } | { kind: 'fail'; claim: DeliveryClaim; rows: Delivery[]; reason: string }

type Item = RequestItem & { row: Delivery }

/**
 * The server's side of the delivery core: a destination is a hog function (one ad account, token and
 * test flag). Each round serves the functions with due deliveries in turn, a full batch at a time, and
 * skips a function whose breaker holds it without reading its rows. Each request's events are settled
 * in the store as soon as its answer arrives; a retry time becomes the stored next_attempt_at.
 */
export class DeliverySender {
  private readonly policy: RetryPolicy
  private readonly options: Required<Omit<SenderOptions, 'retry' | keyof PaceOptions>>
  /** Requests per ad account, shared by the functions that send to it, within Pinterest's rate limit. */
  private readonly pacer: RequestPacer
  /** The soonest a function this round found out of budget may send again. */
  private pacedUntil: number | undefined
  private readonly breakers = new Map<string, Breaker>()
  private readonly disabledUntil = new Map<string, number>()
  /**
   * Functions whose deliveries wait for new credentials: the stored holds (a restart keeps them), and
   * those refused just before a save changed their credentials (`announced: false`), which wait only for
   * the registry to run the new ones.
   */
  private readonly holds = new Map<string, { hold: DeliveryHold; announced: boolean }>()
  private rotation = 0

  constructor(
    private readonly store: Store,
    private readonly registry: FunctionRegistry,
    options: SenderOptions = {},
  ) {
    this.policy = retryPolicy(options.retry)
    this.options = {
      apiUrl: options.apiUrl ?? DEFAULT_API_URL,
      fetch: options.fetch ?? ((url, init) => fetch(url, init)),
      timeoutMs: options.timeoutMs ?? 10_000,
      concurrency: options.concurrency ?? 4,
      random: options.random ?? Math.random,
      now: options.now ?? Date.now,
      leaseMs: options.leaseMs ?? 30_000,
    }
    this.pacer = new RequestPacer(options, () => this.now())
    for (const hold of store.holds.list()) this.holds.set(hold.function_id, { hold, announced: true })
  }

  private now(): number {
    return this.options.now()
  }

  /** Sends what is due (deliveries with next_attempt_at up to nowMs); returns how many deliveries it settled or rescheduled. */
  async runOnce(nowMs = this.now()): Promise<number> {
    this.pacedUntil = undefined
    const functions = this.store.deliveries.pendingFunctions()
    if (functions.length === 0) return 0
    this.registry.refresh()
    const start = this.rotation++ % functions.length
    const round = new Round([...functions.slice(start), ...functions.slice(0, start)], this.options.concurrency * BATCHES_PER_SLOT)
    let settled = 0
    const worker = async () => {
      for (let batch = round.next((id, cursor) => this.take(id, nowMs, cursor)); batch; batch = round.next((id, cursor) => this.take(id, nowMs, cursor))) {
        const count = batch.kind === 'send' ? await this.send(batch) : this.fail(batch.claim, batch.reason)
        settled += count
      }
    }
    await Promise.all(Array.from({ length: this.options.concurrency }, worker))
    return settled
  }

  /** The next batch of one function, or undefined when it has nothing more to send in this round. */
  private take(functionId: string, nowMs: number, cursor: DueCursor | undefined): { batch: Batch; last: boolean } | undefined {
    const fn = this.registry.get(functionId)
    if (!fn) return this.notRunning(functionId, nowMs, cursor)
    if (this.isHeld(fn)) return undefined
    const account = fn.compiled.settings.adAccountId
    if (this.isPaced(account)) return undefined
    const breaker = this.breakerOf(functionId)
    const ticket = breaker.admit(this.now())
    if (!ticket) return undefined
    const claim = this.claim(functionId, nowMs, cursor)
    const rows = claim.rows
    if (rows.length === 0) {
      breaker.cancel(ticket)
      return undefined
    }
    // Counted when handed out, not when sent: the round's workers cannot together go past the budget.
    this.pacer.tryTake(account)
    return { batch: { kind: 'send', fn, claim, rows, ticket, breaker }, last: ticket.probe || rows.length < MAX_EVENTS_PER_REQUEST }
  }

  /**
   * Up to a request's worth of the function's due deliveries, this worker's under a lease: other workers skip
   * them (and take the next ones), so a busy function is served by all of them at once.
   */
  private claim(functionId: string, nowMs: number, cursor: DueCursor | undefined): DeliveryClaim {
    return this.store.deliveries.claim(functionId, { dueBy: nowMs, atMs: this.now(), leaseMs: this.options.leaseMs, limit: MAX_EVENTS_PER_REQUEST, after: cursor })
  }

  /**
   * Whether the ad account has used its budget of requests: its deliveries stay as they are (pending, no
   * attempt, no log line), read again once a request leaves the window.
   */
  private isPaced(account: string): boolean {
    if (this.pacer.freeAt(account) <= this.now()) return false
    this.paced(account)
    return true
  }

  /** When the account may send `room` requests again, kept as the round's soonest (the runner wakes for it). */
  private paced(account: string, room = 1): number {
    const freeAt = this.pacer.freeAt(account, room)
    this.pacedUntil = Math.min(this.pacedUntil ?? freeAt, freeAt)
    return freeAt
  }

  /** After a round: how long until a function it left for want of budget may send, if it left any. */
  pacedWaitMs(): number | undefined {
    return this.pacedUntil === undefined ? undefined : Math.max(0, this.pacedUntil - this.now())
  }

  /**
   * Whether the function's deliveries wait for new credentials. A save that changed them (a new
   * credentials_version, seen within the registry's refresh) lifts the hold: its deliveries go again.
   */
  private isHeld(fn: RunningFunction): boolean {
    const held = this.holds.get(fn.stored.id)
    if (!held) return false
    if (held.hold.credentials_version === fn.stored.credentials_version) return true
    this.holds.delete(fn.stored.id)
    if (held.announced) this.logResumed(fn)
    return false
  }

  private logResumed(fn: RunningFunction): void {
    const held = this.store.deliveries.countPending(fn.stored.id)
    this.store.logs.add([this.entry(fn, 'info', `credentials changed: resuming ${held} held ${held === 1 ? 'delivery' : 'deliveries'}`, null, this.now())])
  }

  /**
   * Deliveries of a function that is not running: a disabled one keeps them untouched (re-enabling
   * resumes them); a deleted or broken one fails them, with a log line and the failed metric.
   */
  private notRunning(functionId: string, nowMs: number, cursor: DueCursor | undefined): { batch: Batch; last: boolean } | undefined {
    if ((this.disabledUntil.get(functionId) ?? 0) > this.now()) return undefined
    const claim = this.claim(functionId, nowMs, cursor)
    const rows = claim.rows
    if (rows.length === 0) return undefined
    const stored = this.store.functions.get(rows[0].project_id, functionId)
    if (stored && !stored.deleted && !stored.enabled) {
      this.store.deliveries.release(claim)
      this.disabledUntil.set(functionId, this.now() + DISABLED_RECHECK_MS)
      return undefined
    }
    const reason = stored && !stored.deleted ? 'the function cannot run (see the server output)' : 'the function was deleted before delivery'
    return { batch: { kind: 'fail', claim, rows, reason }, last: rows.length < MAX_EVENTS_PER_REQUEST }
  }

  private fail(claim: DeliveryClaim, reason: string): number {
    const { rows } = claim
    const now = this.now()
    const updates = rows.map((row): DeliveryUpdate => ({ id: row.id, status: 'failed', attempts: row.attempts, next_attempt_at: now, last_error: reason }))
    const logs = rows.map(
      (row): LogEntry => ({
        project_id: row.project_id,
        function_id: row.function_id,
        timestamp: new Date(now).toISOString(),
        level: 'error',
        message: `event ${row.event_id} (${row.mapping}) failed: ${reason}`,
        instance_id: row.event_uuid,
        distinct_id: row.distinct_id,
      }),
    )
    const metrics = rows.map((row): MetricHit => ({ projectId: row.project_id, functionId: row.function_id, name: 'failed' }))
    this.record(claim, updates, logs, metrics, now)
    return rows.length
  }

  /** One request, settled in its own transaction as soon as Pinterest answered. */
  private async send(batch: Extract<Batch, { kind: 'send' }>): Promise<number> {
    const { fn, breaker, ticket } = batch
    const items: Item[] = batch.rows.map((row) => ({ row, event: { eventId: row.event_id, json: row.payload }, deadline: deadlineOf(eventTimeOf(row.payload), row.first_seen_at, this.policy) }))
    const logs: LogEntry[] = []
    const metrics: MetricHit[] = []
    const updates: DeliveryUpdate[] = []
    let refusal: Refusal | undefined
    const note = (item: Item, settlement: EventSettlement, attempted: boolean) => {
      if (settlement.status === 'failed' && settlement.credentialsRejected) {
        refusal = { http_status: settlement.credentialsRejected, reason: this.redacted(fn, settlement.reason) }
        // Held: still pending and due, so that new credentials send it at once.
        updates.push({ id: item.row.id, status: 'pending', attempts: item.row.attempts + 1, next_attempt_at: item.row.next_attempt_at, last_error: refusal.reason })
      } else this.note(fn, item.row, settlement, attempted, updates, logs, metrics)
    }
    const { live, expired } = splitExpired(items, this.now(), (item) => item.row.last_error ?? undefined)
    for (const { item, settlement } of expired) note(item, settlement, false)
    let change: BreakerChange | undefined
    if (live.length === 0) breaker.cancel(ticket)
    else {
      const result = await this.keepingLease(batch.claim, () => deliverRequest(this.sender(fn, logs, metrics), live, breaker, ticket, () => this.now()))
      live.forEach((item, i) => note(item, result.settlements[i], true))
      change = result.change
    }
    const now = this.now()
    this.record(batch.claim, updates, logs, metrics, now, () => [...(change ? [this.changeEntry(fn, change, now)] : []), ...(refusal ? this.holdEntries(fn, refusal, now) : [])])
    return updates.length
  }

  /** Runs a request, extending the claim's lease each third of it while the request is out. */
  private async keepingLease<T>(claim: DeliveryClaim, request: () => Promise<T>): Promise<T> {
    const { leaseMs } = this.options
    const timer = setInterval(() => {
      try {
        this.store.deliveries.extend(claim, this.now() + leaseMs)
      } catch (error) {
        // Not extended: the lease may run out, and another worker send these again (with the same event_id).
        process.stderr.write(`extending a delivery lease failed: ${(error as Error).message}\n`)
      }
    }, leaseMs / 3)
    timer.unref()
    try {
      return await request()
    } finally {
      clearInterval(timer)
    }
  }

  /**
   * Holds the function on its first refused request (the others of its round only keep their events
   * pending): stored with the credentials that were refused, logged once. Nothing is stored or logged when
   * a save changed the credentials while the request was out: its events go with the new ones once the
   * registry runs them, not again with the refused ones.
   */
  private holdEntries(fn: RunningFunction, refusal: Refusal, now: number): LogEntry[] {
    if (this.holds.has(fn.stored.id)) return []
    const hold: DeliveryHold = { function_id: fn.stored.id, project_id: fn.stored.project_id, credentials_version: fn.stored.credentials_version, ...refusal, held_at: now }
    const announced = this.store.holds.hold(hold)
    this.holds.set(hold.function_id, { hold, announced })
    return announced ? [this.entry(fn, 'warn', heldMessage(this.store.deliveries.countPending(fn.stored.id), refusal.reason), null, now)] : []
  }

  private note(fn: RunningFunction, row: Delivery, settlement: EventSettlement, attempted: boolean, updates: DeliveryUpdate[], logs: LogEntry[], metrics: MetricHit[]): void {
    const now = this.now()
    const attempts = row.attempts + (attempted && !(settlement.status === 'retry' && settlement.notSent) ? 1 : 0)
    const metric = (name: string) => metrics.push({ projectId: fn.stored.project_id, functionId: fn.stored.id, name })
    const log = (level: LogEntry['level'], message: string) => logs.push(this.entry(fn, level, message, row.event_uuid, now, row.distinct_id))
    if (settlement.status === 'retry') {
      // No log line: the destination's breaker logs the outage once.
      updates.push({ id: row.id, status: 'pending', attempts, next_attempt_at: settlement.atMs, last_error: settlement.reason })
      return
    }
    const lastError = settlement.status === 'delivered' ? (settlement.warning ?? null) : settlement.reason
    updates.push({ id: row.id, status: settlement.status, attempts, next_attempt_at: now, last_error: lastError })
    if (settlement.status === 'delivered') {
      metric('succeeded')
      if (fn.compiled.settings.debugMode) log('debug', `event ${row.event_id} (${row.mapping}) delivered`)
    } else if (settlement.status === 'failed') {
      metric('failed')
      log('error', `event ${row.event_id} (${row.mapping}) failed: ${settlement.reason}`)
    } else {
      metric('gave_up')
      log('error', `event ${row.event_id} (${row.mapping}) ${settlement.reason}`)
    }
  }

  /**
   * Posts a batch's requests: the first was counted when the batch was handed out. A half of a split 400
   * goes only if the ad account has budget left: waiting for it here would hold up the whole round (every
   * other function's due deliveries, and stop()), so without budget it is not sent and its events wait,
   * pending and unattempted, until the budget has room.
   */
  private sender(fn: RunningFunction, logs: LogEntry[], metrics: MetricHit[]): Send<SerialisedEvent> {
    const target = fn.compiled.settings
    const debugLog: RequestLog | undefined = target.debugMode ? (entry) => logs.push(this.debugEntry(fn, entry)) : undefined
    let counted = true
    return async (events: SerialisedEvent[]) => {
      if (counted) counted = false
      else if (!this.pacer.tryTake(target.adAccountId)) return { kind: 'deferred', atMs: this.paced(target.adAccountId, SPLIT_ROOM) }
      metrics.push({ projectId: fn.stored.project_id, functionId: fn.stored.id, name: 'fetch' })
      return postEvents(target, events, { fetch: this.options.fetch, apiUrl: this.options.apiUrl, timeoutMs: this.options.timeoutMs, log: debugLog })
    }
  }

  /** The one log line of a change of state, counting what the function holds after this request. */
  private changeEntry(fn: RunningFunction, change: BreakerChange, now: number): LogEntry {
    const held = this.store.deliveries.countPending(fn.stored.id)
    if (change.kind === 'opened') return this.entry(fn, 'warn', unavailableMessage(held, change.reason), null, now)
    return this.entry(fn, 'info', recoveredMessage(held), null, now)
  }

  private entry(fn: RunningFunction, level: LogEntry['level'], message: string, instanceId: string | null, now: number, distinctId: string | null = null): LogEntry {
    return {
      project_id: fn.stored.project_id,
      function_id: fn.stored.id,
      timestamp: new Date(now).toISOString(),
      level,
      message: this.redacted(fn, message),
      instance_id: instanceId,
      distinct_id: distinctId,
    }
  }

  private redacted(fn: RunningFunction, text: string): string {
    return redact(text, [fn.compiled.settings.conversionToken])
  }

  /** debug_mode: each request and answer as a function log line, token redacted, long bodies cut as PostHog does. */
  private debugEntry(fn: RunningFunction, entry: Parameters<RequestLog>[0]): LogEntry {
    const redacted = redact(describeRequestLogEntry(entry), [fn.compiled.settings.conversionToken])
    const message = redacted.length > MAX_LOG_LENGTH ? `${redacted.slice(0, MAX_LOG_LENGTH)}… (truncated)` : redacted
    return { project_id: fn.stored.project_id, function_id: fn.stored.id, timestamp: new Date(this.now()).toISOString(), level: 'debug', message, instance_id: null }
  }

  /**
   * Settlements, log lines and metrics of one request in one short transaction. Rows whose lease this worker
   * lost (it stalled past it, and another worker took them) keep the other's outcome.
   */
  private record(claim: DeliveryClaim, updates: DeliveryUpdate[], logs: LogEntry[], metrics: MetricHit[], now: number, afterSettling?: () => LogEntry[]): void {
    this.store.transaction(() => {
      const ignored = this.store.deliveries.settle(updates, now, claim.token)
      if (ignored > 0) process.stderr.write(`${ignored} of ${updates.length} deliveries were not settled: their lease ran out and another worker has them\n`)
      this.store.logs.add(afterSettling ? [...logs, ...afterSettling()] : logs)
      for (const m of countMetrics(metrics)) this.store.metrics.increment(m.projectId, m.functionId, m.name, m.count, now)
    })
  }

  private breakerOf(functionId: string): Breaker {
    let breaker = this.breakers.get(functionId)
    if (!breaker) {
      breaker = new Breaker(this.policy, this.options.random)
      this.breakers.set(functionId, breaker)
    }
    return breaker
  }
}

/** The one log line when a destination's deliveries are held for its credentials. */
export function heldMessage(held: number, reason: string): string {
  return `Pinterest refused the credentials, holding ${held} ${held === 1 ? 'delivery' : 'deliveries'} until the conversion token or the ad account is changed: ${reason}`
}

/**
 * One round's schedule: the functions in turn, one batch each per turn, so one function with thousands of
 * due deliveries cannot keep another's ten waiting behind them; at most `budget` batches in all.
 */
class Round {
  private readonly active: string[]
  private readonly cursors = new Map<string, DueCursor>()
  private turn = 0

  constructor(
    functions: string[],
    private budget: number,
  ) {
    this.active = functions
  }

  next(take: (functionId: string, cursor: DueCursor | undefined) => { batch: Batch; last: boolean } | undefined): Batch | undefined {
    while (this.budget > 0 && this.active.length > 0) {
      const index = this.turn % this.active.length
      const functionId = this.active[index]
      const taken = take(functionId, this.cursors.get(functionId))
      if (!taken || taken.last) {
        this.active.splice(index, 1)
        this.turn = index
      } else this.turn = index + 1
      if (!taken) continue
      const last = taken.batch.rows[taken.batch.rows.length - 1]
      this.cursors.set(functionId, { next_attempt_at: last.next_attempt_at, id: last.id })
      this.budget -= 1
      return taken.batch
    }
    return undefined
  }
}
