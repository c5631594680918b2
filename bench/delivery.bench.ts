import { Dispatcher } from '../src/delivery/dispatcher'
import { compileFunction, CompiledFunction } from '../src/mapping/compile-function'
import { invokeFunction } from '../src/mapping/invoke'
import { startEmulatorProcess } from './emulator-process'
import { ordersByDistinctPeople } from './mapping.bench'
import { median } from './stats'

const TOKEN = 'bench-token'
const ROUNDS = 5
const BATCHED_EVENTS = 50_000
const SINGLE_EVENTS = 4_000
const ACCOUNT = '549755885175'

/**
 * Recent orders with distinct event ids, made as they are consumed: a pipeline holds a few events at a
 * time, not the whole run, and a heap full of test data would mostly measure the garbage collector.
 */
function* orders(count: number, prefix: string): Generator<Record<string, unknown>> {
  const timestamp = new Date(Date.now() - 60_000).toISOString()
  for (let i = 0; i < count; i++) {
    // Every order by a different person, so no memo of hashed personal data helps.
    const base = PEOPLE[i % PEOPLE.length] as { event: Record<string, unknown> }
    yield { ...base, event: { ...base.event, uuid: `${prefix}-${i}`, timestamp } }
  }
}

const PEOPLE = ordersByDistinctPeople(20_000)

/** Maps and delivers every event; returns events per second end to end and requests per event. */
interface RunResult {
  eventsPerSecond: number
  requestsPerEvent: number
}

async function run(fn: CompiledFunction, apiUrl: string, events: Iterable<Record<string, unknown>>, maxBatchSize: number): Promise<RunResult> {
  const dispatcher = new Dispatcher({ apiUrl, maxBatchSize })
  const started = process.hrtime.bigint()
  let count = 0
  let delivered = 0
  for (const input of events) {
    for (const result of invokeFunction(fn, input)) {
      if (result.status !== 'event') continue
      // Counted as outcomes arrive, as a pipeline does, instead of holding every outcome to the end.
      void dispatcher.send(result.event, fn.settings).then((outcome) => {
        if (outcome.status === 'delivered') delivered += 1
      })
    }
    // Events arrive over time in a pipeline: let requests go out while later events are mapped.
    if (++count % 500 === 0) await new Promise((resolve) => setImmediate(resolve))
  }
  await dispatcher.drain()
  const seconds = Number(process.hrtime.bigint() - started) / 1e9
  await dispatcher.shutdown()
  if (delivered !== count) throw new Error(`only ${delivered} of ${count} events were delivered`)
  return { eventsPerSecond: count / seconds, requestsPerEvent: dispatcher.stats.requests / count }
}

export async function benchDelivery(): Promise<Record<string, unknown>> {
  const emulator = await startEmulatorProcess(TOKEN, ACCOUNT)
  try {
    const fn = await compileFunction({
      template_id: 'segment-actions-pinterest-conversions-api',
      inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } },
      mappings: [{ name: 'Checkout' }],
    })
    await run(fn, emulator.url, orders(5_000, 'warm'), 1000)
    const batched: RunResult[] = []
    const single: RunResult[] = []
    // Rounds pair a batched and a one-per-request run back to back, so the ratio of each pair sees the
    // same background load on this shared machine; the median of those ratios is reported.
    for (let round = 0; round < ROUNDS; round++) {
      await fetch(`${emulator.url}/_emulator/reset`, { method: 'POST' })
      batched.push(await run(fn, emulator.url, orders(BATCHED_EVENTS, `batched-${round}`), 1000))
      single.push(await run(fn, emulator.url, orders(SINGLE_EVENTS, `single-${round}`), 1))
    }
    const batchedRate = median(batched.map((r) => r.eventsPerSecond))
    const singleRate = median(single.map((r) => r.eventsPerSecond))
    const ratio = median(batched.map((r, i) => r.eventsPerSecond / single[i].eventsPerSecond))
    return {
      name: 'map Order Completed (a different person each) and deliver to the Pinterest emulator on loopback (separate process)',
      batched: { events_per_second: Math.round(batchedRate), requests_per_event: Number(median(batched.map((r) => r.requestsPerEvent)).toFixed(4)), events_per_run: BATCHED_EVENTS },
      one_event_per_request: { events_per_second: Math.round(singleRate), requests_per_event: median(single.map((r) => r.requestsPerEvent)), events_per_run: SINGLE_EVENTS },
      ratio_batched_to_one_per_request: Number(ratio.toFixed(1)),
      ratio_per_round: batched.map((r, i) => Number((r.eventsPerSecond / single[i].eventsPerSecond).toFixed(1))),
      runs: batched.length,
      target_events_per_second: 20_000,
      target_ratio: 10,
    }
  } finally {
    await emulator.stop()
  }
}
