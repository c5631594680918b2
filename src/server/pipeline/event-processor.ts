import { eventGlobals } from '../../mapping/globals'
import { runFunction } from '../../mapping/invoke'
import { MAX_EVENT_BYTES } from '../../store/types'
import type { CapturedEvent, LogEntry, NewDelivery, Person, QueuedEvent, Store } from '../../store/types'
import type { InvocationResult } from '../../mapping/invoke'
import type { FunctionRegistry, RunningFunction } from './function-registry'
import { countMetrics, type MetricHit } from './metric-counts'
import { MAX_PERSON_BYTES, PersonBatch, personIdsOf } from './person-batch'
import { QualityCounts } from './quality-counts'

export interface PipelineLimits {
  /** Events per batch at most. */
  batchEvents: number
  /** Payload bytes per batch at most; an event larger than this is a batch alone. */
  batchBytes: number
  /** A stored event larger than this is set aside unread. */
  eventBytes: number
  /** A person's properties, serialised, at most: a larger update is refused. */
  personBytes: number
  /** How long one project's turn maps before the next project's turn (at least one event per turn). */
  sliceMs: number
}

export const DEFAULT_LIMITS: PipelineLimits = {
  batchEvents: 500,
  batchBytes: 8 * 1024 * 1024,
  eventBytes: MAX_EVENT_BYTES,
  personBytes: MAX_PERSON_BYTES,
  sliceMs: 100,
}

/** Test only: processing an event of this name exhausts the thread's memory, as a poison event would. */
export interface TestHooks {
  exhaustMemoryOnEvent?: string
}

/** A thread that died this many times in batches holding an event never tries that event again. */
export const MAX_FAILURES = 2

export interface Turn {
  /** Events processed (mapped or set aside). */
  processed: number
  /** The round ended, and no project of it had events left after its turn. */
  drained: boolean
  /** This turn was the last of its round. */
  last: boolean
}

interface Outcomes {
  deliveries: NewDelivery[]
  logs: LogEntry[]
  metrics: MetricHit[]
  quality: QualityCounts
}

interface Context {
  projectId: number
  projectName: string
  functions: RunningFunction[]
  persons: PersonBatch
  nowMs: number
  out: Outcomes
}

/**
 * Turns stored events into stored deliveries: persons first, then every enabled function of the
 * project. Projects take turns, round-robin, each mapping for a time slice at most, so that no project's
 * backlog or slow function holds up another's events for longer than a round. A batch is recorded
 * before it is mapped; mapping runs outside any transaction (the capture thread must never wait on it);
 * persons, deliveries and the watermark are written in one transaction, so an event is either fully
 * processed or still queued. A batch still recorded when the next worker (or the restarted thread) claims
 * its project died with the one that ran it: its events get a failure counted (see MAX_FAILURES).
 */
export class EventProcessor {
  private round: number[] = []
  private roundHadMore = false
  /** Events read for a project's next turn: fewer for a project whose events are slow to map. */
  private readonly readLimits = new Map<number, number>()
  /** The project whose events this worker still holds after a turn that left some (Postgres; see turn). */
  private kept: number | undefined

  constructor(
    private readonly store: Store,
    private readonly registry: FunctionRegistry,
    private readonly limits: PipelineLimits = DEFAULT_LIMITS,
    private readonly hooks: TestHooks = {},
    private readonly clock: () => number = Date.now,
  ) {}

  /** The next project's turn; undefined when no project has events to process. */
  runTurn(): Turn | undefined {
    if (this.round.length === 0) {
      this.round = this.store.events.pendingProjects()
      this.roundHadMore = false
      if (this.round.length === 0) {
        this.letGo()
        return undefined
      }
    }
    const projectId = this.round.shift() as number
    const { processed, more } = this.turn(projectId)
    this.roundHadMore ||= more
    return { processed, drained: this.round.length === 0 && !this.roundHadMore, last: this.round.length === 0 }
  }

  /**
   * A project's turn, holding its events: with several workers, the project's turn is another's while it runs
   * there (its events are neither read nor mapped twice), and this one goes on to the next project. A turn that
   * mapped events keeps the project until this worker turns to another one or finds nothing pending: a busy
   * project's events stay with the worker mapping them rather than pass between workers turn by turn.
   */
  private turn(projectId: number): { processed: number; more: boolean } {
    if (this.kept !== projectId) {
      this.letGo()
      if (!this.store.events.claim(projectId)) return { processed: 0, more: false }
    }
    this.kept = undefined
    let result: { processed: number; more: boolean } | undefined
    try {
      result = this.claimedTurn(projectId)
    } finally {
      if (result && result.processed > 0) this.kept = projectId
      else this.store.events.release(projectId)
    }
    return result
  }

  /** Lets go of the project kept after its last turn, if any. */
  letGo(): void {
    if (this.kept === undefined) return
    const projectId = this.kept
    this.kept = undefined
    this.store.events.release(projectId)
  }

  private claimedTurn(projectId: number): { processed: number; more: boolean } {
    const limit = this.readLimits.get(projectId) ?? this.limits.batchEvents
    const events = this.store.events.pending(projectId, { events: limit, bytes: this.limits.batchBytes, eventBytes: this.limits.eventBytes })
    if (events.length === 0) return { processed: 0, more: false }
    const context = this.context(projectId)
    context.persons.preload(
      events.flatMap((queued) => (queued.event ? personIdsOf(queued.event) : [])),
      (ids) => this.store.persons.findMany(projectId, ids),
    )
    const first = events[0]
    if (first.failures >= MAX_FAILURES) {
      this.setAside(first, `processing it stopped the pipeline ${first.failures} times`, context)
      this.commit(context, first.id, first.id)
      return { processed: 1, more: true }
    }
    this.store.events.begin(projectId, first.id, events[events.length - 1].id)
    const started = this.clock()
    let done = 0
    while (done < events.length) {
      this.process(events[done], context)
      done += 1
      if (this.clock() - started >= this.limits.sliceMs) break
    }
    this.commit(context, first.id, events[done - 1].id)
    const outOfTime = done < events.length
    this.readLimits.set(projectId, outOfTime ? Math.max(1, done * 2) : Math.min(this.limits.batchEvents, limit * 2))
    return { processed: done, more: outOfTime || events.length === limit }
  }

