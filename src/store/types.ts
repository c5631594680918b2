/**
 * Storage interfaces of the pipelines server. The SQLite adapter (src/store/sqlite/) implements
 * them; SQL stays there, so that another database can follow behind the same interfaces.
 */
import type { DeliveryReason, FailureReason } from '../delivery/failure-reasons'
import type { CapturedEvent } from '../mapping/captured-event'

export interface Project {
  id: number
  name: string
  /** The public token capture requests carry (`api_key` / `token`). */
  api_token: string
  created_at: string
  /** PostHog's setting: capture keeps no `$ip` in the project's events (neither the client's address nor a sent one). */
  anonymize_ips: boolean
}

/** The project settings that can be changed through the API. */
export type ProjectChanges = Partial<Pick<Project, 'name' | 'anonymize_ips'>>

/**
 * Rows deleted per prune call: short write transactions, so capture never waits long for the lock.
 * Callers repeat until a call deletes fewer.
 */
export const PRUNE_CHUNK = 5000

export type Scope = 'hog_function:read' | 'hog_function:write' | 'project:read' | 'project:write'
export const SCOPES: readonly Scope[] = ['hog_function:read', 'hog_function:write', 'project:read', 'project:write']

export interface ApiKey {
  id: string
  project_id: number
  label: string
  scopes: Scope[]
  created_at: string
  /** When a request last used it (recorded at most once a minute), or null. */
  last_used_at: string | null
}

/** A hog function as stored: secret input values live apart from the others and are never returned. */
export interface StoredFunction {
  id: string
  project_id: number
  type: 'destination'
  name: string
  description: string
  enabled: boolean
  deleted: boolean
  template_id: string
  inputs: Record<string, { value: unknown }>
  secrets: Record<string, string>
  /** `null` only in rows saved before mappings were stored explicitly (fillMissingMappings). */
  mappings: unknown[] | null
  filters: unknown
  created_at: string
  updated_at: string
  /**
   * Counts the saves that changed the destination's credentials (CREDENTIAL_INPUTS): a hold recorded for
   * one version is lifted by the next. Kept by the store, never written by its callers.
   */
  credentials_version: number
}

/** What callers give the store to insert or update a function: the store keeps the times and the credentials version. */
export type FunctionWrite = Omit<StoredFunction, 'created_at' | 'updated_at' | 'credentials_version'>

/** The inputs that say where a destination sends and with what: saving a change to one lifts its hold. */
export const CREDENTIAL_INPUTS = ['ad_account_id', 'conversion_token'] as const

/** Who made a change: a personal API key (by its label when the change was made), or the CLI (key_id null). */
export interface Actor {
  key_id: string | null
  label: string
}

/** The fields of a function that a version keeps; `secrets` in clear here, sealed at rest. */
export type FunctionState = Pick<StoredFunction, 'name' | 'description' | 'enabled' | 'deleted' | 'inputs' | 'secrets' | 'mappings' | 'filters'>

/** What the secret inputs show in place of a value, in versions as in GET. */
export const SECRET_SHOWN = { secret: true } as const

/**
 * One field that changed between two versions, in PostHog's activity log shape. A secret input shows
 * SECRET_SHOWN (or null when absent) on both sides: that it changed, never its value.
 */
export interface FunctionChange {
  type: 'HogFunction'
  action: 'created' | 'changed' | 'deleted'
  /** `name`, `description`, `enabled`, `deleted`, `inputs.<key>`, `mappings.<mapping name>`, `mappings` (all, or their order), `filters`. */
  field: string
  before: unknown
  after: unknown
}

/** What a version did: created the function, changed it, or soft-deleted it (an undelete is `updated`). */
export type VersionActivity = 'created' | 'updated' | 'deleted'

/** A saved version of a function: its state after the change, who made it, and what changed. */
export interface FunctionVersion {
  id: string
  function_id: string
  project_id: number
  /** 1, 2, 3, ... per function, in order. */
  version: number
  /** The function's name in this version. */
  name: string
  activity: VersionActivity
  actor: Actor
  changes: FunctionChange[]
  /** The version this one restored, when it was made by a revert. */
  reverted_from: { id: string; version: number } | null
  created_at: string
}

/** What a change is recorded with: who made it, and the version it restores when it is a revert. */
export interface ChangeContext {
  actor: Actor
  revertedFrom?: { id: string; version: number }
}

/** At most this many versions are kept per function; older ones are deleted as new ones are saved. */
export const MAX_VERSIONS = 500

