import { PINTEREST_WINDOW_MS } from '../../delivery/retry-policy'
import { PRUNE_CHUNK, type Store } from '../../store/types'
import { DeliverySender, type SenderOptions } from './delivery-sender'
import { DEFAULT_LIMITS, EventProcessor, type PipelineLimits, type TestHooks } from './event-processor'
import { type ConfigChanges, FunctionRegistry } from './function-registry'
import { JobRunner } from './job-runner'

export interface RunnerOptions extends SenderOptions {
  /** How often the queues are polled when nothing wakes the runner. */
  pollMs?: number
  /**
   * Polls that keep finding nothing (or only projects other workers hold) come ever less often, up to this
   * (default 250 ms); the first work found brings back `pollMs`. In one process, capture wakes the runner anyway.
   */
  idlePollMs?: number
  /** Settled deliveries (delivered, failed, gave_up) and logs older than this are pruned (default 7 days). */
  retentionMs?: number
  /** Processed events received longer ago than this are pruned (default DEFAULT_EVENT_RETENTION_MS). */
  eventRetentionMs?: number
  limits?: Partial<PipelineLimits>
  /** The heap of the thread that runs the pipeline, in MB (RunnerThread): running out ends the thread, not the server. */
  memoryMb?: number
  testHooks?: TestHooks
  /** How often this worker frees the deliveries of leases that ran out, whichever worker held them (default 5 s). */
  janitorMs?: number
  /**
   * One stage only: the server runs mapping and sending on a thread each, so that a busy pipeline uses two
   * cores. Without it, one runner runs both.
   */
  stage?: 'map' | 'send'
  /** Mapping made deliveries: how a mapping-only runner wakes the sender of another thread. */
  onDeliveries?: () => void
}

const PRUNE_EVERY_MS = 60 * 60 * 1000
/**
 * Stored events are what a backfill or a replay sends again, so they are kept as long as Pinterest takes them
 * (7 days), plus 6 hours: a backfill of the whole window, or a replay, may take hours to read its oldest
 * events, which should then fail as outside the window (Pinterest's reason) rather than as no longer stored.
 * Not longer: they hold personal data in clear (README, Data at rest).
 */
export const DEFAULT_EVENT_RETENTION_MS = PINTEREST_WINDOW_MS + 6 * 3600 * 1000
const ROUND_GAP_MS = 20
const IDLE_POLL_MS = 250
const JANITOR_MS = 5_000

/** A pause that `wake` may cut short. */
class Pause {
  private wakeUp?: () => void

  sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wakeUp = wakeable ? done : undefined
    })
  }

  wake(): void {
    this.wakeUp?.()
  }
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve))

/**
 * Runs the two stages in the background: events → deliveries, deliveries → Pinterest. They are two loops,
 * on one thread or (`stage`) a thread each: mapping is synchronous and yields after each project's turn (one
 * time slice), so on one thread a delivery's answer never waits for more than a turn, and a slow Pinterest
 * never holds up mapping.
 */
export class PipelineRunner {
  private readonly processor: EventProcessor
  private readonly sender: DeliverySender
  private readonly jobs: JobRunner
  private running = false
  private stopping = false
  private loops?: Promise<unknown>
  private readonly mapPause = new Pause()
  private readonly sendPause = new Pause()
  private lastPrune = 0
  private lastJanitor = 0
  /** Polls in a row that found nothing to map, and to send. */
  private idleMaps = 0
  private idleSends = 0

  constructor(
    private readonly store: Store,
    private readonly options: RunnerOptions = {},
    configChanges?: ConfigChanges,
  ) {
    const registry = new FunctionRegistry(store.functions, undefined, configChanges)
    this.processor = new EventProcessor(store, registry, { ...DEFAULT_LIMITS, ...options.limits }, options.testHooks)
    this.sender = new DeliverySender(store, registry, options)
    this.jobs = new JobRunner(store, registry, undefined, options.now)
  }

  start(): void {
    if (this.running) return
    this.running = true
    const { stage } = this.options
    this.loops = Promise.all([stage !== 'send' && this.mapLoop(), stage !== 'map' && this.sendLoop()])
  }

  /** New events were stored: do not wait for the next poll. */
  notify(): void {
    this.mapPause.wake()
  }

  /** New deliveries were stored (by the mapping stage of another thread): do not wait for the next poll. */
  notifyDeliveries(): void {
    this.sendPause.wake()
  }

  private deliveriesMade(): void {
    this.sendPause.wake()
    this.options.onDeliveries?.()
  }

  /** Finishes the current turns, turns every stored event into deliveries and sends what is due once. */
  async stop(): Promise<void> {
    this.stopping = true
    this.mapPause.wake()
    this.sendPause.wake()
    await this.loops
    if (this.options.stage !== 'send') {
      this.drainEvents()
      this.processor.letGo()
    }
    if (this.options.stage !== 'map') await this.sender.runOnce()
    this.running = false
  }

