import { compileFunction } from '../src/mapping/compile-function'
import { invokeFunction } from '../src/mapping/invoke'
import { orderCompleted } from './mapping.bench'
import { type SegmentTrack, segmentCheckoutAction } from './segment-action'
import { median } from './stats'

const NOW_MS = Date.parse('2026-11-29T11:00:00.000Z')
// Short rounds, many pairs: on a shared machine the load shifts within seconds, and adjacent rounds see the same.
const EVENTS_PER_ROUND = 4_000
const PAIRS = 15

type Globals = ReturnType<typeof orderCompletedBy>

/** The benchmark's Order Completed placed by person `i`: a fresh object throughout (properties and products too). */
export function orderCompletedBy(i: number) {
  const order = orderCompleted() as { event: Record<string, unknown>; person: { id: string; properties: Record<string, string> } }
  order.event.uuid = `01936b60-0005-7000-8000-${String(i).padStart(12, '0')}`
  order.event.distinct_id = `user-${i}`
  Object.assign(order.person.properties, {
    email: `Customer.${i}@Example.com`,
    phone: `+1 (503) 555-${String(i % 10_000).padStart(4, '0')}`,
    first_name: `Name${i}`,
    last_name: `Family${i}`,
    city: `City ${i}`,
    zip: String(10000 + i),
  })
  return order
}

/** The same order as a Segment track call, as analytics.js would send it: the person's traits beside the event. */
function asSegmentTrack(order: Globals): SegmentTrack {
  const props = order.event.properties as Record<string, unknown>
  const traits = { ...order.person.properties }
  return {
    type: 'track',
    event: order.event.event,
    messageId: order.event.uuid,
    timestamp: order.event.timestamp,
    userId: order.event.distinct_id,
    properties: { ...props, products: (props.products as object[]).map((p) => ({ ...p })) },
    traits,
    // Segment's action requires app_name, which its preset reads from context.app.name.
    context: { ip: props.$ip, userAgent: props.$raw_user_agent, page: { url: props.$current_url }, app: { name: 'Acme Shop' }, traits: { ...traits } },
  }
}

interface Rate {
  /** Events per second of wall-clock time. */
  wall: number
  /** Events per second of the process's CPU time (every thread, garbage collection included): steadier on a busy machine. */
  cpu: number
}

async function timed(run: () => void | Promise<void>): Promise<Rate> {
  const start = process.hrtime.bigint()
  const cpuStart = process.cpuUsage()
  await run()
  const cpu = process.cpuUsage(cpuStart)
  const seconds = Number(process.hrtime.bigint() - start) / 1e9
  return { wall: EVENTS_PER_ROUND / seconds, cpu: EVENTS_PER_ROUND / ((cpu.user + cpu.system) / 1e6) }
}

/**
 * This project's mapping against Segment's action path, on the same events, in alternating rounds of one
 * process (the pair's order swapped each time). Ours: the function as a destination created without
 * mappings has it (all default mappings), each event a fresh object of a different person, the results
 * serialised. Segment's: its Checkout preset on the same orders as track calls (segment-action.ts).
 */
export async function benchSegment(): Promise<Record<string, unknown>> {
  const fn = await compileFunction({ template_id: 'segment-actions-pinterest-conversions-api', inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'bench-token' } } })
  const segment = segmentCheckoutAction()
  const [first] = invokeFunction(fn, orderCompletedBy(0), { nowMs: NOW_MS })
  if (first?.status !== 'event') throw new Error(`benchmark event did not map: ${JSON.stringify(first)}`)
  if (!(await segment(asSegmentTrack(orderCompletedBy(0)))).includes('"em":[')) throw new Error("Segment's action built no hashed email")

  let next = 1
  const roundOfOurs = async (): Promise<Rate> => {
    const events = Array.from({ length: EVENTS_PER_ROUND }, () => orderCompletedBy(next++))
    return timed(() => {
      for (const event of events) JSON.stringify(invokeFunction(fn, event, { nowMs: NOW_MS }))
    })
  }
  const roundOfSegment = async (): Promise<Rate> => {
    const events = Array.from({ length: EVENTS_PER_ROUND }, () => asSegmentTrack(orderCompletedBy(next++)))
    return timed(async () => {
      for (const event of events) await segment(event)
    })
  }
  await roundOfOurs() // warm-up, both
  await roundOfSegment()
  const ours: Rate[] = []
  const theirs: Rate[] = []
  for (let pair = 0; pair < PAIRS; pair++) {
    if (pair % 2 === 0) ours.push(await roundOfOurs())
    theirs.push(await roundOfSegment())
    if (pair % 2 === 1) ours.push(await roundOfOurs())
  }
  const ratios = ours.map((rate, i) => rate.wall / theirs[i].wall)
  const cpuRatios = ours.map((rate, i) => rate.cpu / theirs[i].cpu)
  return {
    name: "map Order Completed (10 products, full user data), a fresh event of a different person each, serialised: this project's default function against Segment's Pinterest Conversions action (Checkout preset), one core",
    mappings: fn.mappings.length,
    events_per_second: Math.round(median(ours.map((r) => r.wall))),
    segment_events_per_second: Math.round(median(theirs.map((r) => r.wall))),
    ratio_to_segment: Number(median(ratios).toFixed(2)),
    ratio_per_round: { min: Number(Math.min(...ratios).toFixed(2)), max: Number(Math.max(...ratios).toFixed(2)) },
    per_cpu_second: { events: Math.round(median(ours.map((r) => r.cpu))), segment_events: Math.round(median(theirs.map((r) => r.cpu))), ratio: Number(median(cpuRatios).toFixed(2)) },
    target_ratio: 3,
    rounds: PAIRS,
    events_per_round: EVENTS_PER_ROUND,
  }
}
