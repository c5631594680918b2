import { DEFERRED_REASON } from '../../src/delivery/outcome'
import { insertPinterestFunction } from '../helpers/stored-function'
import { ACCOUNT, addDeliveries, TOKEN, useSenderAndEmulator } from './delivery-sender-fixtures'

// Compiling a function's templates takes a second or two on a busy machine.
jest.setTimeout(60_000)

const OTHER = '42'
const WINDOW_MS = 60_000
const start = useSenderAndEmulator()

/** Whether the promise settles within `ms` (a generous bound: without the fix the round sleeps a whole window). */
async function within<T>(promise: Promise<T>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms)
  })
  try {
    return await Promise.race([promise.then(() => true), late])
  } finally {
    clearTimeout(timer)
  }
}

test('the halves of a rejected batch that find the ad account out of budget wait outside the round: another project’s deliveries go meanwhile, and each event is settled once', async () => {
  const setup = await start({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT, OTHER] }] })
  const { store, emulator, projectId } = setup
  const split = setup.addFunction('fn-split')
  // One event Pinterest's schema refuses, the last: its batch of 8 is split into 7 requests, more than a window's
  // budget of 2 (each window's first half is clean, so each window settles some).
  addDeliveries(store, projectId, split, 'split', 8, (i) => (i === 7 ? { not_a_pinterest_field: 1 } : {}))
  const otherProject = store.projects.create('Other shop').id
  const other = insertPinterestFunction(store, {
    id: 'fn-other',
    project_id: otherProject,
    name: 'Pinterest other',
    inputs: { ad_account_id: { value: OTHER } },
    secrets: { conversion_token: TOKEN },
  }).id
  const clock = { now: Date.now() + 1000 }
  const sender = setup.sender({ apiUrl: emulator.url, requestsPerMinute: 2, paceWindowMs: WINDOW_MS, now: () => clock.now })

  expect(await within(sender.runOnce(), 20_000)).toBe(true)
  // 8 refused, 4 taken; the other half had no budget left: not sent, not attempted, due when the window has room.
  expect(emulator.requests().map((r) => [r.status, r.num_events])).toEqual([
    [400, 8],
    [200, 4],
  ])
  expect(sender.pacedWaitMs()).toBe(WINDOW_MS)
  const waiting = store.deliveries.dueFor(split, clock.now + WINDOW_MS, 10)
  expect(waiting.map((d) => [d.event_id, d.status, d.attempts, d.next_attempt_at - clock.now, d.last_error])).toEqual(
    ['split-4', 'split-5', 'split-6', 'split-7'].map((id) => [id, 'pending', 0, WINDOW_MS, DEFERRED_REASON]),
  )

  // Another project's destination, on another ad account, with deliveries due meanwhile: the next round sends them.
  // They are due from the real time they are added; the sender's clock is kept past it, however long the first
  // round took on a busy machine (still well inside the window the split batch waits for).
  addDeliveries(store, otherProject, other, 'other', 3)
  clock.now = Math.max(clock.now, Date.now() + 1000)
  expect(await within(sender.runOnce(), 20_000)).toBe(true)
  expect(store.deliveries.countPending(other)).toBe(0)
  expect(store.deliveries.countPending(split)).toBe(4)

  // Each window sends what its budget allows, until every event of the split batch is delivered or failed.
  for (let window = 0; window < 4 && store.deliveries.countPending(split) > 0; window++) {
    clock.now += WINDOW_MS
    expect(await within(sender.runOnce(), 20_000)).toBe(true)
  }
  expect(store.deliveries.counts()).toEqual({ pending: 0, delivered: 10, failed: 1, gave_up: 0 })
  const accepted = emulator.accepted().map((e) => e.event_id)
  expect(accepted.sort()).toEqual(['other-0', 'other-1', 'other-2', 'split-0', 'split-1', 'split-2', 'split-3', 'split-4', 'split-5', 'split-6'])
  const failed = store.logs.list(projectId, split, { limit: 10 }).filter((l) => l.level === 'error')
  expect(failed.map((l) => l.message)).toEqual([expect.stringMatching(/^event split-7 \(Checkout\) failed: Pinterest rejected the event \(400\)/)])
  // No window had more than 2 requests to the account.
  expect(
    emulator
      .requests()
      .filter((r) => r.ad_account_id === ACCOUNT)
      .map((r) => [r.status, r.num_events]),
  ).toEqual([
    [400, 8],
    [200, 4],
    [400, 4],
    [200, 2],
    [400, 2],
    [200, 1],
    [400, 1],
  ])
})