export interface FunctionQuery {
  type?: string[]
  enabled?: boolean
  search?: string
  limit: number
  offset: number
}

export interface ProjectStore {
  create(name: string, apiToken?: string): Project
  get(id: number): Project | undefined
  byToken(apiToken: string): Project | undefined
  count(): number
  list(): Project[]
  setToken(id: number, apiToken: string): void
  /** Applies the changes; the project as it is now, or undefined when there is no such project. */
  update(id: number, changes: ProjectChanges): Project | undefined
  /** Projects were changed by another process: lookups by token read the database again. */
  forgetCached(): void
}

export interface KeyStore {
  /** Returns the new key in clear once; only its hash is kept. */
  create(projectId: number, scopes: Scope[], label: string, key?: string): { key: string; record: ApiKey }
  find(key: string): ApiKey | undefined
  /** Every key (never the key itself nor its hash), oldest first; one project's with `projectId`. */
  list(projectId?: number): ApiKey[]
  get(id: string): ApiKey | undefined
  /** Deletes the key: from now on no request gets through with it. False when no key has this id. */
  revoke(id: string): boolean
  /** Notes that a request used the key; written at most once a minute per key, not once per request. */
  recordUse(id: string, atMs: number): void
  /** Makes `key` the only key of the project with this label (others with the label are deleted). */
  replaceLabelled(projectId: number, label: string, scopes: Scope[], key: string): void
}

/** A signed-in session of the page, as the server knows it: the key that signed in and the session's CSRF token. */
export interface UiSession {
  key: ApiKey
  csrf_token: string
  expires_at: number
}

/**
 * Sessions of the page, held server side. The session id is returned in clear once, at creation; only its
 * hash is kept, so a copy of the database opens no session.
 */
export interface SessionStore {
  create(keyId: string, nowMs: number): { id: string; session: UiSession }
  /** The session with this id while it has not expired and its key exists; an expired one is deleted. */
  find(id: string, nowMs: number): UiSession | undefined
  /** Ends the session; false when there was none. */
  delete(id: string): boolean
}

export interface FunctionStore {
  list(projectId: number, query: FunctionQuery): { count: number; results: StoredFunction[] }
  get(projectId: number, id: string): StoredFunction | undefined
  /** Saves the function and its first version, in one transaction. */
  insert(fn: FunctionWrite, context: ChangeContext): StoredFunction
  /**
   * Saves the change and, when a field changed, its version, in one transaction; a change of its credentials
   * (CREDENTIAL_INPUTS) also lifts its hold, in the same transaction.
   */
  update(fn: FunctionWrite, context: ChangeContext): StoredFunction
  /** A function's versions, newest first (none for another project's function). */
  versions(projectId: number, functionId: string, page: { limit: number; offset: number }): { count: number; results: FunctionVersion[] }
  /** One version with the state it saved (secrets opened), or undefined. */
  version(projectId: number, functionId: string, versionId: string): (FunctionVersion & { state: FunctionState }) | undefined
  /** Enabled, not deleted functions of every project: what the worker runs. */
  active(): StoredFunction[]
  /**
   * Gives every function stored without mappings (`null`: saved before mappings were stored explicitly,
   * meaning the defaults) these mappings, in one statement; returns how many were changed.
   */
  fillMissingMappings(mappings: unknown[]): number
}

/** An event as capture stored it: PostHog's capture shape, normalised (the rules: mapping/captured-event.ts). */
export type { CapturedEvent }

/**
 * The largest stored event the pipeline maps, serialised: PostHog's capture limit. Capture refuses larger
 * events; one stored before that check is set aside unread.
 */
export const MAX_EVENT_BYTES = 1024 * 1024

/** A stored event as the pipeline reads it: the event, or why it cannot be read. */
export type QueuedEvent = {
  id: number
  project_id: number
  /** Earlier attempts at this event that never finished (the pipeline thread died during them). */
  failures: number
} & ({ event: CapturedEvent } | { event: null; unreadable: string })

export interface BatchLimits {
  /** Events at most. */
  events: number
  /** Payload bytes at most; the first event comes whatever its size. */
  bytes: number
  /** An event larger than this comes unread (`unreadable`). */
  eventBytes: number
}

/**
 * Each project's events are processed in id order behind its own watermark, so that one project's
 * backlog never holds up another's.
 */
