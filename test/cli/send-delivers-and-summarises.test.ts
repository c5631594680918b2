import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import { runSend, type SendOptions } from '../../src/cli/send'
import { type RunningEmulator, startEmulator } from '../../src/emulator/server'
import * as compiling from '../../src/mapping/compile-function'
import * as invoking from '../../src/mapping/invoke'
import { REDACTED_HEADERS } from '../../src/pinterest/client'
import { BASE_CONFIG } from '../helpers/fixtures'

const TOKEN = BASE_CONFIG.inputs.conversion_token.value
const ACCOUNT = BASE_CONFIG.inputs.ad_account_id.value
let dir: string
let emulator: RunningEmulator

const captureEvent = (i: number, event = 'Order Completed') =>
  JSON.stringify({ event, distinct_id: `u${i}`, uuid: `send-${i}`, properties: { $ip: '203.0.113.9', $raw_user_agent: 'UA', revenue: i, currency: 'USD' } })

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pinterest-send-'))
  fs.writeFileSync(path.join(dir, 'function.json'), JSON.stringify(BASE_CONFIG))
  fs.writeFileSync(path.join(dir, 'bad-token.json'), JSON.stringify({ ...BASE_CONFIG, inputs: { ...BASE_CONFIG.inputs, conversion_token: { value: 'nope-token' } } }))
  const lines = [...Array.from({ length: 2500 }, (_, i) => captureEvent(i)), captureEvent(9999, '$autocapture'), JSON.stringify({ event: '$pageview', distinct_id: 'anon' })]
  fs.writeFileSync(path.join(dir, 'events.jsonl'), lines.join('\n') + '\n')
})

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }))

beforeEach(async () => {
  emulator = await startEmulator({ credentials: [{ token: TOKEN, adAccountIds: [ACCOUNT] }] })
})

afterEach(async () => {
  await emulator.close()
})

function streams(tty = false) {
  const stdout = new PassThrough()
  const stderr = Object.assign(new PassThrough(), { isTTY: tty })
  const out: Buffer[] = []
  const err: Buffer[] = []
  stdout.on('data', (c: Buffer) => out.push(c))
  stderr.on('data', (c: Buffer) => err.push(c))
  return { stdout, stderr, out: () => Buffer.concat(out).toString(), err: () => Buffer.concat(err).toString() }
}

async function send(options: Partial<SendOptions>, tty = false) {
  const io = streams(tty)
  const code = await runSend({
    functionFile: path.join(dir, 'function.json'),
    eventsFile: path.join(dir, 'events.jsonl'),
    apiUrl: emulator.url,
    stdin: Readable.from(['']),
    stdout: io.stdout,
    stderr: io.stderr,
    ...options,
  })
  return { code, stdout: io.out(), stderr: io.err() }
}

