import { Client } from 'pg'
import { openPostgresStore } from '../../../src/store/postgres/database'
import { KEY_BYTES, SecretKeyError } from '../../../src/store/secret-box'
import type { FunctionWrite } from '../../../src/store/types'
import { dropPostgresDatabase, freshPostgresDatabase } from '../../helpers/postgres'

const TOKEN = 'pina_VERYSECRETpostgresAtRest7Qx9Lk2Mz4Np6'
const WEBHOOK = 'https://hooks.slack.com/services/T0001/B0001/PgSeCrEtPaTh0123456789'
const BY_TEST = { actor: { key_id: null, label: 'test' } }
const key = (byte: number) => new Uint8Array(KEY_BYTES).fill(byte)

const fn = (id: string, name = 'Pinterest'): FunctionWrite => ({
  id,
  project_id: 1,
  type: 'destination',
  name,
  description: '',
  enabled: true,
  deleted: false,
  template_id: 't',
  inputs: { ad_account_id: { value: '549755885175' } },
  secrets: { conversion_token: TOKEN },
  mappings: null,
  filters: null,
})

let url: string
let raw: Client

beforeEach(async () => {
  url = await freshPostgresDatabase()
  raw = new Client({ connectionString: url })
  await raw.connect()
})

afterEach(async () => {
  await raw.end()
  await dropPostgresDatabase(url)
})

/** Every row of the tables that hold secrets, as text: what a dump or a read-only role would see. */
async function tablesText(): Promise<string> {
  const tables = ['hog_functions', 'hog_function_versions', 'alert_settings']
  const rows = await Promise.all(tables.map((t) => raw.query(`SELECT row_to_json(t)::text AS row FROM ${t} t`)))
  return rows.flatMap((r) => r.rows.map((row) => row.row as string)).join('\n')
}

function seeded(keys: Uint8Array[]): void {
  const store = openPostgresStore(url, { secretKeys: keys })
  store.projects.create('Shop')
  store.functions.insert(fn('fn-1'), BY_TEST)
  for (const name of ['a', 'b']) store.functions.update(fn('fn-1', name), BY_TEST)
  store.alerts.save(
    {
      function_id: 'fn-1',
      project_id: 1,
      enabled: true,
      webhook_url: WEBHOOK,
      failure_share: { enabled: true, percent: 10 },
      no_deliveries: { enabled: false, minutes: 60 },
      degraded: { enabled: true },
    },
    Date.now(),
  )
  store.close()
}

describe('secrets in Postgres', () => {
  it('are stored sealed (function, each version, alert webhook) and read back in clear by the store', async () => {
    seeded([key(1)])
    const text = await tablesText()
    expect(text).toContain('549755885175')
    for (const secret of [TOKEN, WEBHOOK, 'VERYSECRET', 'PgSeCrEtPaTh', Buffer.from(TOKEN).toString('base64')]) expect(text).not.toContain(secret)
    const column = (await raw.query("SELECT secrets FROM hog_functions WHERE id = 'fn-1'")).rows[0].secrets as string
    expect(JSON.parse(column).conversion_token).toMatch(/^enc:v1:[A-Za-z0-9_-]{8}:/)
    const versions = (await raw.query('SELECT secrets FROM hog_function_versions ORDER BY version')).rows.map((r) => JSON.parse(r.secrets).conversion_token as string)
    expect(versions).toHaveLength(3)
    for (const value of versions) expect(value).toMatch(/^enc:v1:/)

    const store = openPostgresStore(url, { secretKeys: [key(1)] })
    expect(store.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    expect(store.alerts.settings('fn-1')?.webhook_url).toBe(WEBHOOK)
    const [latest] = store.functions.versions(1, 'fn-1', { limit: 1, offset: 0 }).results
    expect(store.functions.version(1, 'fn-1', latest.id)?.state.secrets).toEqual({ conversion_token: TOKEN })
    store.close()
  })

  it('stop the start with another key, are resealed by a rotation, and do not open when moved to another row', async () => {
    seeded([key(1)])
    expect(() => openPostgresStore(url, { secretKeys: [key(2)] })).toThrow(SecretKeyError)
    const reports: unknown[] = []
    openPostgresStore(url, { secretKeys: [key(2), key(1)], onSecrets: (r) => reports.push(r) }).close()
    // One function value, three version values, one webhook.
    expect(reports).toEqual([{ sealed: 0, resealed: 5, total: 5 }])
    const rotated = openPostgresStore(url, { secretKeys: [key(2)] })
    expect(rotated.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    rotated.functions.insert({ ...fn('fn-2'), secrets: {} }, BY_TEST)
    rotated.close()
    expect(() => openPostgresStore(url, { secretKeys: [key(1)] })).toThrow(SecretKeyError)

    await raw.query("UPDATE hog_functions SET secrets = (SELECT secrets FROM hog_functions WHERE id = 'fn-1') WHERE id = 'fn-2'")
    expect(() => openPostgresStore(url, { secretKeys: [key(2)] })).toThrow('fails authentication (altered, or moved from another row)')
  })

  it('in clear in a database written before sealing are sealed when it opens', async () => {
    openPostgresStore(url, { secretKeys: [key(1)] }).close()
    await raw.query("INSERT INTO projects (name, api_token, created_at) VALUES ('Shop', 'phc_x', '2026-01-01')")
    await raw.query(
      `INSERT INTO hog_functions (id, project_id, type, name, description, enabled, deleted, template_id, inputs, secrets, mappings, filters, created_at, updated_at)
       VALUES ('fn-1', 1, 'destination', 'Pinterest', '', 1, 0, 't', '{}', $1, NULL, NULL, '2026-01-01', '2026-01-01')`,
      [JSON.stringify({ conversion_token: TOKEN })],
    )
    const reports: unknown[] = []
    const store = openPostgresStore(url, { secretKeys: [key(1)], onSecrets: (r) => reports.push(r) })
    expect(reports).toEqual([{ sealed: 1, resealed: 0, total: 1 }])
    expect(await tablesText()).not.toContain(TOKEN)
    expect(store.functions.get(1, 'fn-1')?.secrets).toEqual({ conversion_token: TOKEN })
    store.close()
  })
})
