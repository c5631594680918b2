import { loadHogParser } from '../../src/hog/parser'
import { insertPinterestFunction } from '../helpers/stored-function'
import { DEFAULT_LIMITS, EventProcessor, type PipelineLimits } from '../../src/server/pipeline/event-processor'
import { FunctionRegistry } from '../../src/server/pipeline/function-registry'
import type { CapturedEvent, Store } from '../../src/store/types'
import { openServerStore } from '../helpers/server-store'

let store: Store
const started = Date.now()

function order(uuid: string, properties: Record<string, unknown> = {}): CapturedEvent {
  return { uuid, event: 'Order Completed', distinct_id: 'jane', timestamp: new Date(started - 60_000).toISOString(), properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', ...properties } }
}

function project(name: string): { projectId: number; functionId: string } {
  const { id: projectId } = store.projects.create(name)
  const fn = insertPinterestFunction(store, { id: `fn-${name}`, project_id: projectId })
  return { projectId, functionId: fn.id }
}

/** A clock that moves `stepMs` each time it is read: mapping seems slow without being slow. */
function processor(limits: Partial<PipelineLimits> = {}, stepMs = 0): EventProcessor {
  let now = started
  const clock = () => (now += stepMs)
  return new EventProcessor(store, new FunctionRegistry(store.functions), { ...DEFAULT_LIMITS, ...limits }, {}, clock)
}

/** Runs turns until no project has events left. */
function drain(events: EventProcessor): void {
  while (events.runTurn() !== undefined) {}
}

const logs = (p: { projectId: number; functionId: string }) => store.logs.list(p.projectId, p.functionId, { limit: 100 }).map((l) => [l.level, l.message])
const metrics = (p: { projectId: number; functionId: string }) => store.metrics.series(p.projectId, p.functionId, '1970-01-01T00:00:00.000Z', '2100-01-01T00:00:00.000Z').map((m) => [m.name, m.count])
const delivered = () =>
  store.deliveries
    .pendingFunctions()
    .flatMap((fn) => store.deliveries.dueFor(fn, Number.MAX_SAFE_INTEGER, 1000))
    .map((d) => d.event_uuid)

beforeAll(() => loadHogParser())
beforeEach(() => (store = openServerStore(':memory:')))
afterEach(() => store.close())

describe('the event processor', () => {
  it('serves projects in turn, each for a time slice, so a later project waits one turn and not for a backlog', () => {
    const a = project('A')
    const b = project('B')
    store.events.append(
      a.projectId,
      Array.from({ length: 40 }, (_, i) => order(`a-${i}`)),
    )
    store.events.append(b.projectId, [order('b-0')])
    const events = processor({ sliceMs: 100 }, 30)

    const first = events.runTurn()
    // A's turn is the first of the round's two; the job runner takes its chunk after the last.
    expect(first?.last).toBe(false)
    const afterFirst = store.events.countPending(a.projectId)
    expect(first?.processed).toBe(40 - afterFirst)
    expect(afterFirst).toBeGreaterThan(0)
    expect(store.events.countPending(b.projectId)).toBe(1)

    expect(events.runTurn()).toEqual({ processed: 1, drained: false, last: true })
    expect(store.events.countPending(b.projectId)).toBe(0)
    expect(store.events.countPending(a.projectId)).toBe(afterFirst)
    expect(delivered()).toContain('b-0')

    let turns = 2
    while (events.runTurn() !== undefined) turns += 1
    expect(turns).toBeGreaterThan(2)
    expect(delivered().filter((uuid) => uuid.startsWith('a-'))).toHaveLength(40)
  })

  it('takes a whole batch in one turn when mapping is quick, and reports the round drained', () => {
    const a = project('A')
    store.events.append(
      a.projectId,
      Array.from({ length: 30 }, (_, i) => order(`a-${i}`)),
    )
    const events = processor()
    expect(events.runTurn()).toEqual({ processed: 30, drained: true, last: true })
    expect(events.runTurn()).toBeUndefined()
  })

  it('sets aside an event over the size limit, with a log line and the failed metric, and maps those around it', () => {
    const a = project('A')
    store.events.append(a.projectId, [order('before'), order('huge', { note: 'x'.repeat(3_000) }), order('after')])
    drain(processor({ eventBytes: 2_000 }))
    expect(delivered()).toEqual(['before', 'after'])
    expect(store.events.countPending(a.projectId)).toBe(0)
    expect(logs(a)).toEqual([['error', expect.stringMatching(/^event #\d+ set aside: it is \d+ bytes, over the limit of 2000$/)]])
    expect(metrics(a)).toEqual([['failed', 1]])
  })

  it('sets aside an event whose batch died twice, without mapping it, and maps the next one', () => {
    const a = project('A')
    store.events.append(a.projectId, [order('poison'), order('next')])
    const [poison] = store.events.pending(a.projectId, { events: 1, bytes: 1e6, eventBytes: 1e6 })
    for (let i = 0; i < 2; i++) {
      store.events.begin(a.projectId, poison.id, poison.id)
      // The next claim of the project finds the batch its worker never finished.
      expect(store.events.claim(a.projectId)).toBe(true)
      store.events.release(a.projectId)
    }
    drain(processor())
    expect(delivered()).toEqual(['next'])
    expect(logs(a)).toEqual([['error', 'event poison set aside: processing it stopped the pipeline 2 times']])
    expect(metrics(a)).toEqual([['failed', 1]])
  })

  it('starts by counting a failure for a batch left unfinished, then maps its events one at a time', () => {
    const a = project('A')
    store.events.append(a.projectId, [order('e1'), order('e2'), order('e3')])
    const pending = store.events.pending(a.projectId, { events: 10, bytes: 1e6, eventBytes: 1e6 })
    store.events.begin(a.projectId, pending[0].id, pending[2].id)
    const events = processor()
    const turns: number[] = []
    for (let turn = events.runTurn(); turn !== undefined; turn = events.runTurn()) turns.push(turn.processed)
    expect(turns).toEqual([1, 1, 1])
    expect(delivered()).toEqual(['e1', 'e2', 'e3'])
  })

  it('refuses a person update over the limit with one warning naming the distinct id, not the values', () => {
    const a = project('A')
    store.events.append(a.projectId, [order('small', { $set: { plan: 'pro' } }), order('fat', { $set: { blob: 'SECRETVALUE'.repeat(200) } }), order('later')])
    drain(processor({ personBytes: 1_000 }))
    expect(store.persons.find(a.projectId, 'jane')?.properties).toEqual({ plan: 'pro' })
    expect(logs(a)).toEqual([['warn', expect.stringMatching(/^person "jane" not updated by event fat: its properties would be about \d+ bytes, over the limit of 1000$/)]])
    expect(delivered()).toEqual(['small', 'fat', 'later'])
  })
})
