import { once } from 'node:events'
import { availableParallelism } from 'node:os'
import type { Readable, Writable } from 'node:stream'
import { type Destination, Dispatcher, type Outcome } from '../delivery/dispatcher'
import { stderrLogger } from '../logger'
import { DEFAULT_API_URL, eventsUrl, type FetchLike, MAX_EVENTS_PER_REQUEST, REDACTED_HEADERS, requestBody, type SerialisedEvent } from '../pinterest/client'
import { type InputPosition, readLineChunks } from './json-lines'
import { type MappedResult, MappingPool } from '../mapping/mapping-pool'
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

/** `pinterest-capi send`: maps JSON-lines events on a thread per core and delivers them; exit code 1 when any event failed. */
export async function runSend(options: SendOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr
  const pool = await MappingPool.start(await readFunctionFile(options.functionFile), options.threads ?? availableParallelism())
  const { settings: compiled, description } = pool.compiled
  const settings = { ...compiled, testMode: compiled.testMode || options.test === true }
  const apiUrl = options.apiUrl ?? process.env.PINTEREST_API_URL ?? DEFAULT_API_URL
  if (settings.debugMode) stderr.write(`debug: ${description}\n`)
  try {
    return await (options.dryRun ? dryRun(pool, settings, apiUrl, options) : deliver(pool, settings, apiUrl, options))
  } finally {
    // Closed already once the input is mapped; this is for a run that failed before it got there.
    await pool.close()
  }
}

type MappedEvent = Extract<MappedResult, { status: 'event' }>

/**
 * Maps the input on the pool's threads and closes the pool when it is done: each line's results counted,
 * its events handed to `take` in input order, and `afterChunk` awaited after each chunk (to hold reading back).
 */
async function mapInput(
  pool: MappingPool,
  options: SendOptions,
  run: { counts: Counts; failures: string[]; input?: InputPosition },
  take: (event: MappedEvent) => void,
  afterChunk: () => Promise<void>,
): Promise<void> {
  const { counts, failures } = run
  try {
    const chunks = readLineChunks(options.eventsFile, options.stdin, run.input)
    await mapInChunks(
      chunks,
      pool.size,
      (chunk) => pool.map(chunk.bytes, chunk.firstLine, options.nowMs, chunk.lines),
      async (results) => {
        let line = 0
        for (const result of results) {
          // A line's results come together: each new line number is one more line read.
          if (result.line !== line) counts.read += 1
          line = result.line
          if (result.status === 'event') {
            counts.mapped += 1
            take(result)
          } else if (result.status === 'skipped') counts.skipped += 1
          else if (result.status === 'error') noteError(counts, failures, lineReason(result.line, result.reason))
        }
        await afterChunk()
      },
    )
  } finally {
    await pool.close()
  }
}

async function deliver(pool: MappingPool, settings: Destination, apiUrl: string, options: SendOptions): Promise<number> {
  const stderr = options.stderr ?? process.stderr
  const run = { counts: emptyCounts(), failures: [] as string[], input: { bytesRead: 0 } }
  const { counts, failures } = run
  const dispatcher = new Dispatcher({
    apiUrl,
    fetch: options.fetch,
    logger: stderrLogger,
    lingerMs: options.lingerMs ?? LINGER_MS,
    retry: { maxRetryMs: MAX_RETRY_MS },
    shutdownTimeoutMs: MAX_RETRY_MS,
  })
  const progress = new Progress(stderr, counts, run.input)
  const outstanding = new Set<Promise<void>>()
  const record = (eventId: string, outcome: Outcome) => {
    if (outcome.status === 'delivered') counts.delivered += 1
    else {
      if (outcome.status === 'failed') counts.failed += 1
      else counts.gaveUp += 1
      if (failures.length < MAX_LISTED_FAILURES) failures.push(`event ${eventId} ${outcome.status}: ${outcome.reason}`)
    }
  }
  const take = (result: MappedEvent) => {
    const delivery = dispatcher.sendSerialised({ eventId: result.eventId, json: result.json }, settings).then((outcome) => record(result.eventId, outcome))
    outstanding.add(delivery)
    void delivery.finally(() => outstanding.delete(delivery))
  }
  await mapInput(pool, options, run, take, async () => {
    while (outstanding.size >= MAX_OUTSTANDING) await Promise.race(outstanding)
  })
  await dispatcher.shutdown()
  await Promise.all(outstanding)
  progress.stop()
  writeSummary(options.stdout ?? process.stdout, counts, dispatcher.stats.requests)
  for (const failure of failures) stderr.write(`${failure}\n`)
  return counts.failed + counts.gaveUp + counts.mappingErrors > 0 ? 1 : 0
}

/** A line's error as listed: a line that is not JSON says its number already, a mapping's error does not. */
function lineReason(line: number, reason: string): string {
  return reason.startsWith(`line ${line}: `) ? reason : `line ${line}: ${reason}`
}

function noteError(counts: Counts, failures: string[], reason: string): void {
  counts.mappingErrors += 1
  if (failures.length < MAX_LISTED_FAILURES) failures.push(reason)
}

function writeSummary(out: Writable, c: Counts, requests: number): void {
  out.write(
    `events read: ${c.read}, pinterest events: ${c.mapped}, skipped: ${c.skipped}, mapping errors: ${c.mappingErrors}\n` +
      `delivered: ${c.delivered}, failed: ${c.failed}, gave up: ${c.gaveUp}, requests: ${requests}\n`,
  )
}

/**
 * Prints the requests that would be sent, as many events each as Pinterest takes, with the token redacted:
 * mapped on the pool's threads as a real run maps, each body built as a real request's is.
 */
async function dryRun(pool: MappingPool, settings: Destination, apiUrl: string, options: SendOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout
  const run = { counts: emptyCounts(), failures: [] as string[] }
  const { counts, failures } = run
  const head = utf8.encode(`{"method":"POST","url":${JSON.stringify(eventsUrl(apiUrl, settings))},"headers":${JSON.stringify(REDACTED_HEADERS)},"body":`)
  const tail = utf8.encode('}\n')
  let batch: SerialisedEvent[] = []
  let printed: Uint8Array[] = []
  const cut = () => {
    if (batch.length === 0) return
    const body = requestBody(batch)
    printed.push(head, typeof body === 'string' ? utf8.encode(body) : body, tail)
    batch = []
  }
  const write = async () => {
    const output = Buffer.concat(printed)
    printed = []
    if (output.length > 0 && !stdout.write(output)) await once(stdout, 'drain')
  }
  const take = (result: MappedEvent) => {
    batch.push({ eventId: result.eventId, json: result.json })
    if (batch.length === MAX_EVENTS_PER_REQUEST) cut()
  }
  await mapInput(pool, options, run, take, write)
  cut()
  await write()
  const stderr = options.stderr ?? process.stderr
  stderr.write(`dry run: ${counts.mapped} pinterest events from ${counts.read} lines, skipped: ${counts.skipped}, mapping errors: ${counts.mappingErrors}; nothing sent\n`)
  for (const failure of failures) stderr.write(`${failure}\n`)
  return counts.mappingErrors > 0 ? 1 : 0
}

const utf8 = new TextEncoder()
