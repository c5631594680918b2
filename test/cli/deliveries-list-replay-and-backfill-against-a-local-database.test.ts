import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { backfillCommand, deliveriesCommand } from '../../src/cli/deliveries'
import { UsageError } from '../../src/cli/usage'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import { OperatorError } from '../../src/errors'
import { loadHogParser } from '../../src/hog/parser'
import { PipelineRunner } from '../../src/server/pipeline/runner'
import { openSqliteStore } from '../../src/store/sqlite/database'
import type { CapturedEvent } from '../../src/store/types'
import { ACCOUNT, TOKEN, until } from '../helpers/pipeline-server'
import { insertPinterestFunction } from '../helpers/stored-function'

jest.setTimeout(30_000)

const ENV = { PIPELINES_SECRET_KEY: 'a'.repeat(64) }
let dir: string
let db: string
let emulator: RunningEmulator

beforeAll(async () => {
  await loadHogParser()
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
})
afterAll(async () => emulator.close())
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-deliveries-cli-'))
  db = path.join(dir, 'db.sqlite')
  emulator.reset()
})
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const event = (uuid: string): CapturedEvent => ({
  uuid,
  event: 'Order Completed',
  distinct_id: `person-${uuid}`,
  properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: 5 },
  timestamp: new Date().toISOString(),
})

/**
 * A database with one destination and three stored, processed events; the first two delivered and
 * rejected by Pinterest (failed), the third given up after its retries (as the server's pipeline stores them).
 */
function seed(): void {
  const store = openSqliteStore(db, { env: ENV })
  const projectId = store.projects.create('Shop').id
  insertPinterestFunction(store, { id: 'fn-shop', project_id: projectId, inputs: { ad_account_id: { value: ACCOUNT } }, secrets: { conversion_token: TOKEN } })
  const uuids = ['cli-1', 'cli-2', 'cli-3']
  store.events.append(projectId, uuids.map(event))
  store.events.markProcessedThrough(projectId, 3, Date.now())
  const now = Date.now()
  const payload = (id: string) => JSON.stringify({ event_name: 'checkout', action_source: 'web', event_time: Math.floor(now / 1000), event_id: id, user_data: { em: ['c'.repeat(64)] } })
  store.deliveries.add(
    uuids.map((uuid, i) => ({
      project_id: projectId,
      function_id: 'fn-shop',
      mapping: 'Checkout',
      event_uuid: uuid,
      distinct_id: `person-${uuid}`,
      event_id: uuid,
      payload: payload(uuid),
      next_attempt_at: now,
      first_seen_at: now,
      event_row_id: i + 1,
    })),
  )
  store.deliveries.settle(
    [
      { id: 1, status: 'failed', attempts: 1, next_attempt_at: now, last_error: 'email is not hashed' },
      { id: 2, status: 'failed', attempts: 1, next_attempt_at: now, last_error: 'email is not hashed' },
      { id: 3, status: 'gave_up', attempts: 4, next_attempt_at: now, last_error: 'gave up: retries stop 60 s after hand-over; last error: HTTP 503: down' },
    ],
    now,
  )
  store.close()
}

async function run(command: typeof deliveriesCommand, args: string[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await command([...args, '--db', db], out, ENV)).toBe(0)
  return Buffer.concat(chunks).toString()
}

async function failure(command: typeof deliveriesCommand, args: string[]): Promise<Error> {
  return command([...args, '--db', db], new PassThrough(), ENV).then(
    () => {
      throw new Error('expected the command to fail')
    },
    (error: Error) => error,
  )
}

const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g
const JOB = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g

