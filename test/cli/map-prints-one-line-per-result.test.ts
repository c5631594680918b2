import { execFile } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { promisify } from 'node:util'
import { readLineChunks } from '../../src/cli/json-lines'
import { mapCommand, runMap } from '../../src/cli/map'
import { runSend } from '../../src/cli/send'
import { UsageError } from '../../src/cli/usage'
import { OperatorError } from '../../src/errors'
import { compileFunction } from '../../src/mapping/compile-function'
import { invokeFunction } from '../../src/mapping/invoke'
import { BASE_CONFIG, fixtureEvents, NOW_MS, FIXTURE_RESULTS } from '../helpers/fixtures'

const ROOT = path.resolve(__dirname, '../..')
let dir: string

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pinterest-capi-'))
  fs.writeFileSync(path.join(dir, 'function.json'), JSON.stringify(BASE_CONFIG))
  fs.writeFileSync(path.join(dir, 'bad-function.json'), JSON.stringify({ ...BASE_CONFIG, inputs: { conversion_token: { value: 'secret-token-1' } } }))
  fs.writeFileSync(
    path.join(dir, 'events.jsonl'),
    fixtureEvents()
      .map((e) => JSON.stringify(e))
      .join('\n') + '\n',
  )
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = []
  stream.on('data', (c: Buffer) => chunks.push(c))
  return () => Buffer.concat(chunks).toString('utf8')
}

async function map(options: { eventsFile?: string; stdinText?: string }) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  const out = collect(stdout)
  const err = collect(stderr)
  const code = await runMap({
    functionFile: path.join(dir, 'function.json'),
    eventsFile: options.eventsFile,
    stdin: Readable.from([options.stdinText ?? '']),
    stdout,
    stderr,
    nowMs: NOW_MS,
  })
  return {
    code,
    lines: out()
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    stderr: err(),
  }
}

describe('pinterest-capi map', () => {
  it('maps the fixture events from a file', async () => {
    const { code, lines, stderr } = await map({ eventsFile: path.join(dir, 'events.jsonl') })
    expect(code).toBe(0)
    expect(lines.map((l) => [l.line, l.mapping, l.status])).toEqual(FIXTURE_RESULTS)
    expect(lines[4].event.event_id).toBe('01936b60-0005-7000-8000-000000000005')
    expect(stderr).toBe('pinterest events: 7, skipped: 1, errors: 0, filtered: 0\n')
  })

  it('reads capture-style events from stdin and reports bad lines', async () => {
    const stdinText = [
      JSON.stringify({ event: 'Order Completed', distinct_id: 'u1', uuid: 'e-1', timestamp: '2026-11-29T11:00:00Z', properties: { $set: { email: 'A@B.example' }, revenue: 12 } }),
      '{not json',
      '',
      JSON.stringify({ event: '$autocapture', distinct_id: 'u1' }),
    ].join('\n')
    const { lines, stderr } = await map({ stdinText })
    expect(lines[0]).toMatchObject({ line: 1, mapping: 'Checkout', status: 'event', event: { event_id: 'e-1', custom_data: { value: '12' } } })
    expect(lines[1]).toEqual({ line: 2, mapping: null, status: 'error', reason: expect.stringMatching(/^line 2: invalid JSON/) })
    expect(lines[2]).toEqual({ line: 4, mapping: null, status: 'filtered', reason: 'no mapping matched this event' })
    expect(stderr).toBe('pinterest events: 1, skipped: 0, errors: 1, filtered: 1\n')
  })

  it('says which events file it cannot read, for map, send and a dry run', async () => {
    const missing = path.join(dir, 'no-such-events.jsonl')
    const functionFile = path.join(dir, 'function.json')
    const quiet = () => new PassThrough()
    const errors = await Promise.all(
      [
        runMap({ functionFile, eventsFile: missing, stdout: quiet(), stderr: quiet(), threads: 2 }),
        runSend({ functionFile, eventsFile: missing, stdout: quiet(), stderr: quiet(), threads: 2 }),
        runSend({ functionFile, eventsFile: missing, stdout: quiet(), stderr: quiet(), threads: 2, dryRun: true }),
      ].map((run) => run.catch((e: unknown) => e)),
    )
    for (const error of errors) {
      expect(error).toBeInstanceOf(OperatorError)
      expect((error as Error).message).toBe(`cannot read ${missing}: ENOENT`)
    }
  })

  it('exits non-zero naming the field on a bad configuration, without printing the token', async () => {
    const run = promisify(execFile)
    const cli = path.join(ROOT, 'src/cli/main.ts')
    const args = ['-r', 'ts-node/register/transpile-only', cli, 'map', '--function', path.join(dir, 'bad-function.json'), '--events', path.join(dir, 'events.jsonl')]
    const error = await run(process.execPath, args, { cwd: ROOT }).then(
      () => undefined,
      (e: { code: number; stderr: string; stdout: string }) => e,
    )
    expect(error?.code).toBe(2)
    expect(error?.stderr).toBe('configuration error: inputs.ad_account_id: This field is required.\n')
    expect(error?.stdout).toBe('')
  }, 30_000)
})

