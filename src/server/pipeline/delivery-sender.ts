import { attemptDelivery, EventAttempt } from '../../delivery/attempt'
import { decideRetry, DEFAULT_RETRY_POLICY, parseRetryAfter, RetryPolicy } from '../../delivery/retry-policy'
import { DEFAULT_API_URL, describeRequestLogEntry, FetchLike, MAX_EVENTS_PER_REQUEST, postEvents, RequestLog, SerialisedEvent } from '../../pinterest/client'
import { redact } from '../../secret'
import type { Delivery, DeliveryStatus, LogEntry, Store } from '../../store/types'
import { countMetrics, MetricHit } from './metric-counts'
import type { FunctionRegistry, RunningFunction } from './function-registry'

export interface SenderOptions {
  apiUrl?: string
  fetch?: FetchLike
  timeoutMs?: number
  retry?: Partial<RetryPolicy>
  /** Requests in flight at once, across ad accounts. */
  concurrency?: number
  random?: () => number
}

type Settlement = { id: number; status: DeliveryStatus; attempts: number; next_attempt_at: number; last_error: string | null }

const MAX_LOG_LENGTH = 10_000
const DISABLED_RECHECK_MS = 60_000

/**
 * Sends due deliveries in batches per function (one ad account, token and test flag each) and stores
 * each event's result. Retry times live in the database, so retries survive a restart; an event that
 * exhausts them becomes a dead letter with the reason.
 */
export class DeliverySender {
  private readonly policy: RetryPolicy
  private readonly options: Required<Omit<SenderOptions, 'retry'>>

  constructor(
    private readonly store: Store,
    private readonly registry: FunctionRegistry,
    options: SenderOptions = {},
  ) {
    this.policy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
    this.options = {
      apiUrl: options.apiUrl ?? DEFAULT_API_URL,
      fetch: options.fetch ?? ((url, init) => fetch(url, init)),
      timeoutMs: options.timeoutMs ?? 10_000,
      concurrency: options.concurrency ?? 4,
      random: options.random ?? Math.random,
    }
  }

  /** Sends what is due; returns how many deliveries it settled. */
  async runOnce(nowMs = Date.now()): Promise<number> {
    const due = this.store.deliveries.due(nowMs, MAX_EVENTS_PER_REQUEST * this.options.concurrency * 2)
    if (due.length === 0) return 0
    this.registry.refresh()
    const queue = this.batches(due)
    const settlements: Settlement[] = []
    const logs: LogEntry[] = []
    const metrics: MetricHit[] = []
    const workers = Array.from({ length: Math.min(this.options.concurrency, queue.length) }, async () => {
      for (let batch = queue.shift(); batch; batch = queue.shift()) await this.send(batch.fn, batch.items, settlements, logs, metrics)
    })
    await Promise.all(workers)
    this.store.transaction(() => {
      this.store.deliveries.settle(settlements, Date.now())
      this.store.logs.add(logs)
      for (const m of countMetrics(metrics)) this.store.metrics.increment(m.projectId, m.functionId, m.name, m.count, nowMs)
    })
    return settlements.length
  }

  private batches(due: Delivery[]): { fn: RunningFunction | undefined; items: Delivery[] }[] {
    const byFunction = new Map<string, Delivery[]>()
    for (const delivery of due) {
      const list = byFunction.get(delivery.function_id)
      if (list) list.push(delivery)
      else byFunction.set(delivery.function_id, [delivery])
    }
    const batches: { fn: RunningFunction | undefined; items: Delivery[] }[] = []
    for (const [functionId, items] of byFunction) {
      for (let i = 0; i < items.length; i += MAX_EVENTS_PER_REQUEST) batches.push({ fn: this.registry.get(functionId), items: items.slice(i, i + MAX_EVENTS_PER_REQUEST) })
    }
    return batches
  }

