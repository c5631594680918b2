import { Client } from 'pg'
import { numberPlaceholders, valuesFor } from '../../../src/store/postgres/placeholders'
import { LAST_DELIVERED_SQL, OLDEST_PENDING_SQL, PENDING_COUNT_SQL } from '../../../src/store/sql/alerts'
import { failedCountSql, failedReasonsSql, filterSql } from '../../../src/store/sql/failed-deliveries'
import { FIRST_RECEIVED_SQL, LAST_RECEIVED_SQL, SPAN_SQL } from '../../../src/store/sql/jobs'
import { type FailedFilter, PENDING_COUNT_CAP } from '../../../src/store/types'
import { openTestStore, type TestStore } from '../../helpers/stores'

const PG = { dialect: 'postgres' } as const
const FUNCTIONS = 40
const PER_FUNCTION = 1000
const EVENTS = 40_000

let opened: TestStore
let raw: Client

/** Deliveries of many functions (the i-th of function i % 40), half delivered, 40% waiting, a tenth failed; events of ten projects. */
beforeAll(async () => {
  opened = await openTestStore('postgres')
  raw = new Client({ connectionString: opened.location })
  await raw.connect()
  await raw.query(
    `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at, reason)
     SELECT 1, 'fn-' || (i % ${FUNCTIONS}), 'Checkout', 'u' || i, 'e' || i, '{}',
       CASE WHEN i / ${FUNCTIONS} % 10 < 5 THEN 'delivered' WHEN i / ${FUNCTIONS} % 10 < 9 THEN 'pending' ELSE 'failed' END,
       1, 1000 + i, 1000 + i, 1000 + i, CASE WHEN i / ${FUNCTIONS} % 10 = 9 THEN 'rejected' END
     FROM generate_series(1, ${FUNCTIONS * PER_FUNCTION}) AS i`,
  )
  // A backlog above the count's cap, of one function.
  await raw.query(
    `INSERT INTO deliveries (project_id, function_id, mapping, event_uuid, event_id, payload, status, attempts, next_attempt_at, first_seen_at, updated_at)
     SELECT 1, 'fn-busy', 'Checkout', 'b' || i, 'b' || i, '{}', 'pending', 0, 10000000 - i, 1000 + i, 0 FROM generate_series(1, ${PENDING_COUNT_CAP + 1}) AS i`,
  )
  await raw.query(`INSERT INTO events (project_id, payload, received_at) SELECT 1 + i % 10, '{}', i FROM generate_series(1, ${EVENTS}) AS i`)
  await raw.query('VACUUM ANALYZE deliveries')
  await raw.query('VACUUM ANALYZE events')
})

afterAll(async () => {
  await raw.end()
  await opened.close()
})

interface PlanNode {
  'Node Type': string
  'Relation Name'?: string
  'Index Name'?: string
  Plans?: PlanNode[]
}

/** Each node of the statement's plan as `type table index`, for the parameters given. */
async function planOf(sql: string, params: unknown[] | Record<string, unknown>): Promise<string[]> {
  const numbered = numberPlaceholders(sql)
  const result = await raw.query(`EXPLAIN (FORMAT JSON) ${numbered.text}`, valuesFor(numbered, params))
  const nodes: string[] = []
  const walk = (node: PlanNode) => {
    nodes.push([node['Node Type'], node['Relation Name'], node['Index Name']].filter(Boolean).join(' '))
    for (const child of node.Plans ?? []) walk(child)
  }
  walk((result.rows[0]['QUERY PLAN'] as { Plan: PlanNode }[])[0].Plan)
  return nodes
}

/** The indexes a plan reads, after checking that it reads no table from start to end. */
function indexesOf(nodes: string[]): string[] {
  expect(nodes.filter((node) => node.startsWith('Seq Scan'))).toEqual([])
  return [...new Set(nodes.flatMap((node) => /(deliveries_\w+|events_\w+)$/.exec(node)?.[1] ?? []))]
}

describe('on Postgres, after ANALYZE, the store reads through indexes, never a Seq Scan of a big table', () => {
  it("counts a function's failures, and per reason, from deliveries_failed", async () => {
    const narrow: FailedFilter = { status: ['failed'], mapping: 'Checkout', reason: 'rejected', afterMs: 1, beforeMs: 2 }
    for (const filter of [{ status: ['failed', 'gave_up'] } as FailedFilter, narrow]) {
      const counted = filterSql(filter, true)
      expect(indexesOf(await planOf(failedCountSql(PG, counted.where), { ...counted.params, functionId: 'fn-9' }))).toEqual(['deliveries_failed'])
      const grouped = filterSql(filter, false)
      expect(indexesOf(await planOf(failedReasonsSql(PG, grouped.where), { ...grouped.params, functionId: 'fn-9' }))).toEqual(['deliveries_failed'])
    }
  })

  it("reads an alert round's delivery facts in the pending and delivered partial indexes", async () => {
    expect(indexesOf(await planOf(OLDEST_PENDING_SQL, ['fn-3']))).toEqual(['deliveries_pending_age'])
    expect(indexesOf(await planOf(PENDING_COUNT_SQL, ['fn-3']))).toEqual([expect.stringMatching(/^deliveries_(function_due|pending_age)$/)])
    expect(indexesOf(await planOf(LAST_DELIVERED_SQL, ['fn-3']))).toEqual(['deliveries_last_delivered'])
  })

  it("bounds a backfill's range through events_received and counts it through the ids of its span", async () => {
    expect(indexesOf(await planOf(FIRST_RECEIVED_SQL, [20_000]))).toEqual(['events_received'])
    expect(indexesOf(await planOf(LAST_RECEIVED_SQL, [20_000]))).toEqual(['events_received'])
    expect(indexesOf(await planOf(SPAN_SQL, { project: 3, lo: 20_000, hi: 20_500 }))).toEqual([expect.stringMatching(/^events_(project|pkey)$/)])
  })

  it('gives the figures these plans read', () => {
    const { store } = opened
    // fn-3's rows are i = 40k + 3: waiting for k % 10 in 5..8, delivered below 5, failed at 9.
    expect(store.alerts.deliveryFacts('fn-3')).toEqual({ pending: 400, oldestPendingAt: 1203, lastDeliveredAt: 1000 + 40 * 994 + 3 })
    // The one queued first is due last; more than the cap are counted as one above it.
    expect(store.alerts.deliveryFacts('fn-busy')).toEqual({ pending: PENDING_COUNT_CAP + 1, oldestPendingAt: 1001, lastDeliveredAt: null })
    expect(store.deliveries.failed('fn-3', { status: ['failed', 'gave_up'] }, { limit: 1, offset: 0 }).count).toBe(100)
    expect(store.deliveries.failedReasons('fn-3', { status: ['failed', 'gave_up'] })).toEqual([{ reason: 'rejected', count: 100 }])
  })
})
