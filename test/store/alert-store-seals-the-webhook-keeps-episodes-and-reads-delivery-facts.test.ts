import Database from 'better-sqlite3'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { KEY_BYTES, SecretKeyError } from '../../src/store/secret-box'
import { openSqliteStore } from '../../src/store/sqlite/database'
import type { AlertSettings, FunctionWrite, Store } from '../../src/store/types'
import { openTestStore, STORE_KINDS, type TestStore } from '../helpers/stores'

const URL_SECRET = 'https://hooks.slack.com/services/T0001/B0001/XyZsEcReTpAtH0123456789'
const BY_TEST = { actor: { key_id: null, label: 'test' } }

let dir: string
let file: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-alert-secrets-'))
  file = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const key = (byte: number) => new Uint8Array(KEY_BYTES).fill(byte)

const fn = (id: string): FunctionWrite => ({
  id,
  project_id: 1,
  type: 'destination',
  name: 'Pinterest',
  description: '',
  enabled: true,
  deleted: false,
  template_id: 'template-pinterest-conversions-api',
  inputs: {},
  secrets: {},
  mappings: null,
  filters: null,
})

const settings = (functionId: string, webhook_url: string | null): Omit<AlertSettings, 'updated_at'> => ({
  function_id: functionId,
  project_id: 1,
  enabled: webhook_url !== null,
  webhook_url,
  failure_share: { enabled: true, percent: 10 },
  no_deliveries: { enabled: true, minutes: 60 },
  degraded: { enabled: true },
})

function withFunction(store: Store, id: string): void {
  if (store.projects.count() === 0) store.projects.create('Shop')
  store.functions.insert(fn(id), BY_TEST)
}

const folderHolds = (value: string) => fs.readdirSync(dir).filter((name) => fs.readFileSync(path.join(dir, name)).includes(Buffer.from(value)))

test('the webhook URL is kept out of every file of the database and read back', () => {
  const store = openSqliteStore(file, { secretKeys: [key(1)] })
  withFunction(store, 'fn-1')
  store.alerts.save(settings('fn-1', URL_SECRET), Date.now())
  expect(folderHolds('XyZsEcReTpAtH')).toEqual([])
  expect(store.alerts.settings('fn-1')?.webhook_url).toBe(URL_SECRET)
  expect(store.alerts.active().map((s) => s.function_id)).toEqual(['fn-1'])
  store.close()
  const raw = new Database(file, { readonly: true })
  expect(raw.prepare('SELECT secrets FROM alert_settings').pluck().get()).toMatch(/^\{"webhook_url":"enc:v1:/)
  raw.close()
})

test('a sealed webhook URL moved to another function does not open, and a new key reseals it', () => {
  const store = openSqliteStore(file, { secretKeys: [key(1)] })
  withFunction(store, 'fn-1')
  withFunction(store, 'fn-2')
  store.alerts.save(settings('fn-1', URL_SECRET), Date.now())
  store.alerts.save(settings('fn-2', null), Date.now())
  store.close()

  // Opening with a new key first and the old one second seals every value with the new key (a rotation).
  let report = { sealed: 0, resealed: 0, total: 0 }
  openSqliteStore(file, { secretKeys: [key(2), key(1)], onSecrets: (r) => (report = r) }).close()
  expect(report).toEqual({ sealed: 0, resealed: 1, total: 1 })
  const rotated = openSqliteStore(file, { secretKeys: [key(2)] })
  expect(rotated.alerts.settings('fn-1')?.webhook_url).toBe(URL_SECRET)
  rotated.close()
  expect(() => openSqliteStore(file, { secretKeys: [key(1)] })).toThrow(SecretKeyError)

  const raw = new Database(file)
  raw.prepare("UPDATE alert_settings SET secrets = (SELECT secrets FROM alert_settings WHERE function_id = 'fn-1') WHERE function_id = 'fn-2'").run()
  raw.close()
  expect(() => openSqliteStore(file, { secretKeys: [key(2)] })).toThrow(SecretKeyError)
})

describe.each(STORE_KINDS)('the alert store, on %s', (kind) => {
  let opened: TestStore
  beforeEach(async () => {
    opened = await openTestStore(kind)
  })
  afterEach(() => opened.close())

  it('switching a condition off ends its open episode without a message; others stay due', () => {
    const store = opened.store
    withFunction(store, 'fn-1')
    store.alerts.save(settings('fn-1', URL_SECRET), 1000)
    const degraded = store.alerts.open('fn-1', 1, 'degraded', { kind: 'degraded', held: 2, reason: 'refused' }, 2000)
    const again = store.alerts.open('fn-1', 1, 'degraded', { kind: 'degraded', held: 3, reason: 'refused' }, 2500)
    expect(again.id).toBe(degraded.id)
    store.alerts.open('fn-1', 1, 'failure_share', { kind: 'failure_share', failed: 20, total: 20, percent: 100, threshold: 10 }, 3000)
    expect(store.alerts.due('fn-1').map((e) => e.kind)).toEqual(['degraded', 'failure_share'])
    store.alerts.save({ ...settings('fn-1', URL_SECRET), degraded: { enabled: false } }, 4000)
    expect(store.alerts.due('fn-1').map((e) => e.kind)).toEqual(['failure_share'])
    expect(store.alerts.episodes('fn-1', 20).map((e) => [e.kind, e.cleared_at, e.silenced])).toEqual([
      ['failure_share', null, false],
      ['degraded', 4000, true],
    ])
  })

  it('the delivery facts give the waiting deliveries, the oldest of them, and when one was last delivered', () => {
    const store = opened.store
    withFunction(store, 'fn-1')
    withFunction(store, 'fn-2')
    const row = (functionId: string, n: number, firstSeenAt: number) => ({
      project_id: 1,
      function_id: functionId,
      mapping: 'Checkout',
      event_uuid: `uuid-${functionId}-${n}`,
      event_id: `event-${functionId}-${n}`,
      payload: '{}',
      next_attempt_at: firstSeenAt,
      first_seen_at: firstSeenAt,
    })
    expect(store.alerts.deliveryFacts('fn-1')).toEqual({ pending: 0, oldestPendingAt: null, lastDeliveredAt: null })
    store.deliveries.add([row('fn-1', 1, 1000), row('fn-1', 2, 2000), row('fn-1', 3, 3000), row('fn-1', 4, 4000), row('fn-2', 1, 500)])
    const ids = store.deliveries.dueFor('fn-1', 10_000, 10).map((d) => d.id)
    // As the sender settles: a delivered row's next_attempt_at is when it was delivered.
    store.deliveries.settle([{ id: ids[0], status: 'delivered', attempts: 1, next_attempt_at: 7000, last_error: null }], 7000)
    store.deliveries.settle([{ id: ids[1], status: 'delivered', attempts: 1, next_attempt_at: 6000, last_error: null }], 6000)
    store.deliveries.settle([{ id: ids[2], status: 'failed', attempts: 1, next_attempt_at: 9000, last_error: 'rejected' }], 9000)
    expect(store.alerts.deliveryFacts('fn-1')).toEqual({ pending: 1, oldestPendingAt: 4000, lastDeliveredAt: 7000 })
    expect(store.alerts.deliveryFacts('fn-2')).toEqual({ pending: 1, oldestPendingAt: 500, lastDeliveredAt: null })
  })
})