describe('pinterest-capi send', () => {
  it('maps on several threads and delivers each event once, listing bad lines by number', async () => {
    const file = path.join(dir, 'threads.jsonl')
    const lines = Array.from({ length: 4_200 }, (_, i) => (i === 1_234 ? '{broken' : i === 3_001 ? '' : captureEvent(i)))
    fs.writeFileSync(file, lines.join('\n') + '\n')
    const { code, stdout, stderr } = await send({ eventsFile: file, threads: 3, lingerMs: 60_000 })
    expect(code).toBe(1)
    expect(stdout).toBe('events read: 4199, pinterest events: 4198, skipped: 0, mapping errors: 1\n' + 'delivered: 4198, failed: 0, gave up: 0, requests: 5\n')
    expect(stderr).toContain('line 1235: invalid JSON at position 1\n')
    const ids = emulator.accepted().map((e) => e.event_id)
    expect(new Set(ids).size).toBe(4_198)
    expect(ids).toHaveLength(4_198)
  }, 60_000)

  it('maps and delivers in batches of 1000, then prints a summary', async () => {
    // A linger longer than the run: the last partial batch goes when the input ends, however slow the machine.
    const { code, stdout } = await send({ lingerMs: 60_000 })
    expect(code).toBe(0)
    expect(stdout).toBe('events read: 2502, pinterest events: 2500, skipped: 1, mapping errors: 0\n' + 'delivered: 2500, failed: 0, gave up: 0, requests: 3\n')
    expect(
      emulator
        .requests()
        .map((r) => r.num_events)
        .sort(),
    ).toEqual([1000, 1000, 500])
    expect(new Set(emulator.accepted().map((e) => e.event_id)).size).toBe(2500)
  })

  it('sends with the test flag when asked', async () => {
    await send({ test: true })
    expect(emulator.accepted()).toHaveLength(0)
    expect(emulator.testEvents()).toHaveLength(2500)
  })

  it("takes the test flag and debug output from the function's own inputs, the token never shown", async () => {
    const file = path.join(dir, 'debug-test-mode.json')
    fs.writeFileSync(file, JSON.stringify({ ...BASE_CONFIG, inputs: { ...BASE_CONFIG.inputs, debug_mode: { value: true }, test_mode: { value: true } } }))
    const { code, stderr } = await send({ functionFile: file, lingerMs: 60_000 })
    expect(code).toBe(0)
    expect(emulator.testEvents()).toHaveLength(2500)
    expect(emulator.accepted()).toHaveLength(0)
    expect(stderr.split('\n')[0]).toBe(
      'debug: {"name":"Pinterest Conversions API","enabled":true,"ad_account_id":"549755885175","conversion_token":"***REDACTED***","test_mode":true,"mappings":["Checkout","Search","Add to Cart","Page Visit","Sign Up","Lead","View Category","View Content","Watch Video","Add to Wishlist","Initiate Checkout","Add Payment Info","App Install","App Open","Start Trial","Subscribe"]}',
    )
    expect(stderr).not.toContain(TOKEN)
  }, 60_000)

  it('exits 1 and lists reasons when events fail', async () => {
    // A linger longer than the run, as above: a slow machine must not split the batches.
    const { code, stdout, stderr } = await send({ functionFile: path.join(dir, 'bad-token.json'), lingerMs: 60_000 })
    expect(code).toBe(1)
    expect(stdout).toContain('delivered: 0, failed: 2500, gave up: 0, requests: 3')
    expect(stderr).toMatch(/^event send-\d+ failed: conversion token rejected by Pinterest \(401\)/m)
    expect(stderr).not.toContain('nope-token')
  })

  it('prints the requests it would send on a dry run, without sending', async () => {
    const { code, stdout, stderr } = await send({ dryRun: true })
    expect(code).toBe(0)
    const requests = stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(requests.map((r) => r.body.data.length)).toEqual([1000, 1000, 500])
    expect(requests[0]).toMatchObject({ method: 'POST', url: `${emulator.url}/v5/ad_accounts/${ACCOUNT}/events`, headers: { Authorization: 'Bearer ***REDACTED***' } })
    expect(stdout).not.toContain(TOKEN)
    expect(stderr).toBe('dry run: 2500 pinterest events from 2502 lines, skipped: 1, mapping errors: 0; nothing sent\n')
    expect(emulator.requests()).toHaveLength(0)
  })

  it('prints on a dry run, from several threads, the requests one thread mapping in order would make, byte for byte', async () => {
    const file = path.join(dir, 'dry-run.jsonl')
    const lines = Array.from({ length: 2_600 }, (_, i) => (i === 700 ? '{broken' : i === 1_500 ? '' : i % 97 === 0 ? JSON.stringify({ event: '$pageview', distinct_id: 'anon' }) : captureEvent(i)))
    fs.writeFileSync(file, lines.join('\n') + '\n')
    const nowMs = Date.parse('2026-11-29T11:00:00.000Z')
    const { code, stdout, stderr } = await send({ eventsFile: file, dryRun: true, threads: 3, nowMs })

    const fn = await compiling.compileFunction(BASE_CONFIG)
    const events = lines.filter((l) => l.startsWith('{"')).flatMap((l) => invoking.invokeFunction(fn, JSON.parse(l), { nowMs }).flatMap((r) => (r.status === 'event' ? [r.event] : [])))
    const url = `${emulator.url}/v5/ad_accounts/${ACCOUNT}/events`
    const expected = [0, 1000, 2000].map((at) => JSON.stringify({ method: 'POST', url, headers: REDACTED_HEADERS, body: { data: events.slice(at, at + 1000) } }) + '\n')
    expect(events).toHaveLength(2_571)
    expect(stdout).toBe(expected.join(''))
    expect(code).toBe(1)
    expect(stderr).toBe('dry run: 2571 pinterest events from 2599 lines, skipped: 27, mapping errors: 1; nothing sent\nline 701: invalid JSON at position 1\n')
    expect(emulator.requests()).toHaveLength(0)
  }, 60_000)

  it('neither compiles nor maps on the main thread, whether it sends or only prints', async () => {
    const compile = jest.spyOn(compiling, 'compileFunction')
    const invoke = jest.spyOn(invoking, 'invokeFunction')
    try {
      const sent = await send({ lingerMs: 60_000 })
      const printed = await send({ dryRun: true })
      expect([sent.code, printed.code]).toEqual([0, 0])
      expect(emulator.accepted()).toHaveLength(2500)
      expect(printed.stderr).toBe('dry run: 2500 pinterest events from 2502 lines, skipped: 1, mapping errors: 0; nothing sent\n')
      expect(compile).not.toHaveBeenCalled()
      expect(invoke).not.toHaveBeenCalled()
    } finally {
      compile.mockRestore()
      invoke.mockRestore()
    }
  }, 60_000)

  it('draws a progress bar of the file read on a terminal', async () => {
    emulator.setFaults({ latency_ms: 150 })
    const size = fs.statSync(path.join(dir, 'events.jsonl')).size
    const { stderr } = await send({}, true)
    const kb = (size / 1024).toFixed(1)
    expect(stderr.endsWith(`\r[####################] 100%  ${kb} KB of ${kb} KB  input read  lines 2502  delivered 2500  failed 0  waiting 0\x1b[K\n`)).toBe(true)
  })

  it('counts lines read from a pipe, without a percentage', async () => {
    const text = fs.readFileSync(path.join(dir, 'events.jsonl'), 'utf8')
    const { stderr } = await send({ eventsFile: undefined, stdin: Readable.from([text]) }, true)
    expect(stderr.replaceAll('\u001b[K', '<clear line>')).toMatch(/\r\d+\.\d KB read {2}\d+ lines\/s {2}lines 2502 {2}delivered 2500 {2}failed 0 {2}waiting 0<clear line>\n$/)
    expect(stderr).not.toContain('%')
  })
})
