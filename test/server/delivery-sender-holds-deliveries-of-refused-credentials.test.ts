import type { FetchLike } from '../../src/pinterest/client'
import type { Store } from '../../src/store/types'
import { insertPinterestFunction } from '../helpers/stored-function'
import { ACCOUNT, addDeliveries, runUntil, TOKEN, useSenderAndEmulator } from './delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(30_000)

const WRONG_TOKEN = 'pina_revoked_token_value'
const DAY_MS = 86_400_000
const start = useSenderAndEmulator()
const credentials = [{ token: TOKEN, adAccountIds: [ACCOUNT] }]

function addFunction(store: Store, projectId: number, id: string, token: string, account = ACCOUNT): string {
  return insertPinterestFunction(store, { id, project_id: projectId, name: `Pinterest ${id}`, inputs: { ad_account_id: { value: account } }, secrets: { conversion_token: token } }).id
}

/** A save through the store, as the REST API and any other path that changes a function make it. */
function save(store: Store, projectId: number, id: string, change: { token?: string; account?: string; name?: string; enabled?: boolean }): void {
  const fn = store.functions.get(projectId, id)
  if (!fn) throw new Error(`no function ${id}`)
  store.functions.update(
    {
      ...fn,
      name: change.name ?? fn.name,
      enabled: change.enabled ?? fn.enabled,
      inputs: { ...fn.inputs, ...(change.account ? { ad_account_id: { value: change.account } } : {}) },
      secrets: change.token ? { conversion_token: change.token } : fn.secrets,
    },
    { actor: { key_id: null, label: 'test' } },
  )
}

