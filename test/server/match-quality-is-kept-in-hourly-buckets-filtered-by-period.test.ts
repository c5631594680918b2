import type { FastifyInstance } from 'fastify'
import { loadHogParser } from '../../src/hog/parser'
import { keyBit } from '../../src/pinterest/match-keys'
import { buildApp } from '../../src/server/app'
import type { MappingQuality } from '../../src/server/match-quality'
import { DEFAULT_LIMITS, EventProcessor } from '../../src/server/pipeline/event-processor'
import { FunctionRegistry } from '../../src/server/pipeline/function-registry'
import type { CapturedEvent, Store } from '../../src/store/types'
import { insertPinterestFunction } from '../helpers/stored-function'
import { openServerStore } from '../helpers/server-store'

const FUNCTION_ID = 'fn-quality-hours'
// Mapping clocks: two batches in the 10:00 hour, one at 12:05.
const AT = ['2026-11-29T10:15:00.000Z', '2026-11-29T10:45:00.000Z', '2026-11-29T12:05:00.000Z'].map(Date.parse)

let store: Store
let app: FastifyInstance
let base: string
let key: string

function order(uuid: string, atMs: number, email?: string): CapturedEvent {
  const properties = { $ip: '203.0.113.9', $raw_user_agent: 'UA', ...(email ? { $set: { email } } : {}) }
  return { uuid, event: 'Order Completed', distinct_id: uuid, timestamp: new Date(atMs - 60_000).toISOString(), properties }
}

/** Maps `events` as a batch with the pipeline's clock at `atMs`. */
function mapAt(atMs: number, events: CapturedEvent[]): void {
  store.events.append(1, events)
  const processor = new EventProcessor(store, new FunctionRegistry(store.functions), DEFAULT_LIMITS, {}, () => atMs)
  while (processor.runTurn() !== undefined) {}
}

async function quality(query: string) {
  const response = await fetch(`${base}/api/projects/1/hog_functions/${FUNCTION_ID}/quality/?${query}`, { headers: { authorization: `Bearer ${key}` } })
  const body = (await response.json()) as { mappings: MappingQuality[] }
  return body.mappings.map((m) => [m.mapping, m.sent, m.keys.em])
}

beforeAll(async () => {
  await loadHogParser()
  store = openServerStore(':memory:')
  store.projects.create('Acme')
  key = store.keys.create(1, ['hog_function:read'], 'test').key
  insertPinterestFunction(store, { id: FUNCTION_ID, project_id: 1 })
  mapAt(AT[0], [order('a1', AT[0], 'a@example.com'), order('a2', AT[0])])
  mapAt(AT[1], [order('b1', AT[1], 'b@example.com')])
  mapAt(AT[2], [order('c1', AT[2]), order('c2', AT[2]), order('c3', AT[2])])
  app = buildApp({ store })
  base = await app.listen({ host: '127.0.0.1', port: 0 })
})

afterAll(async () => {
  await app.close()
  store.close()
})

test('batches of one hour add up in one bucket per set of keys', () => {
  const all = store.quality.sum(1, '2026-11-29T00:00:00.000Z', '2026-11-30T00:00:00.000Z', FUNCTION_ID)
  const withEmail = all.find((c) => (c.keys & keyBit('em')) !== 0)
  expect(withEmail).toMatchObject({ mapping: 'Checkout', skip: '', count: 2 })
  expect(all.reduce((sum, c) => sum + c.count, 0)).toBe(6)
  const tenOClock = store.quality.sum(1, '2026-11-29T10:00:00.000Z', '2026-11-29T11:00:00.000Z', FUNCTION_ID)
  expect(tenOClock.map((c) => c.count).sort()).toEqual([1, 2])
})

test('the period takes the bucket holding `after` and stops at `before`', async () => {
  await expect(quality('after=2026-11-29T10:30:00Z&before=2026-11-29T12:00:00Z')).resolves.toEqual([['Checkout', 3, 0.6667]])
  await expect(quality('after=2026-11-29T11:00:00Z&before=2026-11-29T13:00:00Z')).resolves.toEqual([['Checkout', 3, 0]])
  await expect(quality('after=2026-11-29T09:00:00Z&before=2026-11-29T13:00:00Z')).resolves.toEqual([['Checkout', 6, 0.3333]])
  await expect(quality('after=2026-11-29T13:00:00Z&before=2026-11-30T00:00:00Z')).resolves.toEqual([])
})
