/** The Deliveries tab's data: failed deliveries, replay and backfill jobs, as the REST API gives them. */
import { ApiError } from './api'
import { DAY_MS } from './periods'

export type DeliveryStatus = 'failed' | 'gave_up'

/** The stored PostHog event of a delivery, trimmed to what the tab shows. */
export interface StoredEvent {
  uuid: string
  event: string
  distinct_id: string | null
  timestamp: string
}

/** One failed or given-up delivery of `GET hog_functions/:id/deliveries/`. */
export interface Delivery {
  id: number
  status: DeliveryStatus
  reason: string
  last_error: string | null
  attempts: number
  mapping: string | null
  event_id: string
  event_name: string | null
  event_uuid: string | null
  distinct_id: string | null
  first_seen_at: string
  updated_at: string
  event: StoredEvent | null
  payload: unknown
  replayable: boolean
  not_replayable_reason: string | null
  replay_job_id: string | null
}

export interface ReasonCount {
  reason: string
  label: string
  count: number
}

export interface DeliveryPage {
  count: number
  next: string | null
  results: Delivery[]
  reasons: ReasonCount[]
}

/** A replay or backfill job of `GET hog_functions/:id/jobs/`. */
export interface Job {
  id: string
  kind: 'replay' | 'backfill'
  status: 'running' | 'completed' | 'cancelled'
  created_at: string
  finished_at: string | null
  created_by: { key_id: string | null; label: string }
  total: number
  done: number
  failed: number
  left: number
  failures: ReasonCount[]
  range: { after: string; before: string } | null
}

export const STATUS_CHOICES = [
  { id: 'both', label: 'Failed and given up' },
  { id: 'failed', label: 'Failed' },
  { id: 'gave_up', label: 'Given up' },
] as const
export type StatusChoice = (typeof STATUS_CHOICES)[number]['id']

/** What the reader chose; empty strings mean "any". */
export interface DeliveryChoice {
  status: StatusChoice
  mapping: string
  reason: string
  after?: string
  before?: string
}

/** The API's filter (the list's query, and a "replay all matching" body): only what narrows the list. */
export type DeliveryFilter = Partial<Record<'status' | 'mapping' | 'reason' | 'after' | 'before', string>>

export function deliveryFilter(choice: DeliveryChoice): DeliveryFilter {
  const filter: DeliveryFilter = {}
  if (choice.status !== 'both') filter.status = choice.status
  if (choice.mapping) filter.mapping = choice.mapping
  if (choice.reason) filter.reason = choice.reason
  if (choice.after) filter.after = choice.after
  if (choice.before) filter.before = choice.before
  return filter
}

/** The query string of one page of the list: `status=failed&mapping=Checkout&limit=50&offset=0`. */
export function deliveriesQuery(filter: DeliveryFilter, limit: number, offset: number): string {
  const params = new URLSearchParams(Object.entries(filter))
  params.set('limit', String(limit))
  params.set('offset', String(offset))
  return params.toString()
}

/** A reason's label as the answer's `reasons` give it; the code itself for one it does not list. */
export const reasonLabel = (reason: string, reasons: ReasonCount[]): string => reasons.find((r) => r.reason === reason)?.label ?? reason

/** Rows loaded so far and the next page, without a row twice (a page can shift while failures arrive). */
export function appendRows(rows: Delivery[], page: Delivery[]): Delivery[] {
  const known = new Set(rows.map((row) => row.id))
  return [...rows, ...page.filter((row) => !known.has(row.id))]
}

/** The rows of a page that can be chosen for a replay. */
export const selectableIds = (rows: Delivery[]): number[] => rows.filter((row) => row.replayable).map((row) => row.id)

/** The selection after "select all on this page" is ticked (`on`) or cleared: only that page's replayable rows change. */
export function selectPage(selected: ReadonlySet<number>, rows: Delivery[], on: boolean): Set<number> {
  const next = new Set(selected)
  for (const id of selectableIds(rows)) {
    if (on) next.add(id)
    else next.delete(id)
  }
  return next
}

/** The "select all on this page" box: ticked when every replayable row is, mixed when some are. */
export function pageSelection(selected: ReadonlySet<number>, rows: Delivery[]): 'all' | 'some' | 'none' {
  const ids = selectableIds(rows)
  const chosen = ids.filter((id) => selected.has(id)).length
  if (chosen === 0) return 'none'
  return chosen === ids.length ? 'all' : 'some'
}