  private context(projectId: number): Context {
    return {
      projectId,
      projectName: this.store.projects.get(projectId)?.name ?? '',
      functions: this.registry.refresh().get(projectId) ?? [],
      persons: new PersonBatch((distinctId) => this.store.persons.find(projectId, distinctId), this.limits.personBytes),
      nowMs: this.clock(),
      out: { deliveries: [], logs: [], metrics: [], quality: new QualityCounts() },
    }
  }

  private commit(context: Context, firstId: number, lastId: number): void {
    const { out, nowMs } = context
    this.store.transaction(() => {
      this.store.persons.write(context.projectId, context.persons.changes())
      this.store.deliveries.add(out.deliveries)
      this.store.logs.add(out.logs)
      for (const m of countMetrics(out.metrics)) this.store.metrics.increment(m.projectId, m.functionId, m.name, m.count, nowMs)
      this.store.quality.add(context.projectId, out.quality.rows(), nowMs)
      this.store.events.markProcessedThrough(context.projectId, lastId, nowMs, firstId)
    })
  }

  private process(queued: QueuedEvent, context: Context): void {
    if (queued.event === null) {
      this.setAside(queued, queued.unreadable, context)
      return
    }
    const event = queued.event
    if (this.hooks.exhaustMemoryOnEvent !== undefined && event.event === this.hooks.exhaustMemoryOnEvent) exhaustMemory()
    try {
      const update = context.persons.apply(event)
      if (update.refused) this.log(context, 'warn', `person ${quote(event.distinct_id)} not updated by event ${event.uuid}: ${update.refused}`, event.uuid, event.distinct_id)
      this.map(queued.id, event, update.person, context)
    } catch (error) {
      // Mapping never throws on event data; should it, this event alone is given up, not the batch.
      this.setAside(queued, `processing failed: ${(error as Error).message}`, context)
    }
  }

  /** Fails an event for every enabled function of its project, with the reason; the watermark passes it. */
  private setAside(queued: QueuedEvent, reason: string, context: Context): void {
    const label = queued.event ? queued.event.uuid : `#${queued.id}`
    this.log(context, 'error', `event ${label} set aside: ${reason}`, queued.event?.uuid ?? null, queued.event?.distinct_id ?? null)
    for (const fn of context.functions) context.out.metrics.push({ projectId: context.projectId, functionId: fn.stored.id, name: 'failed' })
  }

  private log(context: Context, level: LogEntry['level'], message: string, instanceId: string | null, distinctId: string | null): void {
    const timestamp = new Date(context.nowMs).toISOString()
    for (const fn of context.functions) context.out.logs.push({ project_id: context.projectId, function_id: fn.stored.id, timestamp, level, message, instance_id: instanceId, distinct_id: distinctId })
  }

  private map(rowId: number, event: CapturedEvent, person: Person | undefined, context: Context): void {
    const { projectId, functions, nowMs, out } = context
    if (functions.length === 0) return
    // Built once for all functions: stored events were checked at capture.
    const globals = eventGlobals(event, person, { id: projectId, name: context.projectName })
    for (const fn of functions) {
      const functionId = fn.stored.id
      const results = runFunction(fn.compiled, globals, nowMs)
      if (results.length === 0) out.metrics.push({ projectId, functionId, name: 'filtered' })
      for (const result of results) {
        out.quality.count(functionId, result)
        if (result.status === 'event') {
          out.deliveries.push(newDelivery(fn, result, event, rowId, nowMs))
          continue
        }
        const level = result.status === 'skipped' ? 'info' : 'error'
        const message = `${result.mapping ?? 'event'} ${result.status === 'skipped' ? 'skipped' : 'failed'} for event ${event.uuid}: ${result.reason}`
        out.logs.push({ project_id: projectId, function_id: functionId, timestamp: new Date(nowMs).toISOString(), level, message, instance_id: event.uuid, distinct_id: event.distinct_id })
        out.metrics.push({ projectId, functionId, name: result.status === 'skipped' ? 'skipped' : 'failed' })
      }
    }
  }
}

/** The delivery of one mapped event: due now, remembering the stored event's row so that a replay can map it again. */
export function newDelivery(fn: RunningFunction, result: Extract<InvocationResult, { status: 'event' }>, event: CapturedEvent, rowId: number, nowMs: number): NewDelivery {
  return {
    project_id: fn.stored.project_id,
    function_id: fn.stored.id,
    mapping: result.mapping,
    event_uuid: event.uuid,
    distinct_id: event.distinct_id,
    event_id: result.event.event_id,
    payload: JSON.stringify(result.event),
    next_attempt_at: nowMs,
    first_seen_at: nowMs,
    event_row_id: rowId,
  }
}

/** A distinct id for a log line: quoted, and cut short (it is the sender's to choose). */
function quote(distinctId: string): string {
  return JSON.stringify(distinctId.length > 200 ? `${distinctId.slice(0, 200)}…` : distinctId)
}

function exhaustMemory(): never {
  const hoard: number[][] = []
  for (;;) hoard.push(new Array<number>(1 << 20).fill(hoard.length))
}
