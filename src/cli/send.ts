import { availableParallelism } from 'node:os'
import type { Readable, Writable } from 'node:stream'
import { Dispatcher, type Outcome } from '../delivery/dispatcher'
import { stderrLogger } from '../logger'
import type { CompiledFunction } from '../mapping/compile-function'
import { invokeFunction } from '../mapping/invoke'
import { DEFAULT_API_URL, eventsUrl, type FetchLike, MAX_EVENTS_PER_REQUEST, REDACTED_HEADERS } from '../pinterest/client'
import type { PinterestEvent } from '../pinterest/schema'
import { type InputPosition, readJsonLines, readLineChunks } from './json-lines'
import { compileFunction, describeFunction } from '../mapping/compile-function'
import { MappingPool } from '../mapping/mapping-pool'
import { readFunctionFile, threadsOf } from './map'
import { mapInChunks } from './map-in-chunks'
import { type Counts, emptyCounts, Progress } from './progress'
import { type CommandHelp, parseCommand, UsageError } from './usage'

export const SEND_HELP: CommandHelp = {
  synopsis: ['send --function FILE [--events FILE] [--api-url URL] [--test] [--dry-run] [--threads N]'],
  description: `
Maps and delivers events (JSON lines; stdin without --events) to Pinterest in batches, with a progress bar on
a terminal; exits 1 when any event failed. --api-url defaults to $PINTEREST_API_URL or
https://api.pinterest.com; --test sends with Pinterest's test flag; --dry-run prints the requests instead;
--threads maps on N threads (default: one per core).`,
}

export async function sendCommand(args: string[]): Promise<number> {
  const { values } = parseCommand('send', args, {
    function: { type: 'string' },
    events: { type: 'string' },
    'api-url': { type: 'string' },
    test: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    threads: { type: 'string' },
  })
  if (!values.function) throw new UsageError('send', 'send needs --function FILE')
  return runSend({
    functionFile: values.function,
    eventsFile: values.events,
    apiUrl: values['api-url'],
    test: values.test,
    dryRun: values['dry-run'],
    threads: values.threads === undefined ? undefined : threadsOf('send', values.threads),
  })
}

export interface SendOptions {
  functionFile: string
  eventsFile?: string
  apiUrl?: string
  test?: boolean
  dryRun?: boolean
  stdin?: Readable
  stdout?: Writable
  stderr?: Writable & { isTTY?: boolean }
  fetch?: FetchLike
  nowMs?: number
  /** How long a partial batch waits for more events (default 500 ms). */
  lingerMs?: number
  /** Mapping threads (default: one per core). */
  threads?: number
}

// Reading stops while this many events wait for an outcome, so a huge file does not fill memory.
const MAX_OUTSTANDING = 20_000
const MAX_LISTED_FAILURES = 20
// Events come from a file as fast as they can be read: wait longer for a full batch than a live pipeline would.
const LINGER_MS = 500
/**
 * A command run holds on through an outage of up to 15 minutes (waits of up to 5 minutes, Retry-After
 * honoured), then reports what it gave up with exit code 1; events stay within Pinterest's window too.
 */
const MAX_RETRY_MS = 15 * 60 * 1000