const plural = (n: number, one: string, many: string) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`

/** "Replay selected (3)". */
export const replaySelectedLabel = (count: number): string => `Replay selected (${count.toLocaleString('en-US')})`
/** "Replay all 12 matching". */
export const replayAllLabel = (count: number): string => `Replay all ${count.toLocaleString('en-US')} matching`

const REPLAY_EFFECT = "Each is mapped again with this destination's current configuration and sent to Pinterest with its own event_id."
export const confirmSelectedText = (count: number): string => `Replay ${plural(count, 'delivery', 'deliveries')}? ${REPLAY_EFFECT}`
export const confirmAllText = (count: number): string => `Replay all ${plural(count, 'delivery', 'deliveries')} that match the filters? ${REPLAY_EFFECT}`

/** What a refused replay or backfill says next to its button: a conflict says what to do about it. */
export function startProblem(error: unknown): string {
  if (error instanceof ApiError && error.status === 409) return `${error.message.replace(/\.$/, '')}. Wait for that job to finish, or cancel it.`
  return error instanceof Error ? error.message : String(error)
}

/** What the tab says once a job is started: "Replay started for 3 deliveries.", "Backfill started for 1 stored event.". */
export const startedText = (job: Job): string =>
  job.kind === 'replay' ? `Replay started for ${plural(job.total, 'delivery', 'deliveries')}.` : `Backfill started for ${plural(job.total, 'stored event', 'stored events')}.`

/** "80 done · 5 failed · 15 left of 100". */
export const progressText = (job: Job): string =>
  `${job.done.toLocaleString('en-US')} done · ${job.failed.toLocaleString('en-US')} failed · ${job.left.toLocaleString('en-US')} left of ${job.total.toLocaleString('en-US')}`

/** The progress bar's value and maximum: items finished either way, of all; an empty job is full. */
export const progressOf = (job: Job): { value: number; max: number } => (job.total === 0 ? { value: 1, max: 1 } : { value: job.done + job.failed, max: job.total })

export const JOB_KINDS: Record<Job['kind'], string> = { replay: 'Replay', backfill: 'Backfill' }
export const JOB_STATUSES: Record<Job['status'], string> = { running: 'Running', completed: 'Completed', cancelled: 'Cancelled' }

export const isRunning = (job: Job): boolean => job.status === 'running'

/** The jobs with `job` in its place (polled again or just started), newest first. */
export function withJob(jobs: Job[], job: Job): Job[] {
  const others = jobs.filter((j) => j.id !== job.id)
  return [job, ...others].sort((a, b) => b.created_at.localeCompare(a.created_at))
}

/** The jobs that ran in `before` and no longer run in `after`: the list then changes. */
export function finishedJobs(before: Job[], after: Job[]): string[] {
  const running = new Set(before.filter(isRunning).map((j) => j.id))
  return after.filter((j) => running.has(j.id) && !isRunning(j)).map((j) => j.id)
}

/** How far back Pinterest takes events, and so a backfill. */
export const BACKFILL_MAX_MS = 7 * DAY_MS

export type BackfillField = 'after' | 'before'
export type BackfillBody = { after: string; before: string } | { field: BackfillField; error: string }

/**
 * The backfill's body from the form's From and To (datetime-local values, in the browser's time zone). Only
 * what the page can read is checked here; the range's limits are the server's, which names the field.
 */
export function backfillBody(from: string, to: string): BackfillBody {
  const after = from ? Date.parse(from) : Number.NaN
  const before = to ? Date.parse(to) : Number.NaN
  if (!from) return { field: 'after', error: 'Enter the start of the range.' }
  if (Number.isNaN(after)) return { field: 'after', error: 'From is not a date and time.' }
  if (!to) return { field: 'before', error: 'Enter the end of the range.' }
  if (Number.isNaN(before)) return { field: 'before', error: 'To is not a date and time.' }
  return { after: new Date(after).toISOString(), before: new Date(before).toISOString() }
}

/** A server problem's field on the backfill form, or null for one that belongs to the form as a whole. */
export const backfillFieldOf = (attr: string | null): BackfillField | null => (attr === 'after' || attr === 'before' ? attr : null)

/** A datetime-local value (minutes, the browser's time zone) of an instant. */
export function localMinute(ms: number): string {
  const d = new Date(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`
}

/** The payload as the details show it: indented JSON text. */
export const payloadText = (payload: unknown): string => JSON.stringify(payload ?? null, null, 2)
