import type { InvocationGlobals } from '../../mapping/globals'
import { runFunction } from '../../mapping/invoke'
import type { Delivery, LogEntry, Person, QueuedEvent, Store } from '../../store/types'
import type { FunctionRegistry, RunningFunction } from './function-registry'
import { countMetrics } from './metric-counts'

type NewDelivery = Omit<Delivery, 'id' | 'status' | 'attempts' | 'last_error'>

interface Outcomes {
  deliveries: NewDelivery[]
  logs: LogEntry[]
  metrics: { projectId: number; functionId: string; name: string }[]
}

/**
 * Turns stored events into stored deliveries: persons first, then every enabled function of the
 * project. Mapping runs outside any transaction (the capture thread must never wait on it); the
 * deliveries and the "processed" marks are written in one transaction, so an event is either fully
 * turned into deliveries or still queued. Applying persons again after a crash is harmless.
 */
export class EventProcessor {
  constructor(
    private readonly store: Store,
    private readonly registry: FunctionRegistry,
    private readonly batchSize = 500,
  ) {}

  /** Processes one batch; returns how many events it took. */
  runOnce(nowMs = Date.now()): number {
    const events = this.store.events.pending(this.batchSize)
    if (events.length === 0) return 0
    const functions = this.registry.refresh()
    const persons = this.store.transaction(() => events.map((queued) => this.applyPerson(queued)))
    const outcomes: Outcomes = { deliveries: [], logs: [], metrics: [] }
    const projectNames = new Map<number, string>()
    const projectName = (id: number) => {
      if (!projectNames.has(id)) projectNames.set(id, this.store.projects.get(id)?.name ?? '')
      return projectNames.get(id) as string
    }
    events.forEach((queued, i) => this.process(queued, persons[i], projectName(queued.project_id), functions.get(queued.project_id) ?? [], nowMs, outcomes))
    this.store.transaction(() => {
      this.store.deliveries.add(outcomes.deliveries)
      this.store.logs.add(outcomes.logs)
      for (const m of countMetrics(outcomes.metrics)) this.store.metrics.increment(m.projectId, m.functionId, m.name, m.count, nowMs)
      this.store.events.markProcessedThrough(events[events.length - 1].id, nowMs)
    })
    return events.length
  }

  /** Applies the event to its person and returns the person as this event sees it. */
  private applyPerson(queued: QueuedEvent): Person | undefined {
    return this.store.persons.apply(queued.project_id, queued.event) ?? this.store.persons.find(queued.project_id, queued.event.distinct_id)
  }

  private process(queued: QueuedEvent, person: Person | undefined, projectName: string, functions: RunningFunction[], nowMs: number, out: Outcomes): void {
    const { project_id: projectId, event } = queued
    if (functions.length === 0) return
    // Built once for all functions: stored events were checked at capture.
    const globals: InvocationGlobals = {
      event: { ...event, elements_chain: '', url: '' },
      person: person ? { id: person.id, properties: person.properties } : null,
      groups: {},
      project: { id: projectId, name: projectName, url: '' },
    }
    for (const fn of functions) {
      const functionId = fn.stored.id
      const results = runFunction(fn.compiled, globals, nowMs)
      if (results.length === 0) out.metrics.push({ projectId, functionId, name: 'filtered' })
      for (const result of results) {
        if (result.status === 'event') {
          out.deliveries.push({
            project_id: projectId,
            function_id: functionId,
            mapping: result.mapping,
            event_uuid: event.uuid,
            event_id: result.event.event_id,
            payload: JSON.stringify(result.event),
            next_attempt_at: nowMs,
            first_seen_at: nowMs,
          })
          continue
        }
        const level = result.status === 'skipped' ? 'info' : 'error'
        const message = `${result.mapping ?? 'event'} ${result.status === 'skipped' ? 'skipped' : 'failed'} for event ${event.uuid}: ${result.reason}`
        out.logs.push({ project_id: projectId, function_id: functionId, timestamp: new Date(nowMs).toISOString(), level, message, instance_id: event.uuid })
        out.metrics.push({ projectId, functionId, name: result.status === 'skipped' ? 'skipped' : 'failed' })
      }
    }
  }
}
