import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { functionsCommand } from '../../src/cli/functions'
import { UsageError } from '../../src/cli/usage'
import { loadHogParser } from '../../src/hog/parser'
import { keyBit } from '../../src/pinterest/match-keys'
import { FunctionsService } from '../../src/server/functions-service'
import { openSqliteStore } from '../../src/store/sqlite/database'

const TOKEN = 'pina_SECRET_cli_status_0001'
const ACTOR = { key_id: null, label: 'test' }
const HELD_AT = Date.parse('2026-11-30T09:00:00Z')

let dir: string
let db: string

beforeAll(loadHogParser)

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-status-cli-'))
  db = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

async function seedFunction(): Promise<string> {
  const store = openSqliteStore(db, { env: {} })
  store.projects.create('Shop')
  const inputs = { ad_account_id: { value: '549755885175' }, conversion_token: { value: TOKEN } }
  const fn = await new FunctionsService(store.functions).create(1, { template_id: 'segment-actions-pinterest-conversions-api', name: 'Pinterest', inputs }, ACTOR)
  store.close()
  return fn.id
}

function withStore(fn: (store: ReturnType<typeof openSqliteStore>) => void): void {
  const store = openSqliteStore(db, { env: {} })
  try {
    fn(store)
  } finally {
    store.close()
  }
}

async function run(args: string[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await functionsCommand([...args, '--db', db], out, {})).toBe(0)
  const text = Buffer.concat(chunks).toString()
  expect(text).not.toContain(TOKEN)
  return text
}

describe('pinterest-capi functions status', () => {
  it('says healthy, then degraded with the reason, since when and the held count once Pinterest refused the token', async () => {
    const id = await seedFunction()
    expect(await run(['status', id])).toBe('healthy\n')
    expect(JSON.parse(await run(['status', id, '--json']))).toEqual({ state: 1, rating: 1, tokens: 0 })

    withStore((store) => {
      const fn = store.functions.get(1, id)
      expect(
        store.holds.hold({
          function_id: id,
          project_id: 1,
          credentials_version: fn?.credentials_version ?? -1,
          http_status: 401,
          reason: 'conversion token rejected by Pinterest (401)',
          held_at: HELD_AT,
        }),
      ).toBe(true)
      const row = (n: number) => ({ project_id: 1, function_id: id, mapping: 'Checkout', event_uuid: `u${n}`, event_id: `u${n}`, payload: '{}', next_attempt_at: HELD_AT, first_seen_at: HELD_AT })
      store.deliveries.add([row(1), row(2), row(3)])
    })
    expect(await run(['status', id])).toBe(
      "degraded since 2026-11-30T09:00:00Z: Pinterest refused this destination's credentials (conversion token rejected by Pinterest (401)). 3 deliveries are held, not failed: save a changed conversion token or ad account ID to send them; those older than Pinterest's 7-day window by then fail.\n",
    )
    expect(JSON.parse(await run(['status', id, '--json']))).toMatchObject({ state: 2, held_deliveries: 3, http_status: 401, held_since: '2026-11-30T09:00:00.000Z' })
  })
})

describe('pinterest-capi functions quality', () => {
  it('prints the score, each mapping with its events, sent, skipped share and score, and the advice', async () => {
    const id = await seedFunction()
    expect(await run(['quality', id])).toBe('no events were mapped in the last 7 days\n')
    const everything = ['em', 'click_id', 'client_ip_address', 'client_user_agent', 'external_id', 'ph', 'fn', 'ln', 'zp'] as const
    const full = everything.reduce((bits, key) => bits | keyBit(key), 0)
    withStore((store) =>
      store.quality.add(
        1,
        [
          { function_id: id, mapping: 'Checkout', keys: full, skip: '', count: 3 },
          { function_id: id, mapping: 'Checkout', keys: 0, skip: 'no_identifier', count: 1 },
        ],
        Date.now() - 3600_000,
      ),
    )
    expect((await run(['quality', id, '--days', '1'])).split('\n')).toEqual([
      'score 75 over the last day',
      'MAPPING   EVENTS  SENT  SKIPPED  SCORE',
      'Checkout  4       3     25%      75',
      'advice:',
      '- 25% of Checkout events were skipped: they had no email, mobile ad id, or IP address with user agent; identify users with `$identify` and an `email` person property, or capture with posthog-js.',
      '',
    ])
    const answer = JSON.parse(await run(['quality', id, '--json']))
    expect(answer).toMatchObject({ score: 75, mappings: [{ mapping: 'Checkout', events: 4, sent: 3, score: 75, keys: { em: 1 } }] })
  })

  it('refuses a --days outside 1 to 30 and an unknown function, naming what is wrong', async () => {
    const id = await seedFunction()
    await expect(functionsCommand(['quality', id, '--days', '31', '--db', db], new PassThrough(), {})).rejects.toThrow(new UsageError('functions', '--days must be a whole number from 1 to 30'))
    await expect(functionsCommand(['status', 'no-such-function', '--db', db], new PassThrough(), {})).rejects.toThrow('no function of this project has this ID')
  })
})
