import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { compileFunction } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { makeMappingsExplicit } from '../../src/server/functions-service'
import { openSqliteStore } from '../../src/store/sqlite/database'
import type { FunctionWrite } from '../../src/store/types'
import { ACCOUNT, capture, firstProject, PROJECT_TOKEN, type Setup, startPipeline, TOKEN, until } from '../helpers/pipeline-server'

/** The actor of the changes these tests write straight into the store. */
const BY_TEST = { actor: { key_id: null, label: 'test' } }

jest.setTimeout(60_000)

const TEMPLATE_ID = 'segment-actions-pinterest-conversions-api'
const ENV = { PIPELINES_API_KEY: firstProject.key, PIPELINES_PROJECT_TOKEN: PROJECT_TOKEN }

// A function as versions before explicit mappings saved one created without mappings.
const oldFunction = (id: string, mappings: unknown[] | null): FunctionWrite => ({
  id,
  project_id: 1,
  type: 'destination',
  name: `Old ${id}`,
  description: '',
  enabled: true,
  deleted: false,
  template_id: TEMPLATE_ID,
  inputs: { ad_account_id: { value: ACCOUNT } },
  secrets: { conversion_token: TOKEN },
  mappings,
  filters: null,
})

const timestamp = new Date(Date.now() - 60_000).toISOString()
const web = (event: string, uuid: string, properties: Record<string, unknown> = {}) => ({
  event,
  distinct_id: `person-${uuid}`,
  uuid,
  timestamp,
  properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', email: `${uuid}@example.com`, ...properties },
})
const EVENTS = [
  web('Order Completed', 'e-order', { revenue: 12, currency: 'EUR' }),
  web('$pageview', 'e-page', { $current_url: 'https://shop.example/' }),
  web('Product Added', 'e-cart', { product_id: 'sku-1' }),
  web('$autocapture', 'e-other'),
]

let dir: string | undefined
let setup: Setup | undefined
afterEach(async () => {
  await setup?.close()
  setup = undefined
  if (dir) fs.rmSync(dir, { recursive: true, force: true })
})

describe('functions saved with mappings null (before mappings were stored explicitly)', () => {
  it('are given the default mappings when the server opens the database, and send what they sent before', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'old-mappings-'))
    const dbPath = path.join(dir, 'db.sqlite')
    const old = openSqliteStore(dbPath, { env: ENV })
    old.projects.create('Default project', PROJECT_TOKEN)
    old.functions.insert(oldFunction('fn-old', null), BY_TEST)
    old.close()

    setup = await startPipeline('old-mappings-server-', { dbPath, env: ENV })
    const response = await fetch(`${setup.server.url}/api/projects/1/hog_functions/fn-old/`, { headers: { authorization: `Bearer ${firstProject.key}` } })
    const body = (await response.json()) as { mappings: { name: string }[] }
    expect(body.mappings).toHaveLength(16)
    expect(body.mappings.slice(0, 4).map((m) => m.name)).toEqual(['Checkout', 'Search', 'Add to Cart', 'Page Visit'])

    await capture(setup.server, firstProject, EVENTS)
    expect(await until(() => setup!.server.store.deliveries.counts().delivered === 3, 20_000)).toBe(true)
    const sent = Object.fromEntries(setup.emulator.accepted().map((e) => [e.event_id, e.event]))
    expect(Object.keys(sent).sort()).toEqual(['e-cart', 'e-order', 'e-page'])
    expect(Object.fromEntries(Object.entries(sent).map(([id, e]) => [id, e?.event_name]))).toEqual({ 'e-order': 'checkout', 'e-page': 'page_visit', 'e-cart': 'add_to_cart' })

    // Before: a configuration without mappings ran the defaults (as a function file still does).
    const before = await compileFunction({ template_id: TEMPLATE_ID, inputs: { ad_account_id: { value: ACCOUNT }, conversion_token: { value: TOKEN } } })
    const expected = Object.fromEntries(EVENTS.flatMap((event) => invokeFunction(before, event)).flatMap((r) => (r.status === 'event' ? [[r.event.event_id, r.event]] : [])))
    expect(sent).toEqual(expected)
  })

  it('changes only rows without mappings, once', () => {
    const store = openSqliteStore(':memory:', { secretKeys: [new Uint8Array(32).fill(7)] })
    store.projects.create('P')
    store.functions.insert(oldFunction('fn-null', null), BY_TEST)
    store.functions.insert(oldFunction('fn-none', []), BY_TEST)
    const updatedAt = store.functions.get(1, 'fn-null')?.updated_at
    expect(makeMappingsExplicit(store.functions)).toBe(1)
    expect(makeMappingsExplicit(store.functions)).toBe(0)
    expect(store.functions.get(1, 'fn-null')?.mappings).toHaveLength(16)
    expect(store.functions.get(1, 'fn-null')?.updated_at).toBe(updatedAt)
    expect(store.functions.get(1, 'fn-none')?.mappings).toEqual([])
    store.close()
  })
})