  /**
   * Maps what is left, until a whole round maps nothing: a project another worker holds (Postgres) stays
   * pending, and is that worker's to map, however long its backlog.
   */
  private drainEvents(): void {
    let mapped = 0
    for (let turn = this.processor.runTurn(); turn !== undefined; turn = this.processor.runTurn()) {
      mapped += turn.processed
      if (!turn.last) continue
      if (mapped === 0) return
      mapped = 0
    }
  }

  private async mapLoop(): Promise<void> {
    let roundMapped = 0
    while (!this.stopping) {
      let turn: ReturnType<EventProcessor['runTurn']>
      try {
        turn = this.processor.runTurn()
      } catch (error) {
        // Stored events stay queued: report, wait a moment, and go on rather than stop processing for good.
        process.stderr.write(`pipeline round failed, retrying in 1 s: ${(error as Error).message}\n`)
        await this.mapPause.sleep(1000, false)
        continue
      }
      // Replays and backfills take one chunk per round of the projects' turns (or when no event waits).
      const jobMapped = (turn === undefined || turn.last) && this.stepJobs()
      if (jobMapped) this.deliveriesMade()
      if (turn === undefined) {
        if (jobMapped) await nextTick()
        else await this.mapPause.sleep(this.backoff(this.idleMaps++), true)
        continue
      }
      if (turn.processed > 0) {
        this.deliveriesMade()
        this.idleMaps = 0
      }
      roundMapped += turn.processed
      const roundIdle = turn.last && roundMapped === 0
      if (turn.last) roundMapped = 0
      // Every pending project is another worker's: wait as when nothing is pending, not a round gap.
      if (roundIdle && !jobMapped) await this.mapPause.sleep(this.backoff(this.idleMaps++), true)
      // Under a steady trickle, a short pause gathers events into batches instead of a round per request.
      else if (turn.drained) await this.mapPause.sleep(ROUND_GAP_MS, false)
      else await nextTick()
    }
  }

  /** The wait after `idle` polls in a row found nothing: pollMs, doubling up to idlePollMs. */
  private backoff(idle: number): number {
    const pollMs = this.options.pollMs ?? 50
    return Math.max(pollMs, Math.min(this.options.idlePollMs ?? IDLE_POLL_MS, pollMs * 2 ** Math.min(idle, 10)))
  }

  private stepJobs(): boolean {
    try {
      return this.jobs.step()
    } catch (error) {
      // A job's state is in the store: its next step picks it up again.
      process.stderr.write(`pipeline job step failed: ${(error as Error).message}\n`)
      return false
    }
  }

  private async sendLoop(): Promise<void> {
    while (!this.stopping) {
      let sent = 0
      try {
        sent = await this.sender.runOnce()
        this.expireLeases()
        await this.prune()
      } catch (error) {
        process.stderr.write(`pipeline delivery round failed, retrying in 1 s: ${(error as Error).message}\n`)
        await this.sendPause.sleep(1000, false)
        continue
      }
      if (sent === 0) await this.sendPause.sleep(this.idleMs(this.idleSends++), true)
      else {
        this.idleSends = 0
        await nextTick()
      }
    }
  }

  /**
   * After a round that sent nothing: the backed-off poll interval, or less when an ad account out of budget
   * may send sooner. Mapping here wakes the loop; deliveries mapped by another worker wait a poll at most.
   */
  private idleMs(idle: number): number {
    const pollMs = this.backoff(idle)
    return Math.min(pollMs, this.sender.pacedWaitMs() ?? pollMs)
  }

  /**
   * The janitor, in every worker: claims already take rows whose lease ran out, and this clears such leases,
   * so that the stored leases (and their index) are the live ones only.
   */
  private expireLeases(): void {
    const now = this.options.now?.() ?? Date.now()
    if (now - this.lastJanitor < (this.options.janitorMs ?? JANITOR_MS)) return
    this.lastJanitor = now
    this.store.deliveries.expireLeases(now)
  }

  /** Deletes old rows a chunk at a time, letting capture commit between chunks. */
  private async prune(): Promise<void> {
    const now = Date.now()
    if (now - this.lastPrune < PRUNE_EVERY_MS) return
    this.lastPrune = now
    const retention = this.options.retentionMs ?? 7 * 24 * 3600 * 1000
    const eventRetention = this.options.eventRetentionMs ?? DEFAULT_EVENT_RETENTION_MS
    const steps = [() => this.store.events.prune(now - eventRetention), () => this.store.deliveries.prune(now - retention), () => this.store.logs.prune(new Date(now - retention).toISOString())]
    for (const step of steps) {
      while (!this.stopping && step() >= PRUNE_CHUNK) await nextTick()
    }
  }
}