const counts = (store: Store) => store.deliveries.counts()
/** Each metric's count over every hour. */
function metrics(store: Store, projectId: number, fnId: string): Record<string, number> {
  const totals: Record<string, number> = {}
  for (const m of store.metrics.series(projectId, fnId, '1970-01-01T00:00:00Z', '2100-01-01T00:00:00Z')) totals[m.name] = (totals[m.name] ?? 0) + m.count
  return totals
}
const logLines = (store: Store, projectId: number, fnId: string) =>
  store.logs
    .list(projectId, fnId, { limit: 100 })
    .map((l) => [l.level, l.message])
    .reverse()
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i}`).sort()

describe("the server's sender when Pinterest refuses a destination's credentials", () => {
  it('holds every delivery on a 401 (pending, not failed, not sent again) and sends them all once the token is changed', async () => {
    const setup = await start({ credentials })
    const { store, emulator, projectId } = setup
    const fnId = addFunction(store, projectId, 'fn-a', WRONG_TOKEN)
    addDeliveries(store, projectId, fnId, 'a', 1500)
    const sender = setup.sender({ apiUrl: emulator.url })
    for (let round = 0; round < 5; round++) await sender.runOnce()

    expect(counts(store)).toEqual({ pending: 1500, delivered: 0, failed: 0, gave_up: 0 })
    // The first round's two batches were refused; nothing was sent after them.
    const refused = emulator.requests().map((r): [number | null, number] => [r.status, r.num_events])
    // Both went at once: they may arrive in either order.
    expect(refused.sort((a, b) => b[1] - a[1])).toEqual([
      [401, 1000],
      [401, 500],
    ])
    expect(store.holds.get(fnId)).toEqual({
      function_id: fnId,
      project_id: projectId,
      credentials_version: 0,
      http_status: 401,
      reason: 'conversion token rejected by Pinterest (401): code 2: Authentication failed.',
      held_at: expect.any(Number),
    })
    const due = store.deliveries.dueFor(fnId, Date.now(), 2000)
    expect(due).toHaveLength(1500)
    expect(new Set(due.map((d) => `${d.status} ${d.attempts} ${d.last_error}`))).toEqual(new Set(['pending 1 conversion token rejected by Pinterest (401): code 2: Authentication failed.']))
    expect(metrics(store, projectId, fnId)).toEqual({ fetch: 2 })
    expect(logLines(store, projectId, fnId)).toEqual([
      [
        'warn',
        'Pinterest refused the credentials, holding 1500 deliveries until the conversion token or the ad account is changed: conversion token rejected by Pinterest (401): code 2: Authentication failed.',
      ],
    ])

    save(store, projectId, fnId, { token: TOKEN })
    expect(store.holds.get(fnId)).toBeUndefined()
    await runUntil(sender, () => counts(store).delivered === 1500)
    expect(
      emulator
        .accepted()
        .map((e) => e.event_id)
        .sort(),
    ).toEqual(ids('a', 1500))
    expect(counts(store)).toEqual({ pending: 0, delivered: 1500, failed: 0, gave_up: 0 })
    expect(logLines(store, projectId, fnId).slice(1)).toEqual([['info', 'credentials changed: resuming 1500 held deliveries']])
    expect(JSON.stringify(store.logs.list(projectId, fnId, { limit: 100 }))).not.toContain(WRONG_TOKEN)
  })

  it('holds on a 403 and resumes when the ad account is changed; a save that changes neither keeps the hold', async () => {
    const setup = await start({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
    const { store, emulator, projectId } = setup
    const fnId = addFunction(store, projectId, 'fn-a', TOKEN, '111')
    addDeliveries(store, projectId, fnId, 'a', 20)
    const sender = setup.sender({ apiUrl: emulator.url })
    await sender.runOnce()
    expect(store.holds.get(fnId)).toMatchObject({ http_status: 403, reason: 'ad account not accessible with this token (403): code 29: You are not permitted to access that resource.' })

    save(store, projectId, fnId, { name: 'Renamed' })
    save(store, projectId, fnId, { enabled: false })
    save(store, projectId, fnId, { enabled: true })
    // The registry sees saves within half a second; rounds over a full second would have sent anything released.
    const until = Date.now() + 1100
    while (Date.now() < until) {
      await sender.runOnce()
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(emulator.requests().map((r) => r.status)).toEqual([403])
    expect(store.holds.get(fnId)).toMatchObject({ http_status: 403 })

    save(store, projectId, fnId, { account: ACCOUNT })
    await runUntil(sender, () => counts(store).delivered === 20)
    expect(
      emulator
        .accepted()
        .map((e) => e.event_id)
        .sort(),
    ).toEqual(ids('a', 20))
    expect(emulator.requests().map((r) => r.status)).toEqual([403, 200])
  })

  it("fails, with the window's reason, the held deliveries that are older than Pinterest's 7 days when the token is changed", async () => {
    const setup = await start({ credentials })
    const { store, emulator, projectId } = setup
    // A second ahead of the clock that stores the deliveries, so that they are due at once.
    let clock = Date.now() + 1000
    const fnId = addFunction(store, projectId, 'fn-a', WRONG_TOKEN)
    // Two events of a minute ago, one of six days ago.
    addDeliveries(store, projectId, fnId, 'a', 3, (i) => (i === 2 ? { event_time: Math.floor((clock - 6 * DAY_MS) / 1000) } : {}))
    const sender = setup.sender({ apiUrl: emulator.url, now: () => clock })
    await sender.runOnce()
    expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([[401, 3]])
    expect(counts(store)).toEqual({ pending: 3, delivered: 0, failed: 0, gave_up: 0 })

    clock += 3 * DAY_MS
    save(store, projectId, fnId, { token: TOKEN })
    await runUntil(sender, () => counts(store).pending === 0)
    expect(counts(store)).toEqual({ pending: 0, delivered: 2, failed: 0, gave_up: 1 })
    expect(
      emulator
        .accepted()
        .map((e) => e.event_id)
        .sort(),
    ).toEqual(['a-0', 'a-1'])
    const [line] = store.logs.list(projectId, fnId, { level: ['error'], limit: 10 })
    expect(line.message).toMatch(
      /^event a-2 \(Checkout\) gave up: its event_time \S+ is outside Pinterest's window \(7 days old\) from \S+; last error: conversion token rejected by Pinterest \(401\): code 2: Authentication failed\.$/,
    )
    expect(metrics(store, projectId, fnId)).toEqual({ fetch: 2, succeeded: 2, gave_up: 1 })
  })

  it("keeps another project's destination delivering while one is held, and a new sender (a restart) keeps the hold", async () => {
    const setup = await start({ credentials })
    const { store, emulator, projectId } = setup
    const other = store.projects.create('Other').id
    const held = addFunction(store, projectId, 'fn-held', WRONG_TOKEN)
    const healthy = addFunction(store, other, 'fn-healthy', TOKEN)
    addDeliveries(store, projectId, held, 'held', 1000)
    const sender = setup.sender({ apiUrl: emulator.url, concurrency: 1 })
    await sender.runOnce()
    for (let round = 0; round < 3; round++) {
      addDeliveries(store, other, healthy, `ok${round}`, 10)
      addDeliveries(store, projectId, held, `more${round}`, 10)
      await sender.runOnce()
    }
    expect(
      emulator
        .accepted()
        .map((e) => e.event_id)
        .sort(),
    ).toEqual([...ids('ok0', 10), ...ids('ok1', 10), ...ids('ok2', 10)].sort())
    expect(emulator.requests().map((r) => r.status)).toEqual([401, 200, 200, 200])

    const restarted = setup.sender({ apiUrl: emulator.url })
    await restarted.runOnce()
    expect(emulator.requests()).toHaveLength(4)
    expect(counts(store)).toEqual({ pending: 1030, delivered: 30, failed: 0, gave_up: 0 })
  })

  it('does not hold new credentials when the refused request was sent with the old ones', async () => {
    const setup = await start({ credentials })
    const { store, emulator, projectId } = setup
    const fnId = addFunction(store, projectId, 'fn-a', WRONG_TOKEN)
    addDeliveries(store, projectId, fnId, 'a', 5)
    const fetchThenSave: FetchLike = async (url, init) => {
      const answer = await fetch(url, init)
      // The token is changed while the refused request is out.
      if (answer.status === 401) save(store, projectId, fnId, { token: TOKEN })
      return answer
    }
    const sender = setup.sender({ apiUrl: emulator.url, fetch: fetchThenSave })
    await sender.runOnce()
    expect(store.holds.get(fnId)).toBeUndefined()
    await runUntil(sender, () => counts(store).delivered === 5)
    expect(emulator.requests().map((r) => r.status)).toEqual([401, 200])
  })
})
