import { insideWindow } from '../../delivery/failure-reasons'
import { eventGlobals } from '../../mapping/globals'
import { type InvocationResult, runFunction } from '../../mapping/invoke'
import { skipReasonOf } from '../../pinterest/skip-reasons'
import type { Job, JobItemResult, JobWork, Store } from '../../store/types'
import { newDelivery } from './event-processor'
import type { FunctionRegistry, RunningFunction } from './function-registry'

export interface JobLimits {
  /** Items a step takes at most. */
  chunk: number
  /** How long a step maps at most (at least one item). */
  sliceMs: number
  /**
   * Items of one job waiting for delivery at most: a job whose destination is held or down stops mapping
   * there, instead of piling up deliveries that every settling pass then reads.
   */
  inFlight: number
  /** How often the jobs' delivered items are settled (a pass reads the items in flight of every job). */
  settleEveryMs: number
}

export const DEFAULT_JOB_LIMITS: JobLimits = { chunk: 500, sliceMs: 100, inFlight: 5000, settleEveryMs: 1000 }

/** Finished jobs are kept as long as the deliveries they made. */
const JOB_RETENTION_MS = 7 * 24 * 3600 * 1000
const PRUNE_EVERY_MS = 60 * 60 * 1000

type Project = { id: number; name: string }

/**
 * Runs replays and backfills on the pipeline thread, a chunk of one job per step, the jobs in turn. Each
 * item is mapped with the function's configuration as saved now and its person as stored now, and queued
 * as new deliveries (the same event_id) that the sender delivers in batches as any other. All state is in
 * the store: a restart goes on where the last recorded step ended.
 */
export class JobRunner {
  private turn = 0
  private lastPrune = Number.NEGATIVE_INFINITY
  private lastSettle = Number.NEGATIVE_INFINITY
  /** The running jobs as of the last settling pass (a job cancelled since is seen by work and record). */
  private running: Job[] = []
  private readonly limits: JobLimits

  constructor(
    private readonly store: Store,
    private readonly registry: FunctionRegistry,
    limits: Partial<JobLimits> = {},
    private readonly clock: () => number = Date.now,
  ) {
    this.limits = { ...DEFAULT_JOB_LIMITS, ...limits }
  }

  /** Settles the jobs with deliveries in flight (at most once per settleEveryMs) and maps one chunk of one running job; whether it mapped any. */
  step(): boolean {
    const now = this.clock()
    this.prune(now)
    if (Date.now() - this.lastSettle >= this.limits.settleEveryMs) {
      this.lastSettle = Date.now()
      this.running = this.store.jobs
        .unsettled()
        .map((job) => this.store.jobs.settle(job, now))
        .filter((job) => job.status === 'running')
    }
    if (this.running.length === 0) return false
    const job = this.running[this.turn++ % this.running.length]
    return this.chunk(job) > 0
  }

  private prune(now: number): void {
    if (now - this.lastPrune < PRUNE_EVERY_MS) return
    this.lastPrune = now
    this.store.jobs.prune(now - JOB_RETENTION_MS)
  }

  private chunk(job: Job): number {
    const stored = this.store.functions.get(job.project_id, job.function_id)
    // A disabled destination's job waits, as its deliveries do; a deleted or broken one's items fail.
    if (stored && !stored.deleted && !stored.enabled) return 0
    const fn = stored && !stored.deleted ? this.registry.current(stored) : undefined
    const room = this.limits.inFlight - this.store.jobs.inFlight(job, this.limits.inFlight)
    if (room <= 0) return 0
    const work = this.store.jobs.work(job, Math.min(this.limits.chunk, room))
    if (work.length === 0) return 0
    const project = { id: job.project_id, name: this.store.projects.get(job.project_id)?.name ?? '' }
    const nowMs = this.clock()
    const started = Date.now()
    const results: JobItemResult[] = []
    for (const item of work) {
      results.push(fn ? this.map(job, fn, item, project, nowMs) : { item: item.item, state: 'failed', reason: 'function_unavailable' })
      if (Date.now() - started >= this.limits.sliceMs) break
    }
    this.store.jobs.record(job, results)
    return results.length
  }

  private map(job: Job, fn: RunningFunction, work: JobWork, project: Project, nowMs: number): JobItemResult {
    const { item, event } = work
    if (event === null || work.event_row_id === null) return { item, state: 'failed', reason: 'event_not_kept' }
    // A replay takes the result of the mapping that made the replayed delivery, by name.
    if (job.kind === 'replay' && !fn.compiled.mappings.some((m) => m.name === work.mapping)) return { item, state: 'failed', reason: 'mapping_gone' }
    const person = this.store.persons.find(project.id, event.distinct_id)
    const all = runFunction(fn.compiled, eventGlobals(event, person, project), nowMs)
    const results = job.kind === 'replay' ? all.filter((r) => r.mapping === work.mapping) : all
    const events = results.filter((r): r is Extract<InvocationResult, { status: 'event' }> => r.status === 'event')
    if (events.length === 0) {
      if (results.length === 0) return { item, state: 'done' }
      return { item, state: 'failed', reason: results.some(isTooOld) ? 'outside_window' : 'not_mapped' }
    }
    if (events.some((r) => !insideWindow(r.event.event_time, nowMs))) return { item, state: 'failed', reason: 'outside_window' }
    const deliveries = events.map((r) => ({ ...newDelivery(fn, r, event, work.event_row_id as number, nowMs), job_id: job.id, job_item: item }))
    return { item, state: 'sent', deliveries }
  }
}

const isTooOld = (result: InvocationResult) => result.status === 'skipped' && skipReasonOf(result.reason) === 'event_time_too_old'
