import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough } from 'node:stream'
import { personsCommand } from '../../src/cli/persons'
import { UsageError } from '../../src/cli/usage'
import { OperatorError } from '../../src/errors'
import { openSqliteStore } from '../../src/store/sqlite/database'
import { applyPersons, capturedEvent } from '../helpers/persons'

const EMAIL = 'jane.doe.unique@example.com'
const PHONE = '+15557654321'

let dir: string
let db: string

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pipelines-persons-'))
  db = path.join(dir, 'db.sqlite')
})

afterEach(() => fs.rmSync(dir, { recursive: true, force: true }))

const event = capturedEvent

function seed(projects: number): void {
  const store = openSqliteStore(db, { env: {} })
  for (let i = 0; i < projects; i++) store.projects.create(`Shop ${i}`)
  const events = [
    event('e1', '$pageview', 'anon-1', { $set: { email: EMAIL }, $current_url: 'https://shop.example/' }),
    event('e2', 'Order Completed', 'user-1', { $set: { phone: PHONE }, email: EMAIL, revenue: 10 }),
    event('e3', '$identify', 'user-1', { $anon_distinct_id: 'anon-1' }),
    event('e4', '$pageview', 'user-2', { $set: { email: 'other@example.com' } }),
  ]
  store.events.append(1, events)
  applyPersons(store, 1, events)
  store.deliveries.add([{ project_id: 1, function_id: 'fn-1', mapping: 'checkout', event_uuid: 'e2', event_id: 'e2', payload: '{"event_name":"checkout"}', next_attempt_at: 0, first_seen_at: 0 }])
  store.close()
}

async function run(args: string[]): Promise<string> {
  const out = new PassThrough()
  const chunks: Buffer[] = []
  out.on('data', (c: Buffer) => chunks.push(c))
  expect(await personsCommand(['delete', ...args, '--db', db], out, {})).toBe(0)
  return Buffer.concat(chunks).toString()
}

const filesHolding = (value: string) => fs.readdirSync(dir).filter((name) => fs.readFileSync(path.join(dir, name)).includes(Buffer.from(value)))

describe('persons delete', () => {
  it('deletes the person and their stored data, prints counts, and leaves their email and phone in no file', async () => {
    seed(1)
    expect(filesHolding(EMAIL)).toEqual(['db.sqlite'])
    expect(await run(['--distinct-id', 'user-1'])).toBe('deleted the person of project 1 (2 distinct id(s)); deleted 3 stored event(s), 1 undelivered delivery(ies), 0 log line(s)\n')
    const store = openSqliteStore(db, { env: {} })
    expect(store.persons.find(1, 'anon-1')).toBeUndefined()
    expect(store.persons.find(1, 'user-2')?.properties).toEqual({ email: 'other@example.com' })
    expect(store.events.pending(1, { events: 10, bytes: 1_000_000, eventBytes: 1_000_000 }).map((e) => e.event?.uuid)).toEqual(['e4'])
    expect(store.deliveries.counts().pending).toBe(0)
    store.close()
    expect(filesHolding(EMAIL)).toEqual([])
    expect(filesHolding(PHONE)).toEqual([])
    expect(await run(['--distinct-id', 'user-1', '--project', '1'])).toBe('no person of project 1 has this distinct id; deleted 0 stored event(s), 0 undelivered delivery(ies), 0 log line(s)\n')
  })

  it('asks for --project when the database has several, and names bad arguments', async () => {
    seed(2)
    const delete_ = (args: string[]) => personsCommand(['delete', ...args, '--db', db], new PassThrough(), {})
    await expect(delete_(['--distinct-id', 'user-1'])).rejects.toThrow(new UsageError('persons', 'the database has 2 projects: name one with --project ID'))
    await expect(delete_(['--distinct-id', 'user-1', '--project', '7'])).rejects.toThrow(new UsageError('persons', '--project: expected the id of an existing project (see projects list)'))
    await expect(delete_([])).rejects.toThrow(new UsageError('persons', 'persons delete needs --distinct-id ID'))
    await expect(personsCommand(['delete', '--distinct-id', 'x', '--db', path.join(dir, 'none.sqlite')], new PassThrough(), {})).rejects.toThrow(
      new OperatorError(`no database at ${path.join(dir, 'none.sqlite')} (give --db FILE or set PIPELINES_DB)`),
    )
    await expect(personsCommand(['remove'], new PassThrough(), {})).rejects.toThrow(new UsageError('persons', 'unknown persons command; expected one of: delete'))
    expect(await run(['--distinct-id', 'user-1', '--project', '1'])).toMatch(/^deleted the person of project 1 \(2 distinct id\(s\)\); deleted 3 stored event/)
  })
})
