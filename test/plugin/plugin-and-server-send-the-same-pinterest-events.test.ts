import type { PostHogEvent } from '@posthog/plugin-scaffold'
import { insertPinterestFunction } from '../helpers/stored-function'
import { loadHogParser } from '../../src/hog/parser'
import { compileFunction } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { pluginEventToGlobals } from '../../src/plugin/events'
import { readCapture } from '../../src/server/capture-payload'
import { DEFAULT_LIMITS, EventProcessor } from '../../src/server/pipeline/event-processor'
import { FunctionRegistry } from '../../src/server/pipeline/function-registry'
import { storedConfig } from '../../src/server/stored-config'
import { openSqliteStore } from '../../src/store/sqlite/database'
import type { StoredFunction, Store } from '../../src/store/types'
import { fixtureEvent, NOW_MS } from '../helpers/fixtures'

// A mapping that reads the globals the default mappings do not: the project and the person.
const GLOBALS_MAPPING = {
  name: 'Globals',
  filters: { events: [{ id: null, type: 'events' }] },
  inputs: {
    event_name: { value: 'lead' },
    custom_data: { value: { order_id: '{project.id}|{person.id}|{person.properties.plan}|{event.distinct_id}|{event.timestamp}' } },
  },
}

let store: Store

beforeAll(() => loadHogParser())
beforeEach(() => (store = openSqliteStore(':memory:')))
afterEach(() => store.close())

function insertFunction(projectId: number, id: string, mappings: unknown[] | null): StoredFunction {
  return insertPinterestFunction(store, { id, project_id: projectId, inputs: { ad_account_id: { value: '549755885175' } }, secrets: { conversion_token: 'pina_test_token_123' }, mappings })
}

test('an event sent through the server and the same event handed to the plugin give the same Pinterest events', async () => {
  const { id: projectId } = store.projects.create('Shop')
  const functions = [insertFunction(projectId, 'fn-defaults', null), insertFunction(projectId, 'fn-globals', [GLOBALS_MAPPING])]
  const { event } = fixtureEvent('Order Completed')
  // posthog-node's shape, with a numeric time and the person's properties set by the event.
  const captured = { ...event, timestamp: Date.parse(event.timestamp), properties: { ...event.properties, $set: { email: 'Jane@Example.com', plan: 'pro' } } }

  // The server: capture checks and stores it, the pipeline maps it with the person it stored.
  const batch = readCapture({ api_key: 'token', batch: [captured] }, NOW_MS)
  expect(batch.problems).toEqual([])
  store.events.append(
    projectId,
    batch.events.map((json) => JSON.parse(json)),
  )
  const processor = new EventProcessor(store, new FunctionRegistry(store.functions), DEFAULT_LIMITS, {}, () => NOW_MS)
  while (processor.runTurn() !== undefined) {}
  const byServer = store.deliveries
    .pendingFunctions()
    .flatMap((fn) => store.deliveries.dueFor(fn, Number.MAX_SAFE_INTEGER, 10))
    .map((d) => [d.function_id, JSON.parse(d.payload)])

  // The plugin: the plugin server hands over the event with its person and the project as the team.
  const person = store.persons.find(projectId, event.distinct_id)
  expect(person?.properties).toEqual({ email: 'Jane@Example.com', plan: 'pro' })
  const pluginEvent = {
    uuid: event.uuid,
    team_id: projectId,
    distinct_id: event.distinct_id,
    event: event.event,
    timestamp: new Date(event.timestamp),
    properties: captured.properties,
    person: { uuid: person?.id ?? '', properties: person?.properties ?? {}, posthog_url: '' },
  } as PostHogEvent
  const byPlugin = []
  for (const stored of functions) {
    const compiled = await compileFunction(storedConfig(stored))
    for (const result of invokeFunction(compiled, pluginEventToGlobals(pluginEvent), { nowMs: NOW_MS })) {
      if (result.status === 'event') byPlugin.push([stored.id, result.event])
    }
  }

  expect(byServer).toHaveLength(2)
  expect(byServer).toEqual(expect.arrayContaining(byPlugin))
  expect(byPlugin).toHaveLength(2)
  const globalsEvent = byServer.find(([id]) => id === 'fn-globals')?.[1]
  expect(globalsEvent.custom_data.order_id).toBe(`${projectId}|${person?.id}|pro|${event.distinct_id}|${new Date(event.timestamp).toISOString()}`)
})
