import { z } from 'zod'
import { eventTimeOf } from '../delivery/deadline'
import { DELIVERY_REASONS, FAILURE_LABELS, insideWindow, isDeliveryReason } from '../delivery/failure-reasons'
import { PINTEREST_WINDOW_MS } from '../delivery/retry-policy'
import { ConfigError } from '../errors'
import type { Actor, FailedDelivery, FailedFilter, Job, JobCreation, Store } from '../store/types'
import { ApiError } from './errors'
import { resolveInstant } from './routes/function-observability'

/** The failed list's filters as given (query parameters, or a replay's `filter`), all text. */
export interface FilterInput {
  status?: string
  mapping?: string
  reason?: string
  after?: string
  before?: string
}

const STATUSES = ['failed', 'gave_up'] as const

/** An instant of a filter or a range, in ms; a bad one names `field` (never repeating the value). */
function instantMs(field: string, name: 'after' | 'before', value: string, nowMs: number): number {
  try {
    return Date.parse(resolveInstant(name, value, 0, nowMs))
  } catch {
    throw new ConfigError(field, `${name} must be an ISO 8601 date-time (or a relative time such as -24h)`)
  }
}

/** The filter of the failed list and of a replay; `prefix` names the fields of a body's `filter` (`filter.`). */
export function parseFailedFilter(input: FilterInput, nowMs: number, prefix = ''): FailedFilter {
  const status = (input.status ?? STATUSES.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
  if (status.length === 0 || status.some((s) => !(STATUSES as readonly string[]).includes(s))) {
    throw new ConfigError(`${prefix}status`, 'status must be failed, gave_up, or both separated by a comma')
  }
  if (input.reason !== undefined && !isDeliveryReason(input.reason)) {
    throw new ConfigError(`${prefix}reason`, `reason must be one of: ${Object.keys(DELIVERY_REASONS).join(', ')}`)
  }
  const filter: FailedFilter = { status: [...new Set(status)] as FailedFilter['status'] }
  if (input.mapping !== undefined) filter.mapping = input.mapping
  if (input.reason !== undefined) filter.reason = input.reason as FailedFilter['reason']
  if (input.after !== undefined) filter.afterMs = instantMs(`${prefix}after`, 'after', input.after, nowMs)
  if (input.before !== undefined) filter.beforeMs = instantMs(`${prefix}before`, 'before', input.before, nowMs)
  return filter
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload)
  } catch {
    return null
  }
}

/** Why a listed delivery cannot be replayed now, or null. */
export function notReplayableReason(delivery: FailedDelivery, nowMs: number): string | null {
  if (delivery.replay_job_id !== null) return `being replayed by job ${delivery.replay_job_id}`
  if (delivery.event === null) return 'the stored event is no longer kept'
  if (!insideWindow(eventTimeOf(delivery.payload), nowMs)) return "outside Pinterest's 7-day window"
  return null
}

export function presentFailed(delivery: FailedDelivery, nowMs: number) {
  const payload = parsePayload(delivery.payload) as { event_name?: unknown } | null
  const notReplayable = notReplayableReason(delivery, nowMs)
  return {
    id: delivery.id,
    status: delivery.status,
    reason: delivery.reason,
    last_error: delivery.last_error,
    attempts: delivery.attempts,
    mapping: delivery.mapping,
    event_id: delivery.event_id,
    event_name: typeof payload?.event_name === 'string' ? payload.event_name : null,
    event_uuid: delivery.event_uuid,
    distinct_id: delivery.distinct_id,
    first_seen_at: iso(delivery.first_seen_at),
    updated_at: iso(delivery.updated_at),
    event: delivery.event,
    payload,
    replayable: notReplayable === null,
    not_replayable_reason: notReplayable,
    replay_job_id: delivery.replay_job_id,
  }
}

export const presentReasons = (reasons: { reason: keyof typeof DELIVERY_REASONS; count: number }[]) =>
  reasons.map(({ reason, count }) => ({ reason, label: DELIVERY_REASONS[reason] ?? DELIVERY_REASONS.other, count }))

export function presentJob(job: Job) {
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    created_at: iso(job.created_at),
    finished_at: iso(job.finished_at),
    created_by: job.created_by,
    total: job.total,
    done: job.done,
    failed: job.failed,
    left: job.total - job.done - job.failed,
    failures: job.failures.map(({ reason, count }) => ({ reason, label: FAILURE_LABELS[reason], count })),
    range: job.range && { after: iso(job.range.after), before: iso(job.range.before) },
  }
}