describe('pinterest-capi map on several threads', () => {
  it('prints what mapping in process gives, byte for byte and in input order, one write per chunk of input', async () => {
    const events = fixtureEvents()
    // 5,200 lines: several chunks, over three threads, with blank and broken lines among them.
    const texts = Array.from({ length: 5_200 }, (_, i) => (i % 997 === 5 ? '' : i % 1_009 === 7 ? '{broken' : JSON.stringify(events[i % events.length])))
    const file = path.join(dir, 'many.jsonl')
    fs.writeFileSync(file, texts.join('\n') + '\n')
    const fn = await compileFunction(BASE_CONFIG)
    const expected = texts.flatMap((text, i) => {
      const line = i + 1
      if (text === '') return []
      if (text === '{broken') return [JSON.stringify({ line, mapping: null, status: 'error', reason: `line ${line}: invalid JSON at position 1` })]
      const results = invokeFunction(fn, JSON.parse(text), { nowMs: NOW_MS })
      if (results.length === 0) return [JSON.stringify({ line, mapping: null, status: 'filtered', reason: 'no mapping matched this event' })]
      return results.map((result) => JSON.stringify({ line, ...result }))
    })
    const writes: string[] = []
    const stdout = new PassThrough()
    stdout.on('data', (chunk: Buffer) => writes.push(chunk.toString('utf8')))
    const stderr = new PassThrough()
    const err = collect(stderr)
    expect(await runMap({ functionFile: path.join(dir, 'function.json'), eventsFile: file, stdout, stderr, nowMs: NOW_MS, threads: 3 })).toBe(0)
    expect(writes.join('')).toBe(expected.map((line) => `${line}\n`).join(''))
    let chunks = 0
    for await (const _chunk of readLineChunks(file)) chunks += 1
    expect(chunks).toBeGreaterThan(5)
    expect(writes).toHaveLength(chunks)
    expect(err()).toMatch(/^pinterest events: \d+, skipped: \d+, errors: 6, filtered: \d+\n$/)
  }, 60_000)

  it.each(['0', '65', '2.5', 'many'])('refuses --threads %s, naming the range', async (threads) => {
    const error = await mapCommand(['--function', path.join(dir, 'function.json'), '--threads', threads]).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe('--threads must be a whole number from 1 to 64')
  })
})

describe('pinterest-capi map with debug_mode', () => {
  it('prints the configuration to stderr with the token redacted', async () => {
    const file = path.join(dir, 'debug-function.json')
    const token = 'pina_DEBUG_SECRET_42'
    fs.writeFileSync(file, JSON.stringify({ ...BASE_CONFIG, inputs: { ...BASE_CONFIG.inputs, conversion_token: { value: token }, debug_mode: { value: true } }, mappings: [{ name: 'Checkout' }] }))
    const stdout = new PassThrough()
    const stderr = new PassThrough()
    const err = collect(stderr)
    collect(stdout)
    await runMap({ functionFile: file, stdin: Readable.from(['']), stdout, stderr, nowMs: NOW_MS })
    expect(err()).toBe(
      'debug: {"name":"Pinterest Conversions API","enabled":true,"ad_account_id":"549755885175","conversion_token":"***REDACTED***","test_mode":false,"mappings":["Checkout"]}\n' +
        'pinterest events: 0, skipped: 0, errors: 0, filtered: 0\n',
    )
  })
})
