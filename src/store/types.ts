/**
 * Storage interfaces of the pipelines server. The SQLite adapter (src/store/sqlite/) implements
 * them; SQL stays there, so that another database can follow behind the same interfaces.
 */

export interface Project {
  id: number
  name: string
  /** The public token capture requests carry (`api_key` / `token`). */
  api_token: string
  created_at: string
}

/**
 * Rows deleted per prune call: short write transactions, so capture never waits long for the lock.
 * Callers repeat until a call deletes fewer.
 */
export const PRUNE_CHUNK = 5000

export type Scope = 'hog_function:read' | 'hog_function:write'
export const SCOPES: readonly Scope[] = ['hog_function:read', 'hog_function:write']

export interface ApiKey {
  id: string
  project_id: number
  label: string
  scopes: Scope[]
  created_at: string
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
  mappings: unknown[] | null
  filters: unknown
  created_at: string
  updated_at: string
}

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
  setToken(id: number, apiToken: string): void
}

export interface KeyStore {
  /** Returns the new key in clear once; only its hash is kept. */
  create(projectId: number, scopes: Scope[], label: string, key?: string): { key: string; record: ApiKey }
  find(key: string): ApiKey | undefined
  /** Makes `key` the only key of the project with this label (others with the label are deleted). */
  replaceLabelled(projectId: number, label: string, scopes: Scope[], key: string): void
}

export interface FunctionStore {
  list(projectId: number, query: FunctionQuery): { count: number; results: StoredFunction[] }
  get(projectId: number, id: string): StoredFunction | undefined
  insert(fn: Omit<StoredFunction, 'created_at' | 'updated_at'>): StoredFunction
  update(fn: Omit<StoredFunction, 'created_at' | 'updated_at'>): StoredFunction
  /** Enabled, not deleted functions of every project: what the worker runs. */
  active(): StoredFunction[]
}

/** An event as capture stored it: PostHog's capture shape, normalised. */
export interface CapturedEvent {
  uuid: string
  event: string
  distinct_id: string
  properties: Record<string, unknown>
  timestamp: string
}

export interface QueuedEvent {
  id: number
  project_id: number
  event: CapturedEvent
}

export interface EventQueue {
  /** Stores events durably (one transaction); returns once they are committed. */
  append(projectId: number, events: CapturedEvent[]): void
  /**
   * Several projects' events in one transaction: how capture's group commit writes. The payloads are
   * events already serialised (and checked) by each request, so nothing in the transaction can fail on one.
   */
  appendGroups(groups: { projectId: number; payloads: string[] }[]): void
  /** Unprocessed events, oldest first. */
  pending(limit: number): QueuedEvent[]
  /** Every event up to and including `lastId` is processed (events are processed in id order). */
  markProcessedThrough(lastId: number, atMs: number): void
  countPending(): number
  /** Deletes processed events received before `beforeMs`, a chunk per call (repeat until fewer). */
  prune(beforeMs: number): number
}

export interface Person {
  id: string
  properties: Record<string, unknown>
}

export interface PersonStore {
  /**
   * Applies an event's `$set`, `$set_once` and `$identify` to the person of its distinct id; returns the
   * person as written, or undefined when the event changes no person.
   */
  apply(projectId: number, event: CapturedEvent): Person | undefined
  find(projectId: number, distinctId: string): Person | undefined
}

export type DeliveryStatus = 'pending' | 'delivered' | 'failed' | 'dead'

export interface Delivery {
  id: number
  project_id: number
  function_id: string
  mapping: string
  event_uuid: string
  event_id: string
  /** The Pinterest event, serialised. */
  payload: string
  status: DeliveryStatus
  attempts: number
  next_attempt_at: number
  first_seen_at: number
  last_error: string | null
}

export interface DeliveryQueue {
  add(deliveries: Omit<Delivery, 'id' | 'status' | 'attempts' | 'last_error'>[]): void
  /** Pending deliveries whose next attempt is due, oldest first. */
  due(nowMs: number, limit: number): Delivery[]
  /** Records the result of an attempt for each delivery. */
  settle(updates: { id: number; status: DeliveryStatus; attempts: number; next_attempt_at: number; last_error: string | null }[], nowMs: number): void
  counts(): Record<DeliveryStatus, number>
  /** Deletes delivered rows settled before `beforeMs`, a chunk per call (repeat until fewer). */
  prune(beforeMs: number): number
}

export type LogLevelName = 'debug' | 'info' | 'warn' | 'error'

export interface LogEntry {
  project_id: number
  function_id: string
  timestamp: string
  level: LogLevelName
  message: string
  instance_id: string | null
}

export interface LogQuery {
  level?: LogLevelName[]
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

export interface Store {
  projects: ProjectStore
  keys: KeyStore
  functions: FunctionStore
  persons: PersonStore
  events: EventQueue
  deliveries: DeliveryQueue
  logs: LogStore
  metrics: MetricStore
  /** Runs `fn` in one transaction: all of its writes land, or none. */
  transaction<T>(fn: () => T): T
  close(): void
}
