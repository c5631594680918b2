import { Client } from 'pg'
import { ConfigNotifications } from '../../../src/store/postgres/config-notifications'
import { openPostgresStore } from '../../../src/store/postgres/database'
import type { Store } from '../../../src/store/types'
import { until } from '../../helpers/pipeline-server'
import { insertPinterestFunction } from '../../helpers/stored-function'
import { openTestStore, TEST_SECRET_KEY, type TestStore } from '../../helpers/stores'

// The listener's own poll is far off: only a notification, or the version read after a reconnect, tells it.
const NO_POLL_MS = 600_000
const LISTENER = 'capi config listener test'

let saving: TestStore
let notifications: ConfigNotifications | undefined
let changes = 0

beforeAll(async () => {
  saving = await openTestStore('postgres')
  saving.store.projects.create('Acme')
})

afterEach(async () => {
  await notifications?.stop()
  notifications = undefined
})

afterAll(() => saving.close())

// A reconnect 50 ms after a lost connection leaves most of the 2 s to a busy machine's slow connect.
async function listen(pollMs = NO_POLL_MS): Promise<void> {
  changes = 0
  notifications = new ConfigNotifications(saving.location, () => (changes += 1), { pollMs, backoffMs: 50, applicationName: LISTENER })
  await notifications.start()
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: saving.location })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

const seen = (count: number) => until(() => changes >= count, 2000)

describe('saved functions and projects reach the other connections of a Postgres database', () => {
  it('notifies a listener of each save of a function or a project, in the transaction that saves it', async () => {
    await listen()
    const fn = insertPinterestFunction(saving.store, { id: 'f-notified', project_id: 1 })
    expect(await seen(1)).toBe(true)
    saving.store.functions.update({ ...fn, enabled: false }, { actor: { key_id: null, label: 'test' } })
    expect(await seen(2)).toBe(true)
    saving.store.projects.update(1, { anonymize_ips: true })
    expect(await seen(3)).toBe(true)
    saving.store.projects.setToken(1, 'phc_notified_token')
    expect(await seen(4)).toBe(true)
    // A save that is rolled back tells nobody.
    expect(() =>
      saving.store.transaction(() => {
        saving.store.projects.update(1, { name: 'Rolled back' })
        throw new Error('abandoned')
      }),
    ).toThrow('abandoned')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(changes).toBe(4)
    expect(await admin(async (c) => (await c.query('SELECT version FROM config_version')).rows)).toEqual([{ version: '4' }])
  })

  it('after its connection was killed, still learns of a save within 2 s (a reconnect reads the version)', async () => {
    await listen()
    const terminated = await admin(async (c) => (await c.query('SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE application_name = $1', [LISTENER])).rows)
    expect(terminated).toEqual([{ done: true }])
    const listeners = () => admin(async (c) => (await c.query('SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1', [LISTENER])).rows[0].n as number)
    while ((await listeners()) > 0) await new Promise((resolve) => setTimeout(resolve, 20))
    // Saved while no connection listens: the notification is lost, the version is not.
    saving.store.projects.update(1, { name: 'Saved while disconnected' })
    expect(await seen(1)).toBe(true)
    // Listening again: the next save is notified as before.
    saving.store.projects.update(1, { name: 'Saved after the reconnect' })
    expect(await seen(2)).toBe(true)
  })

  it('finds a change by the version read every poll when no notification came', async () => {
    await listen(100)
    // A change of the version alone, as a save would make without its NOTIFY.
    await admin((c) => c.query('UPDATE config_version SET version = version + 1'))
    expect(await seen(1)).toBe(true)
  })

  it('lets a second store see a project change that its capture token cache held stale', () => {
    const other: Store = openPostgresStore(saving.location, { env: { PIPELINES_SECRET_KEY: TEST_SECRET_KEY } })
    try {
      saving.store.projects.setToken(1, 'phc_cached_token')
      expect(other.projects.byToken('phc_cached_token')?.anonymize_ips).toBe(true)
      saving.store.projects.update(1, { anonymize_ips: false })
      // Cached until told: this is what the API process's listener calls on each change.
      expect(other.projects.byToken('phc_cached_token')?.anonymize_ips).toBe(true)
      other.projects.forgetCached()
      expect(other.projects.byToken('phc_cached_token')?.anonymize_ips).toBe(false)
    } finally {
      other.close()
    }
  })
})
