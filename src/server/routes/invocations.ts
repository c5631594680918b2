import type { FastifyInstance } from 'fastify'
import { ConfigError } from '../../errors'
import { isRecord } from '../../json'
import { type CompiledFunction, compileFunctionSync, isDisabled, mappingName } from '../../mapping/compile-function'
import { readCapturedEvent } from '../../mapping/captured-event'
import { eventGlobals, toInvocationGlobals } from '../../mapping/globals'
import { invokeFunction } from '../../mapping/invoke'
import { DEFAULT_API_URL, eventsUrl, postEvents, REDACTED_HEADERS, serialiseEvent } from '../../pinterest/client'
import type { PinterestEvent } from '../../pinterest/schema'
import type { Store } from '../../store/types'
import { parseFunctionConfig } from '../../template/function-config'
import type { FunctionConfig } from '../../template/function-config-schema'
import { authorizedProject } from '../auth'
import { asApiError, notFound, validationError } from '../errors'
import { parseAhead } from '../functions-service'
import { PersonBatch } from '../pipeline/person-batch'
import { functionParams, objectBody, PROJECT_PREFIXES } from '../route-schemas'
import { storedConfig } from '../stored-config'

interface InvocationBody {
  configuration?: Record<string, unknown>
  globals?: unknown
  event?: unknown
  clickhouse_event?: unknown
  mock_async_functions?: boolean
}

/** A mapping that did not take the event: its filters (or the destination's) left it out, or it is switched off. */
type NotTaken = { mapping: string; status: 'filtered' | 'disabled'; reason: string }

/**
 * Test runs: an event through a saved (or a new) function, answering with the exact Pinterest payloads,
 * and for every mapping why it built none (skipped, filtered or switched off). Nothing is sent unless
 * `mock_async_functions` is false, and then with Pinterest's test flag.
 */
export function registerInvocationRoutes(app: FastifyInstance, store: Store, apiUrl = DEFAULT_API_URL): void {
  for (const prefix of PROJECT_PREFIXES) {
    app.post(`${prefix}/hog_functions/:id/invocations`, { schema: { params: functionParams, body: objectBody } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'hog_function:write')
      const body = (isRecord(request.body) ? request.body : {}) as InvocationBody
      const { config, fn } = await compile(store, projectId, (request.params as { id: string }).id, body.configuration)
      const given = body.globals ?? body.event ?? body.clickhouse_event
      if (given === undefined) throw validationError(new ConfigError('globals', 'give the event to run as `globals` (invocation globals) or `event` (capture shape)'))
      const nowMs = Date.now()
      const input = withStoredPerson(store, projectId, given, nowMs)
      const taken = invokeFunction(fn, input, { nowMs })
      const notTaken = taken.some((r) => r.mapping === null) ? [] : [...filteredMappings(fn, input, nowMs), ...disabledMappings(config)]
      const events = taken.flatMap((r) => (r.status === 'event' ? [r.event] : []))
      const logs = taken.map((r) => ({
        level: r.status === 'error' ? 'error' : 'info',
        message: r.status === 'event' ? `${r.mapping}: Pinterest event ${r.event.event_name} built` : `${r.mapping ?? 'event'}: ${r.status}: ${r.reason}`,
      }))
      if (taken.length === 0) logs.push({ level: 'info', message: 'no mapping matched this event' })
      const target = { ...fn.settings, testMode: true }
      const requestShown = events.length === 0 ? null : { method: 'POST', url: eventsUrl(apiUrl, target), headers: REDACTED_HEADERS, body: { data: events } }
      const response = body.mock_async_functions === false && events.length > 0 ? await send(events, target, apiUrl) : undefined
      const status = taken.some((r) => r.status === 'error') ? 'error' : events.length > 0 ? 'success' : 'skipped'
      const results = [...taken, ...notTaken]
      return { status, logs, errors: taken.flatMap((r) => (r.status === 'error' ? [r.reason] : [])), result: { request: requestShown, results, ...(response ? { response } : {}) } }
    })
  }
}

/**
 * A captured event (capture shape) runs with its person as the pipeline would see it: the project's
 * stored person of its distinct id, changed by the event's own `$set`s (nothing is written). Globals,
 * which carry their own person, run as given.
 */
function withStoredPerson(store: Store, projectId: number, input: unknown, nowMs: number): unknown {
  if (!isRecord(input) || typeof input.event !== 'string') return input
  const read = readCapturedEvent(input, nowMs)
  // invokeFunction names what makes it no event.
  if ('reason' in read) return input
  const { person } = new PersonBatch((distinctId) => store.persons.find(projectId, distinctId)).apply(read.event)
  return eventGlobals(read.event, person, { id: projectId, name: store.projects.get(projectId)?.name ?? '' })
}

async function compile(store: Store, projectId: number, id: string, configuration: Record<string, unknown> | undefined): Promise<{ config: FunctionConfig; fn: CompiledFunction }> {
  let raw: Record<string, unknown>
  // A test run goes through a disabled function too, and through a draft that pauses it.
  if (id === 'new') {
    if (!configuration) throw validationError(new ConfigError('configuration', 'This field is required.'))
    raw = { ...configuration, enabled: true }
  } else {
    const stored = store.functions.get(projectId, id)
    if (!stored || stored.deleted) throw notFound()
    raw = storedConfig(stored, { ...configuration, enabled: true })
  }
  const config = asApiError(() => parseFunctionConfig(raw))
  await parseAhead(config)
  return { config, fn: asApiError(() => compileFunctionSync(config)) }
}

/**
 * The running mappings whose filters leave the event out. A filter that fails is not one of them:
 * runFunction reports it as the event's error.
 */
function filteredMappings(fn: CompiledFunction, input: unknown, nowMs: number): NotTaken[] {
  try {
    const parsed = toInvocationGlobals(input, nowMs)
    if (!parsed.ok) return []
    const { globals } = parsed
    if (!fn.matches(globals)) return fn.mappings.map((m) => ({ mapping: m.name, status: 'filtered', reason: "the destination's filters leave this event out" }))
    return fn.mappings.filter((m) => !m.matches(globals)).map((m) => ({ mapping: m.name, status: 'filtered', reason: `its filters do not take this "${globals.event.event}" event` }))
  } catch {
    return []
  }
}

function disabledMappings(config: FunctionConfig): NotTaken[] {
  return (config.mappings ?? []).flatMap((m, i) => (isDisabled(m) ? [{ mapping: mappingName(m, i), status: 'disabled' as const, reason: 'this mapping is switched off' }] : []))
}

async function send(events: PinterestEvent[], target: Parameters<typeof postEvents>[0], apiUrl: string) {
  const answer = await postEvents(target, events.map(serialiseEvent), { fetch: (url, init) => fetch(url, init), apiUrl, timeoutMs: 10_000 })
  return answer.kind === 'response' ? { status: answer.status, body: answer.body } : { error: answer.error }
}