/** A second job over what a running one holds: 409, naming the field and the job. */
export class JobConflict extends Error {
  constructor(
    readonly attr: string,
    detail: string,
  ) {
    super(detail)
  }
}

export const conflictError = (error: JobConflict) => new ApiError(409, { type: 'validation_error', code: 'conflict', detail: error.message, attr: error.attr })

const FilterSchema = z.object({
  status: z.string({ error: 'Not a valid string.' }).max(100).optional(),
  mapping: z.string({ error: 'Not a valid string.' }).max(400).optional(),
  reason: z.string({ error: 'Not a valid string.' }).max(100).optional(),
  after: z.string({ error: 'Not a valid string.' }).max(40).optional(),
  before: z.string({ error: 'Not a valid string.' }).max(40).optional(),
})

export const MAX_REPLAY_IDS = 10_000

const ReplayBodySchema = z.object({
  delivery_ids: z
    .array(z.int({ error: 'Expected delivery ids (integers).' }).positive({ error: 'Expected delivery ids (integers).' }), { error: 'Expected a list of delivery ids.' })
    .min(1, { error: 'Give at least one delivery id.' })
    .max(MAX_REPLAY_IDS, { error: `Give at most ${MAX_REPLAY_IDS} delivery ids.` })
    .optional(),
  filter: FilterSchema.optional(),
})

const BackfillBodySchema = z.object({
  after: z.string({ error: 'This field is required: an ISO 8601 date-time.' }).max(40),
  before: z.string({ error: 'This field is required: an ISO 8601 date-time.' }).max(40),
})

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {})
  if (result.success) return result.data
  const issue = result.error.issues[0]
  throw new ConfigError(issue.path.map(String).join('.') || 'body', issue.message)
}

export type ReplayRequest = z.infer<typeof ReplayBodySchema>

function created(result: JobCreation, attr: string, what: string): Job {
  if ('job' in result) return result.job
  if ('invalid' in result) {
    const detail =
      result.tooMany !== undefined
        ? `The filter matches more than ${result.tooMany.toLocaleString('en-US')} deliveries; narrow the filter (mapping, reason, time) or replay in parts.`
        : result.invalid === 'filter'
          ? 'The filter matches no failed delivery of this destination.'
          : `Every id must be one of this destination's failed or given-up deliveries (not replayed yet).`
    throw new ConfigError(result.invalid, detail)
  }
  const { count, jobId } = result.conflict
  throw new JobConflict(attr, what === 'replay' ? `${count} of these deliveries are already being replayed by job ${jobId}` : `A backfill of this destination is running: job ${jobId}`)
}

/**
 * Starts replays and backfills of one destination: checks what is asked, and stores the job for the
 * pipeline (its thread runs it). Used by the REST routes and the CLI alike.
 */
export class JobsService {
  constructor(
    private readonly store: Store,
    private readonly now: () => number = Date.now,
  ) {}

  replay(projectId: number, functionId: string, body: unknown, actor: Actor): Job {
    const request = parseBody(ReplayBodySchema, body)
    if ((request.delivery_ids === undefined) === (request.filter === undefined)) throw new ConfigError('delivery_ids', 'Give exactly one of delivery_ids and filter.')
    const nowMs = this.now()
    const choice = request.delivery_ids ? { deliveryIds: request.delivery_ids } : { filter: parseFailedFilter(request.filter ?? {}, nowMs, 'filter.'), atMost: MAX_REPLAY_IDS }
    const job = { project_id: projectId, function_id: functionId, created_by: actor, created_at: nowMs }
    return created(this.store.jobs.createReplay(job, choice), 'delivery_ids', 'replay')
  }

  backfill(projectId: number, functionId: string, body: unknown, actor: Actor): Job {
    const request = parseBody(BackfillBodySchema, body)
    const nowMs = this.now()
    const after = instantMs('after', 'after', request.after, nowMs)
    const before = instantMs('before', 'before', request.before, nowMs)
    if (after >= before) throw new ConfigError('before', 'before must come after after.')
    if (before - after > PINTEREST_WINDOW_MS) throw new ConfigError('before', "The range may span at most 7 days (Pinterest's window).")
    if (after < nowMs - PINTEREST_WINDOW_MS) throw new ConfigError('after', "after must be within Pinterest's 7-day window: Pinterest takes no older events.")
    const job = { project_id: projectId, function_id: functionId, created_by: actor, created_at: nowMs }
    return created(this.store.jobs.createBackfill(job, { after, before }), 'after', 'backfill')
  }
}