describe('pinterest-capi deliveries', () => {
  it('list prints the failed and given-up deliveries newest first, filtered; --json as the REST API', async () => {
    seed()
    const text = (await run(deliveriesCommand, ['list', '--function', 'fn-shop'])).replace(TIME, 'T')
    expect(text.split('\n')).toEqual([
      'ID  UPDATED               STATUS   REASON    MAPPING   EVENT_ID  ATTEMPTS  LAST ERROR',
      '3   T  gave_up  gave_up   Checkout  cli-3     4         gave up: retries stop 60 s after hand-over; last error: HTTP 503: down',
      '2   T  failed   rejected  Checkout  cli-2     1         email is not hashed',
      '1   T  failed   rejected  Checkout  cli-1     1         email is not hashed',
      '3 failed or given-up deliveries',
      '',
    ])
    expect((await run(deliveriesCommand, ['list', '--function', 'fn-shop', '--reason', 'rejected', '--limit', '1'])).split('\n').slice(1)).toEqual([
      expect.stringMatching(/^2 /),
      '2 failed or given-up deliveries, 1 shown',
      '',
    ])
    const lines = (await run(deliveriesCommand, ['list', '--function', 'fn-shop', '--status', 'gave_up', '--json'])).trim().split('\n')
    expect(lines.map((line) => JSON.parse(line))).toEqual([
      expect.objectContaining({ id: 3, status: 'gave_up', reason: 'gave_up', event_id: 'cli-3', replayable: true, event: expect.objectContaining({ uuid: 'cli-3' }) }),
    ])
    const bad = await failure(deliveriesCommand, ['list', '--function', 'fn-shop', '--reason', 'secret-word'])
    expect(bad).toBeInstanceOf(UsageError)
    expect(bad.message).toMatch(/^--reason: reason must be one of: rejected, /)
    expect(bad.message).not.toContain('secret-word')
  })

  it('replay stores a job for the server; a second replay of the same deliveries is refused; the pipeline then sends them', async () => {
    seed()
    const text = await run(deliveriesCommand, ['replay', '--function', 'fn-shop', '--ids', '1,2'])
    expect(text.replace(JOB, 'JOB')).toBe(
      'replay job JOB: running, 2 in all: done 0, failed 0, left 2\nThe pipelines server runs it: at once if one runs on this database, else from its next start.\n',
    )
    const again = await failure(deliveriesCommand, ['replay', '--function', 'fn-shop', '--reason', 'rejected'])
    expect(again).toBeInstanceOf(OperatorError)
    expect(again.message.replace(JOB, 'JOB')).toBe('2 of these deliveries are already being replayed by job JOB')
    expect((await failure(deliveriesCommand, ['replay', '--function', 'fn-shop', '--ids', '1', '--reason', 'rejected'])).message).toBe('give either --ids or filters, not both')
    expect((await failure(deliveriesCommand, ['replay', '--function', 'fn-shop', '--ids', '99'])).message).toMatch(/^--ids: /)

    // What `serve` runs on the database: the pipeline takes the job up and sends the two events again.
    const store = openSqliteStore(db, { env: ENV })
    const runner = new PipelineRunner(store, { apiUrl: emulator.url, pollMs: 5 })
    runner.start()
    const sent = await until(() => store.jobs.list(1, 'fn-shop', 1)[0].status === 'completed', 20_000)
    await runner.stop()
    store.close()
    expect(sent).toBe(true)
    expect(
      emulator
        .accepted()
        .map((e) => e.event_id)
        .sort(),
    ).toEqual(['cli-1', 'cli-2'])
    expect((await run(deliveriesCommand, ['jobs', '--function', 'fn-shop'])).replace(JOB, 'JOB')).toBe('replay job JOB: completed, 2 in all: done 2, failed 0, left 0\n')
    expect((await run(deliveriesCommand, ['list', '--function', 'fn-shop'])).split('\n').slice(-2)).toEqual(['1 failed or given-up delivery', ''])
  })
})

describe('pinterest-capi backfill', () => {
  it("stores a backfill of the range's stored events, and names the option of a range it cannot send", async () => {
    seed()
    const after = new Date(Date.now() - 3_600_000).toISOString()
    const before = new Date(Date.now() + 60_000).toISOString()
    const text = await run(backfillCommand, ['--function', 'fn-shop', '--after', after, '--before', before])
    expect(text.replace(JOB, 'JOB').split('\n')[0]).toBe('backfill job JOB: running, 3 in all: done 0, failed 0, left 3')
    const busy = await failure(backfillCommand, ['--function', 'fn-shop', '--after', after, '--before', before])
    expect(busy.message.replace(JOB, 'JOB')).toBe('A backfill of this destination is running: job JOB')
    const wide = await failure(backfillCommand, ['--function', 'fn-shop', '--after', after, '--before', new Date(Date.now() + 8 * 86_400_000).toISOString()])
    expect([wide instanceof UsageError, wide.message]).toEqual([true, "--before: The range may span at most 7 days (Pinterest's window)."])
    expect((await failure(backfillCommand, ['--function', 'nope', '--after', after, '--before', before])).message).toBe('no function of this project has this ID')
  })
})
