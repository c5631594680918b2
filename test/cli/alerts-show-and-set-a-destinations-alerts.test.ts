import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { alertsCommand } from '../../src/cli/alerts'
import { report } from '../../src/cli/main'
import { UsageError } from '../../src/cli/usage'
import { ConfigError } from '../../src/errors'
import { openSqliteStore } from '../../src/store/sqlite/database'

const HOOK = 'https://hooks.slack.com/services/T1/B1/cliS3cr3tPath'

let dir: string
let db: string
let fnId: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-alerts-cli-'))
  db = path.join(dir, 'db.sqlite')
  const store = openSqliteStore(db, { env: {} })
  store.projects.create('Shop')
  fnId = store.functions.insert(
    {
      id: 'fn-cli',
      project_id: 1,
      type: 'destination',
      name: 'Pinterest (shop)',
      description: '',
      enabled: true,
      deleted: false,
      template_id: 'segment-actions-pinterest-conversions-api',
      inputs: {},
      secrets: { conversion_token: 'pina_cli_token' },
      mappings: [],
      filters: null,
    },
    { actor: { key_id: null, label: 'test' } },
  ).id
  store.close()
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

async function run(args: string[], stdin = ''): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await alertsCommand([...args, '--db', db], out, {}, Readable.from([stdin]))).toBe(0)
  const text = Buffer.concat(chunks).toString()
  expect(text).not.toContain('cliS3cr3tPath')
  return text
}

async function failure(args: string[]): Promise<unknown> {
  return alertsCommand([...args, '--db', db], new PassThrough(), {}, Readable.from([''])).then(
    () => undefined,
    (error: unknown) => error,
  )
}

const stored = () => {
  const store = openSqliteStore(db, { env: {} })
  try {
    return store.alerts.settings(fnId)
  } finally {
    store.close()
  }
}

test('show prints the defaults of a destination without alerts', async () => {
  expect(await run(['show', '--function', fnId])).toBe(
    [
      'alerts of function fn-cli (Pinterest (shop)): off',
      '  webhook URL: not set',
      "  failure share: on, at 10% of the last hour's events (at least 20)",
      '  no deliveries: on, after 60 minutes',
      '  degraded: on',
      'no episodes',
      '',
    ].join('\n'),
  )
})

test('set turns the alerts on with a webhook read from stdin and the thresholds given; show and --json say so without the URL', async () => {
  const text = await run(['set', '--function', fnId, '--webhook-url', '-', '--failure-percent', '25', '--no-deliveries-minutes', 'off', '--degraded', 'off'], `${HOOK}\n`)
  expect(text.split('\n').slice(0, 5)).toEqual([
    'alerts of function fn-cli (Pinterest (shop)): on',
    '  webhook URL: set',
    "  failure share: on, at 25% of the last hour's events (at least 20)",
    '  no deliveries: off, after 60 minutes',
    '  degraded: off',
  ])
  expect(stored()).toMatchObject({ enabled: true, webhook_url: HOOK, failure_share: { enabled: true, percent: 25 }, no_deliveries: { enabled: false, minutes: 60 }, degraded: { enabled: false } })
  expect(JSON.parse(await run(['show', '--function', fnId, '--json']))).toEqual({
    webhook_url_set: true,
    enabled: true,
    failure_share: { enabled: true, percent: 25 },
    no_deliveries: { enabled: false, minutes: 60 },
    degraded: { enabled: false },
    episodes: [],
  })
  await run(['set', '--function', fnId, '--no-deliveries-minutes', '90', '--disable'])
  expect(stored()).toMatchObject({ enabled: false, webhook_url: HOOK, no_deliveries: { enabled: true, minutes: 90 } })
})

test('show lists the episodes, newest first', async () => {
  const store = openSqliteStore(db, { env: {} })
  const episode = store.alerts.open(fnId, 1, 'failure_share', { kind: 'failure_share', failed: 30, total: 40, percent: 75, threshold: 10 }, Date.parse('2026-12-01T10:00:00.000Z'))
  store.alerts.markNotified(episode.id, 'opened', Date.parse('2026-12-01T10:00:30.000Z'))
  store.close()
  expect((await run(['show', '--function', fnId])).split('\n').slice(5)).toEqual([
    'KIND           STATE  OPENED                CLEARED  NOTIFIED              WHAT',
    'failure_share  open   2026-12-01T10:00:00Z  never    2026-12-01T10:00:30Z  30 of 40 events failed in the last hour (75%; the threshold is 10%)',
    '',
  ])
})

test('a wrong value names its option and never repeats it; an unknown function is a usage error', async () => {
  const cases: [string[], string][] = [
    [['--webhook-url', 'ftp://cliS3cr3tPath'], 'configuration error: --webhook-url: must be an http:// or https:// URL\n'],
    [['--failure-percent', '0'], 'configuration error: --failure-percent: must be at least 1\n'],
    [['--failure-percent', 'lots'], 'configuration error: --failure-percent: must be a whole number of percent from 1 to 100\n'],
    [['--no-deliveries-minutes', '4', '--disable'], 'configuration error: --no-deliveries-minutes: must be at least 5\n'],
    [['--failure-percent', '20'], 'configuration error: --webhook-url: is needed to turn alerts on\n'],
  ]
  for (const [args, text] of cases) {
    const error = await failure(['set', '--function', fnId, ...args])
    expect(error).toBeInstanceOf(ConfigError)
    expect(report(error)).toEqual({ text, code: 2 })
  }
  const degraded = await failure(['set', '--function', fnId, '--degraded', 'maybe'])
  expect(degraded).toBeInstanceOf(UsageError)
  expect((degraded as Error).message).toBe('--degraded takes on or off')
  const unknown = await failure(['show', '--function', 'nope'])
  expect((unknown as Error).message).toBe('no function of this project has this ID')
  expect((await failure(['show'])) as Error).toEqual(new UsageError('alerts', 'alerts show needs --function ID'))
  expect(stored()).toBeUndefined()
})
