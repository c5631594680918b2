import type { FastifyInstance } from 'fastify'
import { ConfigError } from '../../errors'
import { compileFunctionSync } from '../../mapping/compile-function'
import { invokeFunction } from '../../mapping/invoke'
import { DEFAULT_API_URL, eventsUrl, postEvents, REDACTED_BEARER, serialiseEvent } from '../../pinterest/client'
import type { PinterestEvent } from '../../pinterest/schema'
import type { Store } from '../../store/types'
import { parseFunctionConfig } from '../../template/function-config'
import { authorizedProject } from '../auth'
import { asApiError, notFound, validationError } from '../errors'
import { functionParams, objectBody, PROJECT_PREFIXES } from '../route-schemas'
import { parseAhead } from '../functions-service'
import { storedConfig } from '../stored-config'
import { isRecord } from '../../json'

interface InvocationBody {
  configuration?: Record<string, unknown>
  globals?: unknown
  event?: unknown
  clickhouse_event?: unknown
  mock_async_functions?: boolean
}

/**
 * Test runs: an event through a saved (or a new) function, answering with the exact Pinterest payloads and
 * skip reasons. Nothing is sent unless `mock_async_functions` is false, and then with Pinterest's test flag.
 */
export function registerInvocationRoutes(app: FastifyInstance, store: Store, apiUrl = DEFAULT_API_URL): void {
  for (const prefix of PROJECT_PREFIXES) {
    app.post(`${prefix}/hog_functions/:id/invocations`, { schema: { params: functionParams, body: objectBody } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'hog_function:write')
      const body = (isRecord(request.body) ? request.body : {}) as InvocationBody
      const fn = await compile(store, projectId, (request.params as { id: string }).id, body.configuration)
      const input = body.globals ?? body.event ?? body.clickhouse_event
      if (input === undefined) throw validationError(new ConfigError('globals', 'give the event to run as `globals` (invocation globals) or `event` (capture shape)'))
      const results = invokeFunction(fn, input)
      const events = results.flatMap((r) => (r.status === 'event' ? [r.event] : []))
      const logs = results.map((r) => ({
        level: r.status === 'event' ? 'info' : r.status === 'skipped' ? 'info' : 'error',
        message: r.status === 'event' ? `${r.mapping}: Pinterest event ${r.event.event_name} built` : `${r.mapping ?? 'event'}: ${r.status}: ${r.reason}`,
      }))
      if (results.length === 0) logs.push({ level: 'info', message: 'no mapping matched this event' })
      const target = { ...fn.settings, testMode: true }
      const requestShown = events.length === 0 ? null : { method: 'POST', url: eventsUrl(apiUrl, target), headers: { Authorization: REDACTED_BEARER }, body: { data: events } }
      const response = body.mock_async_functions === false && events.length > 0 ? await send(events, target, apiUrl) : undefined
      const status = results.some((r) => r.status === 'error') ? 'error' : events.length > 0 ? 'success' : 'skipped'
      return { status, logs, errors: results.flatMap((r) => (r.status === 'error' ? [r.reason] : [])), result: { request: requestShown, results, ...(response ? { response } : {}) } }
    })
  }
}

async function compile(store: Store, projectId: number, id: string, configuration: Record<string, unknown> | undefined) {
  let raw: Record<string, unknown>
  if (id === 'new') {
    if (!configuration) throw validationError(new ConfigError('configuration', 'This field is required.'))
    raw = configuration
  } else {
    const stored = store.functions.get(projectId, id)
    if (!stored || stored.deleted) throw notFound()
    // A test run goes through a disabled function too.
    raw = storedConfig(stored, { enabled: true, ...configuration })
  }
  const config = asApiError(() => parseFunctionConfig(raw))
  await parseAhead(config)
  return asApiError(() => compileFunctionSync(config))
}

async function send(events: PinterestEvent[], target: Parameters<typeof postEvents>[0], apiUrl: string) {
  const answer = await postEvents(target, events.map(serialiseEvent), { fetch: (url, init) => fetch(url, init), apiUrl, timeoutMs: 10_000 })
  return answer.kind === 'response' ? { status: answer.status, body: answer.body } : { error: answer.error }
}