export interface EventQueue {
  /** Stores events durably (one transaction); returns once they are committed. */
  append(projectId: number, events: CapturedEvent[]): void
  /**
   * Several projects' events in one transaction: how capture's group commit writes. The payloads are
   * events already serialised (and checked) by each request, so nothing in the transaction can fail on one.
   */
  appendGroups(groups: { projectId: number; payloads: string[] }[]): void
  /** The projects that have unprocessed events, by id. */
  pendingProjects(): number[]
  /**
   * A project's unprocessed events, oldest first, within `limits`. An event with earlier failures
   * comes alone, so that the one which keeps killing the thread can be told from its neighbours.
   */
  pending(projectId: number, limits: BatchLimits): QueuedEvent[]
  /**
   * Takes a project's events for this worker until `release`: false while another worker has them (Postgres;
   * SQLite's one process always gets them). A batch still recorded for the project died with the worker
   * that ran it: each of its unprocessed events gets a failure counted, and the batch is forgotten.
   */
  claim(projectId: number): boolean
  /** Lets other workers take the project's events again. */
  release(projectId: number): void
  /** Records that events `firstId`..`lastId` of a project are being processed, before processing them (under `claim`). */
  begin(projectId: number, firstId: number, lastId: number): void
  /**
   * Every event of the project up to and including `lastId` is processed; its batch in progress is
   * finished. Runs inside the transaction that stores the batch's results. With the batch's `firstId`, it
   * throws (and the transaction stores nothing) when the watermark already passed it: another worker
   * processed these events meanwhile, which only a claim lost with a dropped connection lets happen.
   */
  markProcessedThrough(projectId: number, lastId: number, atMs: number, firstId?: number): void
  countPending(projectId?: number): number
  /** A project's stored events, newest first, optionally of one event name only. */
  recent(projectId: number, query: { limit: number; event?: string }): CapturedEvent[]
  /** Deletes processed events received before `beforeMs`, a chunk per call (repeat until fewer). */
  prune(beforeMs: number): number
}

export interface Person {
  id: string
  properties: Record<string, unknown>
}

export interface StoredPerson extends Person {
  /** The size of its properties, serialised. */
  bytes: number
}

/** What a batch of events changed in a project's persons, written at once. */
export interface PersonChanges {
  /** Persons created or updated, properties serialised. */
  persons: { id: string; properties: string }[]
  /** Distinct ids pointed at a person. */
  links: { distinctId: string; personId: string }[]
  /** Persons merged into another on `$identify`, in order: their distinct ids move to `into`, they go. */
  merged: { from: string; into: string }[]
}

export interface PersonStore {
  find(projectId: number, distinctId: string): StoredPerson | undefined
  /** The persons of several distinct ids in one statement, by distinct id (ids without a person are absent). */
  findMany(projectId: number, distinctIds: readonly string[]): Map<string, StoredPerson>
  /** Writes a batch's changes; runs inside the caller's transaction. */
  write(projectId: number, changes: PersonChanges): void
  /**
   * Deletes, in one transaction, the person of `distinctId` with all of its distinct ids, the stored
   * events of any of those distinct ids (or of `distinctId` alone when no person has it), and the
   * deliveries not yet delivered and the log lines of those events.
   */
  delete(projectId: number, distinctId: string): PersonDeletion
}

/** What deleting a person removed, counted per kind of row. */
export interface PersonDeletion {
  persons: number
  distinctIds: number
  events: number
  deliveries: number
  logs: number
}

/** Where a delivery stands; the names the delivery core uses (src/delivery/outcome.ts). */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'gave_up'

export interface Delivery {
  id: number
  project_id: number
  function_id: string
  mapping: string
  event_uuid: string
  /** Whose event it was, so that its log lines can be found by distinct id (null for rows stored before). */
  distinct_id: string | null
  event_id: string
  /** The Pinterest event, serialised. */
  payload: string
  status: DeliveryStatus
  attempts: number
  next_attempt_at: number
  first_seen_at: number
  last_error: string | null
}

/** Where a previous dueFor call stopped: the next call continues after this row. */
export interface DueCursor {
  next_attempt_at: number
  id: number
}

export interface ClaimRequest {
  /** Deliveries due by then (next_attempt_at up to it). */
  dueBy: number
  /** The clock now: leases that ran out before it are free, and the new one runs until `atMs + leaseMs`. */
  atMs: number
  leaseMs: number
  limit: number
  /** Only rows after this one (where the previous claim of the same round stopped). */
  after?: DueCursor
}

/** Deliveries taken by one worker, oldest due first, and the token its settle is matched on. */
export interface DeliveryClaim {
  token: string
  rows: Delivery[]
}

