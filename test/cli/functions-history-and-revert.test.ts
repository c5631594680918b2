import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { functionsCommand } from '../../src/cli/functions'
import { UsageError } from '../../src/cli/usage'
import { loadHogParser } from '../../src/hog/parser'
import { FunctionsService } from '../../src/server/functions-service'
import { openSqliteStore } from '../../src/store/sqlite/database'

const TOKEN = 'pina_SECRET_cli_history_0001'
const DEPLOY = { key_id: 'key-1', label: 'deploy bot' }
const quote = { name: 'Quote requested', filters: { events: [{ id: 'Quote Requested', type: 'events' }] }, inputs: { event_name: { value: 'lead' } } }

let dir: string
let db: string

beforeAll(loadHogParser)

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-functions-cli-'))
  db = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

/** A function created and then renamed with a new token by the key "deploy bot": two versions. */
async function seed(): Promise<string> {
  const store = openSqliteStore(db, { env: {} })
  store.projects.create('Shop')
  const service = new FunctionsService(store.functions)
  const inputs = { ad_account_id: { value: '549755885175' }, conversion_token: { value: TOKEN } }
  const fn = await service.create(1, { template_id: 'segment-actions-pinterest-conversions-api', name: 'Pinterest', inputs, mappings: [quote] }, DEPLOY)
  await service.update(1, fn.id, { name: 'Pinterest (shop)', inputs: { ...inputs, conversion_token: { value: `${TOKEN}-new` } } }, DEPLOY)
  store.close()
  return fn.id
}

async function run(args: string[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await functionsCommand([...args, '--db', db], out, {})).toBe(0)
  const text = Buffer.concat(chunks).toString()
  expect(text).not.toContain('pina_')
  return text
}

const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g

describe('pinterest-capi functions', () => {
  it('history prints each version, newest first, with who made it and what changed; the token only as changed', async () => {
    const id = await seed()
    const text = (await run(['history', id])).replace(TIME, 'YYYY-MM-DDTHH:MM:SSZ')
    expect(text.split('\n')).toEqual([
      'VERSION  WHEN                  BY          ACTIVITY  CHANGES',
      '2        YYYY-MM-DDTHH:MM:SSZ  deploy bot  updated   name: "Pinterest" -> "Pinterest (shop)"; inputs.conversion_token changed',
      '1        YYYY-MM-DDTHH:MM:SSZ  deploy bot  created   name: none -> "Pinterest"; description: none -> ""; enabled: none -> true; deleted: none -> false; inputs.ad_account_id: none -> "549755885175"; inputs.conversion_token created; mappings created',
      '',
    ])
  })

  it('revert saves a version again as a new one, made by the CLI; the old token is restored', async () => {
    const id = await seed()
    expect(await run(['revert', id, '1'])).toBe(`reverted function ${id} (Pinterest) to version 1: saved as version 3\n`)
    const store = openSqliteStore(db, { env: {} })
    expect(store.functions.get(1, id)?.secrets).toEqual({ conversion_token: TOKEN })
    expect(store.functions.get(1, id)?.name).toBe('Pinterest')
    store.close()
    const [header, latest] = (await run(['history', id])).replace(TIME, 'YYYY-MM-DDTHH:MM:SSZ').split('\n')
    expect(header).toBe('VERSION  WHEN                  BY                  ACTIVITY               CHANGES')
    expect(latest).toBe('3        YYYY-MM-DDTHH:MM:SSZ  pinterest-capi CLI  updated (revert to 1)  name: "Pinterest (shop)" -> "Pinterest"; inputs.conversion_token changed')
  })

  it('history --json prints the REST API entries, one a line; revert takes a version id too', async () => {
    const id = await seed()
    const entries = (await run(['history', id, '--json']))
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(entries.map((e) => [e.version, e.activity, e.scope, e.item_id, e.user.first_name])).toEqual([
      [2, 'updated', 'HogFunction', id, 'deploy bot'],
      [1, 'created', 'HogFunction', id, 'deploy bot'],
    ])
    expect(await run(['revert', id, entries[1].id])).toBe(`reverted function ${id} (Pinterest) to version 1: saved as version 3\n`)
    // Reverting again to the state it is in changes nothing and saves no version.
    expect(await run(['revert', id, '3'])).toBe(`function ${id} (Pinterest) is as in version 3 already: nothing saved\n`)
    expect((await run(['history', id, '--json'])).trimEnd().split('\n')).toHaveLength(3)
  })

  it('names an unknown function or version as a usage error', async () => {
    const id = await seed()
    const fails = (args: string[]) => functionsCommand([...args, '--db', db], new PassThrough(), {})
    await expect(fails(['history', 'no-such-function'])).rejects.toThrow(new UsageError('functions', 'no function of this project has this ID'))
    await expect(fails(['revert', id, '9'])).rejects.toThrow(new UsageError('functions', 'this function has no such VERSION (see functions history)'))
    await expect(fails(['revert', id, 'abc'])).rejects.toThrow(new UsageError('functions', 'this function has no such VERSION (see functions history)'))
  })
})