  private async send(
    fn: RunningFunction | undefined,
    items: Delivery[],
    settlements: Settlement[],
    logs: LogEntry[],
    metrics: MetricHit[],
  ): Promise<void> {
    const now = Date.now()
    if (!fn) {
      this.notRunning(items, settlements, logs, metrics, now)
      return
    }
    const target = fn.compiled.settings
    const metric = (name: string) => metrics.push({ projectId: fn.stored.project_id, functionId: fn.stored.id, name })
    const debugLog: RequestLog | undefined = target.debugMode ? (entry) => logs.push(this.debugEntry(fn, entry)) : undefined
    const send = (events: SerialisedEvent[]) => {
      metric('fetch')
      return postEvents(target, events, { fetch: this.options.fetch, apiUrl: this.options.apiUrl, timeoutMs: this.options.timeoutMs, log: debugLog })
    }
    const results = await attemptDelivery(send, items.map((d) => ({ eventId: d.event_id, json: d.payload })))
    const log = (level: LogEntry['level'], message: string, item: Delivery) =>
      logs.push({ project_id: fn.stored.project_id, function_id: fn.stored.id, timestamp: new Date().toISOString(), level, message: redact(message, [target.conversionToken]), instance_id: item.event_uuid })
    items.forEach((item, i) => {
      const settlement = this.settle(item, results[i])
      settlements.push(settlement)
      if (settlement.status === 'delivered') metric('succeeded')
      else if (settlement.status !== 'pending') metric('failed')
      if (settlement.status === 'failed' || settlement.status === 'dead') log('error', `event ${item.event_id} (${item.mapping}) ${settlement.status === 'dead' ? 'given up' : 'failed'}: ${settlement.last_error}`, item)
      else if (settlement.status === 'pending') log('warn', `event ${item.event_id} will be retried: ${settlement.last_error}`, item)
      else if (target.debugMode) log('debug', `event ${item.event_id} (${item.mapping}) delivered`, item)
    })
  }

  /**
   * Deliveries of a function that is not running: a disabled one keeps them, looked at again in a minute
   * (re-enabling resumes them); a deleted or broken one fails them, with a log line and the failed metric.
   */
  private notRunning(items: Delivery[], settlements: Settlement[], logs: LogEntry[], metrics: MetricHit[], now: number): void {
    const first = items[0]
    const stored = this.store.functions.get(first.project_id, first.function_id)
    if (stored && !stored.deleted && !stored.enabled) {
      for (const item of items) {
        settlements.push({ id: item.id, status: 'pending', attempts: item.attempts, next_attempt_at: now + DISABLED_RECHECK_MS, last_error: 'waiting: the function is disabled' })
      }
      return
    }
    const reason = stored && !stored.deleted ? 'the function cannot run (see the server output)' : 'the function was deleted before delivery'
    for (const item of items) {
      settlements.push({ id: item.id, status: 'failed', attempts: item.attempts, next_attempt_at: now, last_error: reason })
      metrics.push({ projectId: item.project_id, functionId: item.function_id, name: 'failed' })
      logs.push({ project_id: item.project_id, function_id: item.function_id, timestamp: new Date(now).toISOString(), level: 'error', message: `event ${item.event_id} (${item.mapping}) failed: ${reason}`, instance_id: item.event_uuid })
    }
  }

  /** debug_mode: each request and answer as a function log line, token redacted, long bodies cut as PostHog does. */
  private debugEntry(fn: RunningFunction, entry: Parameters<RequestLog>[0]): LogEntry {
    const redacted = redact(describeRequestLogEntry(entry), [fn.compiled.settings.conversionToken])
    const message = redacted.length > MAX_LOG_LENGTH ? `${redacted.slice(0, MAX_LOG_LENGTH)}… (truncated)` : redacted
    return { project_id: fn.stored.project_id, function_id: fn.stored.id, timestamp: new Date().toISOString(), level: 'debug', message, instance_id: null }
  }

  private settle(item: Delivery, result: EventAttempt): Settlement {
    const attempts = item.attempts + 1
    const now = Date.now()
    if (result.status === 'delivered') return { id: item.id, status: 'delivered', attempts, next_attempt_at: now, last_error: result.warning ?? null }
    if (result.status === 'failed') return { id: item.id, status: 'failed', attempts, next_attempt_at: now, last_error: result.reason }
    const decision = decideRetry(attempts, item.first_seen_at, now, this.policy, this.options.random, parseRetryAfter(result.retryAfter, now))
    if (!decision.retry) return { id: item.id, status: 'dead', attempts, next_attempt_at: now, last_error: `${decision.reason}; last error: ${result.reason}` }
    return { id: item.id, status: 'pending', attempts, next_attempt_at: now + decision.delayMs, last_error: result.reason }
  }
}