export interface DeliveryUpdate {
  id: number
  status: DeliveryStatus
  attempts: number
  next_attempt_at: number
  last_error: string | null
}

/** A new delivery: where it came from (the stored event; the job and item that made it, for a replay or backfill). */
export type NewDelivery = Omit<Delivery, 'id' | 'status' | 'attempts' | 'last_error' | 'distinct_id'> & {
  distinct_id?: string | null
  /** The stored event's row (QueuedEvent.id), so that a replay finds it again. */
  event_row_id?: number | null
  job_id?: string | null
  job_item?: number | null
}

/** Which failed and given-up deliveries of a function: the failed list's filters. */
export interface FailedFilter {
  status: ('failed' | 'gave_up')[]
  mapping?: string
  reason?: DeliveryReason
  afterMs?: number
  beforeMs?: number
}

/** A failed or given-up delivery as the failed list shows it, with its stored event when that is still kept. */
export interface FailedDelivery extends Delivery {
  status: 'failed' | 'gave_up'
  reason: DeliveryReason
  updated_at: number
  /** The stored event, trimmed to these fields; null when it is no longer kept. */
  event: { uuid: unknown; event: unknown; distinct_id: unknown; timestamp: unknown } | null
  /** The running replay that holds it, if any. */
  replay_job_id: string | null
}

export interface DeliveryQueue {
  add(deliveries: NewDelivery[]): void
  /** A function's failed and given-up deliveries not replayed since, newest first (updated_at, id). */
  failed(functionId: string, filter: FailedFilter, page: { limit: number; offset: number }): { count: number; results: FailedDelivery[] }
  /** How many of them there are per reason (the filter's reason is not applied). */
  failedReasons(functionId: string, filter: FailedFilter): { reason: DeliveryReason; count: number }[]
  /** The functions that have pending deliveries, due or not. */
  pendingFunctions(): string[]
  /** Up to `limit` pending deliveries of one function that are due, oldest due first, after `cursor` when given; claims nothing. */
  dueFor(functionId: string, nowMs: number, limit: number, cursor?: DueCursor): Delivery[]
  /**
   * Takes a function's due pending deliveries, oldest due first, that no other worker's lease holds, under a
   * new lease. On Postgres the lease is stored (a token and an expiry) and rows other workers are taking are
   * skipped; SQLite's one process needs none, and stores nothing.
   */
  claim(functionId: string, request: ClaimRequest): DeliveryClaim
  /** Keeps a claim's lease until `untilMs`; how many of its rows it still holds. */
  extend(claim: DeliveryClaim, untilMs: number): number
  /** Hands a claim's rows back unsent, for any worker to take at once. */
  release(claim: DeliveryClaim): void
  /** Frees the rows of leases that ran out before `nowMs` (their worker died or stalled); how many. */
  expireLeases(nowMs: number): number
  /** Pending deliveries of one function, due or not. */
  countPending(functionId: string): number
  /**
   * Records the result of an attempt for each delivery, ending its lease. With the claim's `lease`, a row
   * whose lease was lost (another worker has it now) is left as it is: how many were, is returned.
   */
  settle(updates: DeliveryUpdate[], nowMs: number, lease?: string): number
  counts(): Record<DeliveryStatus, number>
  /** Deletes delivered, failed and given-up rows settled before `beforeMs`, a chunk per call (repeat until fewer). */
  prune(beforeMs: number): number
}

/**
 * A destination whose credentials Pinterest refused (401/403): its deliveries stay pending, unsent, until a
 * save changes its credentials. Stored, so a restart keeps it.
 */
export interface DeliveryHold {
  function_id: string
  project_id: number
  /** The function's credentials_version that Pinterest refused. */
  credentials_version: number
  http_status: 401 | 403
  /** Why, as the delivery core words it (the token never in it). */
  reason: string
  held_at: number
}