/** `pinterest-capi send`: maps JSON-lines events and delivers them; exit code 1 when any event failed. */
export async function runSend(options: SendOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const config = await readFunctionFile(options.functionFile)
  const fn = await compileFunction(config)
  const settings = { ...fn.settings, testMode: fn.settings.testMode || options.test === true }
  const apiUrl = options.apiUrl ?? process.env.PINTEREST_API_URL ?? DEFAULT_API_URL
  if (settings.debugMode) stderr.write(`debug: ${describeFunction(fn)}\n`)
  if (options.dryRun) return dryRun(fn, settings.testMode, apiUrl, options, stdout)

  const counts = emptyCounts()
  const failures: string[] = []
  const dispatcher = new Dispatcher({
    apiUrl,
    fetch: options.fetch,
    logger: stderrLogger,
    lingerMs: options.lingerMs ?? LINGER_MS,
    retry: { maxRetryMs: MAX_RETRY_MS },
    shutdownTimeoutMs: MAX_RETRY_MS,
  })
  const input: InputPosition = { bytesRead: 0 }
  const progress = new Progress(stderr, counts, input)
  const outstanding = new Set<Promise<void>>()
  const record = (eventId: string, outcome: Outcome) => {
    if (outcome.status === 'delivered') counts.delivered += 1
    else {
      if (outcome.status === 'failed') counts.failed += 1
      else counts.gaveUp += 1
      if (failures.length < MAX_LISTED_FAILURES) failures.push(`event ${eventId} ${outcome.status}: ${outcome.reason}`)
    }
  }
  const pool = await MappingPool.start(config, options.threads ?? availableParallelism())
  try {
    const chunks = readLineChunks(options.eventsFile, options.stdin, input)
    await mapInChunks(
      chunks,
      pool.size,
      (chunk) => pool.map(chunk.bytes, chunk.firstLine, options.nowMs),
      async (results) => {
        let line = 0
        for (const result of results) {
          // A line's results come together: each new line number is one more line read.
          if (result.line !== line) counts.read += 1
          line = result.line
          if (result.status === 'event') {
            counts.mapped += 1
            const delivery = dispatcher.sendSerialised({ eventId: result.eventId, json: result.json }, settings).then((outcome) => record(result.eventId, outcome))
            outstanding.add(delivery)
            void delivery.finally(() => outstanding.delete(delivery))
          } else if (result.status === 'skipped') counts.skipped += 1
          else if (result.status === 'error') noteError(counts, failures, lineReason(result.line, result.reason))
        }
        while (outstanding.size >= MAX_OUTSTANDING) await Promise.race(outstanding)
      },
    )
  } finally {
    await pool.close()
  }
  await dispatcher.shutdown()
  await Promise.all(outstanding)
  progress.stop()
  writeSummary(stdout, counts, dispatcher.stats.requests)
  for (const failure of failures) stderr.write(`${failure}\n`)
  return counts.failed + counts.gaveUp + counts.mappingErrors > 0 ? 1 : 0
}

/** A line's error as listed: a line that is not JSON says its number already, a mapping's error does not. */
function lineReason(line: number, reason: string): string {
  return reason.startsWith(`line ${line}: `) ? reason : `line ${line}: ${reason}`
}

function noteError(counts: Counts, failures: string[], reason: string): PinterestEvent[] {
  counts.mappingErrors += 1
  if (failures.length < MAX_LISTED_FAILURES) failures.push(reason)
  return []
}

function mapLine(fn: CompiledFunction, value: unknown, line: number, counts: Counts, failures: string[], nowMs?: number): PinterestEvent[] {
  const events: PinterestEvent[] = []
  for (const result of invokeFunction(fn, value, { nowMs })) {
    if (result.status === 'event') {
      counts.mapped += 1
      events.push(result.event)
    } else if (result.status === 'skipped') counts.skipped += 1
    else noteError(counts, failures, `line ${line}: ${result.reason}`)
  }
  return events
}

function writeSummary(out: Writable, c: Counts, requests: number): void {
  out.write(
    `events read: ${c.read}, pinterest events: ${c.mapped}, skipped: ${c.skipped}, mapping errors: ${c.mappingErrors}\n` +
      `delivered: ${c.delivered}, failed: ${c.failed}, gave up: ${c.gaveUp}, requests: ${requests}\n`,
  )
}

/** Prints the requests that would be sent, as many events each as Pinterest takes, with the token redacted. */
async function dryRun(fn: CompiledFunction, testMode: boolean, apiUrl: string, options: SendOptions, out: Writable): Promise<number> {
  const counts = emptyCounts()
  const failures: string[] = []
  let batch: PinterestEvent[] = []
  const url = eventsUrl(apiUrl, { ...fn.settings, testMode })
  const flush = () => {
    if (batch.length === 0) return
    out.write(JSON.stringify({ method: 'POST', url, headers: REDACTED_HEADERS, body: { data: batch } }) + '\n')
    batch = []
  }
  for await (const item of readJsonLines(options.eventsFile, options.stdin)) {
    counts.read += 1
    const events = 'error' in item ? noteError(counts, failures, item.error) : mapLine(fn, item.value, item.line, counts, failures, options.nowMs)
    for (const event of events) {
      batch.push(event)
      if (batch.length === MAX_EVENTS_PER_REQUEST) flush()
    }
  }
  flush()
  const stderr = options.stderr ?? process.stderr
  stderr.write(`dry run: ${counts.mapped} pinterest events from ${counts.read} lines, skipped: ${counts.skipped}, mapping errors: ${counts.mappingErrors}; nothing sent\n`)
  for (const failure of failures) stderr.write(`${failure}\n`)
  return counts.mappingErrors > 0 ? 1 : 0
}
