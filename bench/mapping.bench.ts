import { hash } from 'node:crypto'
import { compileFunction } from '../src/mapping/compile-function'
import { invokeFunction } from '../src/mapping/invoke'
import { QualityCounts } from '../src/server/pipeline/quality-counts'
import { measureRounds, median } from './stats'

const NOW_MS = Date.parse('2026-11-29T11:00:00.000Z')

/** A realistic Order Completed event: 10 products, full user data, posthog-js properties. */
export function orderCompleted(): Record<string, unknown> {
  const products = Array.from({ length: 10 }, (_, i) => ({
    product_id: `sku-${i}`,
    sku: `SKU-${i}`,
    name: `Product ${i}`,
    brand: 'Lumen',
    category: 'Lighting',
    price: 10 + i * 1.25,
    quantity: 1 + (i % 3),
  }))
  return {
    event: {
      uuid: '01936b60-0005-7000-8000-000000000005',
      event: 'Order Completed',
      distinct_id: 'user-42',
      timestamp: '2026-11-29T10:15:00.000Z',
      elements_chain: '',
      url: '',
      properties: {
        $current_url: 'https://shop.acme.example/checkout/thank-you?epik=dj0yJnU9Zm9vYmFy',
        $raw_user_agent: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
        $ip: '203.0.113.42',
        $browser: 'Chrome',
        $os: 'Mac OS X',
        $geoip_city_name: 'Portland',
        $geoip_country_code: 'US',
        epik: 'dj0yJnU9Zm9vYmFy',
        order_id: 'A-1001',
        revenue: 175.0,
        currency: 'USD',
        products,
      },
    },
    person: {
      id: '01936b5e-8000-7000-8000-000000000001',
      properties: {
        email: 'Jane.Doe@Acme-Customer.example',
        phone: '+1 (503) 555-0142',
        first_name: 'Jane',
        last_name: 'Doe',
        city: 'Portland',
        state: 'Oregon',
        zip: '97205-1234',
        country: 'United States',
        gender: 'female',
        date_of_birth: '1988-07-04',
      },
    },
    groups: {},
    project: { id: 1, name: 'Acme Shop', url: 'http://localhost:8010/project/1' },
  }
}

const CONFIG = {
  template_id: 'segment-actions-pinterest-conversions-api',
  inputs: { ad_account_id: { value: '549755885175' }, conversion_token: { value: 'bench-token' } },
  mappings: [{ name: 'Checkout' }],
}

/** What mapping cannot avoid: hashing the user fields and serialising the event it builds. */
function hashAndSerialiseBaseline(event: Record<string, unknown>, built: unknown): () => void {
  const person = (event.person as { properties: Record<string, string> }).properties
  const values = [...Object.values(person), 'user-42']
  return () => {
    const hashes = values.map((v) => hash('sha256', v.trim().toLowerCase(), 'hex'))
    JSON.stringify({ hashes, built })
  }
}

/**
 * The same order placed by `count` different people, so per-person memos start cold. The orders
 * share everything but the person: test data should not fill the heap the benchmark measures.
 */
export function ordersByDistinctPeople(count: number): Record<string, unknown>[] {
  const base = orderCompleted() as { event: Record<string, unknown>; person: { id: string; properties: Record<string, string> } }
  return Array.from({ length: count }, (_, i) => ({
    ...base,
    event: { ...base.event, distinct_id: `user-${i}` },
    person: {
      ...base.person,
      properties: {
        ...base.person.properties,
        email: `Customer.${i}@Example.com`,
        phone: `+1 (503) 555-${String(i).padStart(4, '0')}`,
        first_name: `Name${i}`,
        last_name: `Family${i}`,
        city: `City ${i}`,
        zip: String(10000 + i),
      },
    },
  }))
}

/**
 * Mapping with and without the pipeline's match-quality counting, in alternating rounds of one process
 * (so both see the same machine load and heap), the pair's order swapped each time: the median rate with
 * counting on, and the median of the pairs' ratios on / off (adjacent rounds, so drifting load cancels out).
 * Counts are flushed as the pipeline flushes them, once per batch of 500 events.
 */
function qualityCounting(map: () => ReturnType<typeof invokeFunction>, count: number, pairs: number) {
  let counts = new QualityCounts()
  let inBatch = 0
  const mapAndCount = () => {
    for (const result of map()) counts.count('bench-function', result)
    if (++inBatch === 500) {
      counts.rows()
      counts = new QualityCounts()
      inBatch = 0
    }
  }
  const on: number[] = []
  const ratios: number[] = []
  for (let pair = 0; pair < pairs; pair++) {
    const [first, second] = pair % 2 === 0 ? [map, mapAndCount] : [mapAndCount, map]
    const [a, b] = [measureRounds(first, count, 1)[0], measureRounds(second, count, 1)[0]]
    const [offRate, onRate] = pair % 2 === 0 ? [a, b] : [b, a]
    on.push(onRate)
    ratios.push(onRate / offRate)
  }
  return {
    events_per_second: Math.round(median(on)),
    median_us_per_event: Number((1e6 / median(on)).toFixed(2)),
    ratio_to_off: Number(median(ratios).toFixed(3)),
    pairs,
    events_per_round: count,
  }
}

export async function benchMapping(): Promise<Record<string, unknown>> {
  const fn = await compileFunction(CONFIG)
  const event = orderCompleted()
  const [first] = invokeFunction(fn, event, { nowMs: NOW_MS })
  if (first?.status !== 'event') throw new Error(`benchmark event did not map: ${JSON.stringify(first)}`)
  const userData = first.event.user_data as Record<string, unknown>
  const hashed = Object.keys(userData).filter((k) => Array.isArray(userData[k]))

  const map = () => invokeFunction(fn, event, { nowMs: NOW_MS })
  const mapAndSerialise = () => JSON.stringify(invokeFunction(fn, event, { nowMs: NOW_MS })[0])
  const people = ordersByDistinctPeople(20_000)
  let next = 0
  const mapDistinct = () => invokeFunction(fn, people[next++ % people.length], { nowMs: NOW_MS })

  const count = 20_000
  const rounds = 7
  measureRounds(map, 5_000, 1) // warm-up
  const mapRate = median(measureRounds(map, count, rounds))
  const serialiseRate = median(measureRounds(mapAndSerialise, count, rounds))
  const distinctRate = median(measureRounds(mapDistinct, count, rounds))
  const baselineRate = median(measureRounds(hashAndSerialiseBaseline(event, first.event), count, rounds))
  const withQuality = qualityCounting(map, count / 2, 31)
  const perSecond = (rate: number) => Math.round(rate)
  return {
    name: 'map Order Completed (10 products, full user data) to a Pinterest checkout event, one core',
    hashed_user_fields: hashed.length,
    events_per_second: perSecond(mapRate),
    median_us_per_event: Number((1e6 / mapRate).toFixed(2)),
    with_quality_counting: withQuality,
    with_json_serialisation: { events_per_second: perSecond(serialiseRate), median_us_per_event: Number((1e6 / serialiseRate).toFixed(2)) },
    distinct_person_per_event: { events_per_second: perSecond(distinctRate), median_us_per_event: Number((1e6 / distinctRate).toFixed(2)) },
    baseline_hash_and_serialise_per_second: perSecond(baselineRate),
    ratio_map_and_serialise_to_baseline: Number((serialiseRate / baselineRate).toFixed(3)),
    rounds,
    events_per_round: count,
    target_events_per_second: 50_000,
  }
}