export interface HoldStore {
  /**
   * Records a hold unless the function's credentials changed since the refused request was sent (its
   * credentials_version is no longer the hold's); true when the hold is in place.
   */
  hold(hold: DeliveryHold): boolean
  get(functionId: string): DeliveryHold | undefined
  /** Every hold, for the pipeline thread when it starts. */
  list(): DeliveryHold[]
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error'

export interface LogEntry {
  project_id: number
  function_id: string
  timestamp: string
  level: LogLevelName
  message: string
  instance_id: string | null
  /** The distinct id of the event the line is about, when it is about one. */
  distinct_id?: string | null
}

export interface LogQuery {
  level?: LogLevelName[]
  /** Text in the message, or exactly an event uuid, or a distinct id (of the same person: any of its ids). */
  search?: string
  after?: string
  before?: string
  limit: number
}

export interface LogStore {
  add(entries: LogEntry[]): void
  list(projectId: number, functionId: string, query: LogQuery): LogEntry[]
  /** Deletes log lines older than `beforeIso`, a chunk per call (repeat until fewer). */
  prune(beforeIso: string): number
}

export interface MetricStore {
  increment(projectId: number, functionId: string, name: string, count: number, atMs: number): void
  /** Hourly counts: [{hour, name, count}] between two ISO instants. */
  series(projectId: number, functionId: string, afterIso: string, beforeIso: string): { hour: string; name: string; count: number }[]
}

/**
 * Match quality counted as events are mapped, per mapping: a row of sent events carrying one set of
 * match keys (`keys`: flags of src/pinterest/match-keys.ts, `skip` empty), or of events skipped for one
 * reason (`skip`: a code of src/pinterest/skip-reasons.ts, `keys` 0).
 */
export interface MatchCount {
  function_id: string
  mapping: string
  keys: number
  skip: string
  count: number
}

export interface QualityStore {
  /** Adds the counts to the hourly bucket of `atMs`; runs inside the caller's transaction. */
  add(projectId: number, counts: MatchCount[], atMs: number): void
  /** Counts summed over the hours between two ISO instants, of one function or (without it) all of the project's. */
  sum(projectId: number, afterIso: string, beforeIso: string, functionId?: string): MatchCount[]
}

export type JobKind = 'replay' | 'backfill'
export type JobStatus = 'running' | 'completed' | 'cancelled'

/** A replay or a backfill of one function, with its progress counted over its items. */
export interface Job {
  id: string
  project_id: number
  function_id: string
  kind: JobKind
  status: JobStatus
  created_by: Actor
  /** Backfill only: events received in [after, before), in ms. */
  range: { after: number; before: number } | null
  created_at: number
  finished_at: number | null
  total: number
  done: number
  failed: number
  failures: { reason: FailureReason; count: number }[]
}

/** What a job is created with; the store adds the id, the items and the counts. */
export interface NewJob {
  project_id: number
  function_id: string
  created_by: Actor
  created_at: number
}

/** One item of a running job for the pipeline: the replayed delivery (replay) or the event (backfill). */
export interface JobWork {
  /** The delivery id (replay) or the event row id (backfill). */
  item: number
  /** Replay: the mapping that made the replayed delivery. */
  mapping: string | null
  /** The stored event's row. */
  event_row_id: number | null
  /** The stored event, or null when it is no longer kept (or cannot be read). */
  event: CapturedEvent | null
}

/** What a job's step decided for one item: refused, done (nothing to send), or sent as these deliveries. */
export type JobItemResult = { item: number; state: 'failed'; reason: FailureReason } | { item: number; state: 'done' } | { item: number; state: 'sent'; deliveries: NewDelivery[] }

/** The deliveries a replay takes: these ids, or what the filter matches when that is at most `atMost`. */
export type ReplayChoice = { deliveryIds: number[] } | { filter: FailedFilter; atMost: number }

/** `tooMany`: the filter matches more than `atMost` deliveries. */
export type JobCreation = { job: Job } | { conflict: { count: number; jobId: string } } | { invalid: string; tooMany?: number }

export interface JobStore {
  /**
   * A replay of the chosen failed deliveries of the function, in one transaction; refused when one of them
   * belongs to a running replay (`conflict`), or when an id is not one of them / the filter matches none or too many (`invalid`).
   */
  createReplay(job: NewJob, choice: ReplayChoice): JobCreation
  /** A backfill of the project's processed events received in the range; `conflict` while another backfill of the function runs. */
  createBackfill(job: NewJob, range: { after: number; before: number }): JobCreation
  get(projectId: number, functionId: string, jobId: string): Job | undefined
  /** The function's jobs, newest first. */
  list(projectId: number, functionId: string, limit: number): Job[]
  /** Cancels a running job (its items not yet sent stay unsent); the job as it is now, or undefined when there is none. */
  cancel(projectId: number, functionId: string, jobId: string, nowMs: number): Job | undefined
  /** Jobs the pipeline still has work on: running ones, and cancelled ones with deliveries in flight. */
  unsettled(): Job[]
  /** How many of the job's items wait for their deliveries, counted up to `atMost`. */
  inFlight(job: Job, atMost: number): number
  /** A running job's next items to map, at most `limit`. */
  work(job: Job, limit: number): JobWork[]
  /** Stores a step's results (items and their new deliveries), in one transaction. */
  record(job: Job, results: JobItemResult[]): void
  /**
   * Settles the sent items whose deliveries all ended (done, or failed with their reason), marks the
   * deliveries whose replay was delivered, and completes the job once nothing is left. Returns the job now.
   */
  settle(job: Job, nowMs: number): Job
  /** Deletes finished jobs (and their items) finished before `beforeMs`. */
  prune(beforeMs: number): number
}

/** The conditions a destination's alerts watch (src/server/alerts/conditions.ts decides them). */
export const ALERT_KINDS = ['failure_share', 'no_deliveries', 'degraded'] as const
export type AlertKind = (typeof ALERT_KINDS)[number]

/** A destination's alert settings; `webhook_url` in clear here, sealed at rest (a secret: never shown). */
export interface AlertSettings {
  function_id: string
  project_id: number
  enabled: boolean
  webhook_url: string | null
  failure_share: { enabled: boolean; percent: number }
  no_deliveries: { enabled: boolean; minutes: number }
  degraded: { enabled: boolean }
  updated_at: string
}

/** What an alert message says of its condition, when it opened or cleared. */
export type AlertFigures =
  | { kind: 'failure_share'; failed: number; total: number; percent: number; threshold: number }
  | { kind: 'no_deliveries'; waiting: number; quiet_minutes: number; threshold: number }
  | { kind: 'degraded'; held: number; reason: string | null }

/**
 * One episode of a condition: opened when it started holding, cleared when it stopped. Each of its two
 * messages is due until it was sent (`notified_at`, `cleared_notified_at`); a silenced episode (its
 * condition or the alerts switched off) sends nothing more. Times are epoch milliseconds.
 */
export interface AlertEpisode {
  id: number
  function_id: string
  project_id: number
  kind: AlertKind
  opened_at: number
  opened_figures: AlertFigures
  cleared_at: number | null
  cleared_figures: AlertFigures | null
  notified_at: number | null
  cleared_notified_at: number | null
  silenced: boolean
}

/** What the alerts read of a function's deliveries (cheap index lookups, evaluated every few seconds). */
/** Counts of waiting deliveries read every alert round stop above this: a larger backlog is "more than 100,000". */
export const PENDING_COUNT_CAP = 100_000

export interface DeliveryFacts {
  /** Deliveries waiting to be sent (at most PENDING_COUNT_CAP + 1: more are not counted), and when the oldest of them was queued. */
  pending: number
  oldestPendingAt: number | null
  /** When a delivery of the function last reached Pinterest, while delivered rows are kept. */
  lastDeliveredAt: number | null
}

export interface AlertStore {
  settings(functionId: string): AlertSettings | undefined
  /**
   * Saves the settings; the open episodes of conditions switched off (all of them when the alerts are) are
   * silenced in the same transaction: switching a condition off ends its episode without a message.
   */
  save(settings: Omit<AlertSettings, 'updated_at'>, atMs: number): AlertSettings
  /** Settings of every function whose alerts are on and have a webhook, for the monitor. */
  active(): AlertSettings[]
  /** A function's episodes, newest first. */
  episodes(functionId: string, limit: number): AlertEpisode[]
  /** The function's episodes not cleared yet (at most one per condition). */
  openEpisodes(functionId: string): AlertEpisode[]
  /** Opens an episode of `kind` unless one is open; returns the open one either way. */
  open(functionId: string, projectId: number, kind: AlertKind, figures: AlertFigures, atMs: number): AlertEpisode
  clear(episodeId: number, figures: AlertFigures, atMs: number): void
  /** Episodes with a message due (not silenced), oldest first: an opening not sent, or a clearing not sent after its opening was. */
  due(functionId: string): AlertEpisode[]
  markNotified(episodeId: number, message: 'opened' | 'cleared', atMs: number): void
  deliveryFacts(functionId: string): DeliveryFacts
}

export interface Store {
  projects: ProjectStore
  keys: KeyStore
  sessions: SessionStore
  functions: FunctionStore
  persons: PersonStore
  events: EventQueue
  deliveries: DeliveryQueue
  holds: HoldStore
  logs: LogStore
  metrics: MetricStore
  quality: QualityStore
  jobs: JobStore
  alerts: AlertStore
  /** Runs `fn` in one transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T
  close(): void
}
