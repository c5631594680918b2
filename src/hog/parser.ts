import type createParserModule from '@posthog/hogql-parser'
import type { MessagePort, Worker } from 'node:worker_threads'

/** A node of PostHog's Hog AST as the WASM parser emits it (JSON). */
export interface HogNode {
  node: string
  start?: { offset: number }
  [key: string]: unknown
}

export interface HogParseError {
  message: string
  /** 0-based character offset in the template text. */
  position: number
}

/** The parser gave no answer for this template: it ran out of time or failed inside (and was replaced). */
export interface HogParseFailure {
  failure: string
}

export type HogParseResult = HogNode | HogParseError | HogParseFailure

export function isParseFailure(result: HogParseResult): result is HogParseFailure {
  return !('node' in result) && 'failure' in result
}

export interface ParseOptions {
  /** How long one parse may take before the parser is replaced; the default suits an HTTP thread. */
  timeoutMs?: number
}

/** Where the parser runs: a disposable worker thread (the default), or in this thread when threads are unavailable. */
export type ParserIsolation = 'worker' | 'in-process'

// A backstop for what the bounds do not foresee, with room for a busy machine (bounded templates parse
// in well under 100 ms). HOG_PARSE_TIMEOUT_MS changes it for a whole process (an operator's knob, and
// how tests reach the limit).
export const DEFAULT_PARSE_TIMEOUT_MS = positiveNumber(process.env.HOG_PARSE_TIMEOUT_MS) ?? 2000
const WORKER_START_TIMEOUT_MS = 10_000

function positiveNumber(text: string | undefined): number | undefined {
  const value = Number(text)
  return text !== undefined && Number.isFinite(value) && value > 0 ? value : undefined
}

type WasmParser = Awaited<ReturnType<typeof createParserModule>>

// Required when first used: a function of prebuilt templates never needs the parser in this thread. The
// name is written out so that the plugin's bundle, which has no parser thread, includes the package.
function createHogQLParser(): Promise<WasmParser> {
  return (require('@posthog/hogql-parser') as { default: typeof createParserModule }).default()
}

interface Backend {
  readonly isolation: ParserIsolation
  readonly parserModule?: string
  /** The parser's JSON answer, or why there is none. */
  parse(text: string, timeoutMs: number): string | HogParseFailure
  /** Settles once a parser replaced after a failure is loaded again. */
  ready?(): Promise<void>
  /** As parse, without blocking this thread (on a parser thread of its own). */
  parseAsync?(text: string, timeoutMs: number): Promise<string | HogParseFailure>
}

let backend: Backend | undefined
let loading: Promise<Backend> | undefined

/**
 * Loads the WebAssembly parser, once per process: on a worker thread of its own where threads exist
 * (the PostHog plugin's sandbox has none), so that a parse that traps or runs away is ended by
 * replacing that thread instead of hanging this one.
 */
export async function loadHogParser(options: LoadOptions = {}): Promise<void> {
  const restart = options.isolation !== undefined && (options.isolation !== backend?.isolation || options.parserModule !== backend?.parserModule)
  if (backend && !restart) return backend.ready?.()
  if (!loading || restart) loading = startBackend(options.isolation, options.parserModule)
  backend = await loading
}

export interface LoadOptions {
  isolation?: ParserIsolation
  /** The module a parser thread loads instead of the parser package (tests give a stand-in); threads only. */
  parserModule?: string
}

async function startBackend(isolation: ParserIsolation | undefined, parserModule: string | undefined): Promise<Backend> {
  if (isolation !== 'in-process') {
    const threaded = await WorkerBackend.start(parserModule).catch(() => undefined)
    if (threaded) return threaded
    if (isolation === 'worker') throw new Error('the Hog parser could not start on a worker thread')
  }
  return InProcessBackend.start()
}

export function parserIsolation(): ParserIsolation | undefined {
  return backend?.isolation
}

// Functions share most templates (every prebuilt mapping reads the same user fields), and a function is
// compiled again on each change, so answers are kept by template text; the oldest go first.
const answers = new Map<string, string>()
const MAX_ANSWERS = 2_000

// The grammar's full-template rule expects the `F'` opener of an f-string; PostHog's own
// `parse_string_template` adds it the same way, which shifts every offset by two.
const PREFIX = "F'"

// The parser's answers for the prebuilt templates, recorded with the package (templates/parsed-templates.json):
// a function of prebuilt mappings compiles without loading the parser, which takes a few hundred milliseconds.
const known = new Map<string, string>()

/** Adds answers the parser gave before, by template text; they are never dropped. */
export function addKnownAnswers(recorded: Record<string, string>): void {
  for (const [text, answer] of Object.entries(recorded)) known.set(text, answer)
}

/** A template needs the parser and it is not loaded (see loadHogParser). */
export class HogParserNotLoadedError extends Error {
  constructor() {
    super('Hog parser not loaded: await loadHogParser() first')
    this.name = 'HogParserNotLoadedError'
  }
}

/**
 * Parses a Hog template string ("Hello {person.properties.name}") into an expression AST:
 * a Constant for plain text, the hole's own expression for a single `{...}`, or a concat() call.
 * Callers bound the template first (templateOutOfBounds): the parser is slow on deep nesting.
 * Throws HogParserNotLoadedError for a template without a known answer while the parser is not loaded.
 */
export function parseTemplateString(text: string, options: ParseOptions = {}): HogParseResult {
  let answer = known.get(text) ?? answers.get(text)
  if (answer === undefined) {
    if (!backend) throw new HogParserNotLoadedError()
    const fresh = backend.parse(PREFIX + text, options.timeoutMs ?? DEFAULT_PARSE_TIMEOUT_MS)
    if (typeof fresh !== 'string') return fresh
    answer = remember(text, fresh)
  }
  // Parsed anew each time: callers get an AST of their own.
  const parsed = JSON.parse(answer)
  if (parsed.error) {
    return { message: String(parsed.message), position: Math.max(0, (parsed.start?.offset ?? PREFIX.length) - PREFIX.length) }
  }
  return parsed as HogNode
}

function remember(text: string, answer: string): string {
  if (answers.size >= MAX_ANSWERS) answers.delete(answers.keys().next().value as string)
  answers.set(text, answer)
  return answer
}

/** A template to parse ahead, with the field a failure is reported on. */
export interface TemplateText {
  field: string
  text: string
}

// A whole configuration's templates, parsed ahead off this thread: what a request may cost the parser.
export const DEFAULT_PARSE_AHEAD_BUDGET_MS = 5_000

/**
 * Parses templates without blocking this thread, so that the synchronous compile that follows finds
 * every answer kept. An HTTP thread calls this before compiling a configuration sent to it: a
 * configuration of many slow templates then costs its own request time (bounded by `budgetMs` in all),
 * not every other request's. Returns the first template that failed, with why; nothing when all parsed
 * (or when there is no parser thread, where the compile parses as usual).
 */
export async function parseTemplatesAhead(templates: TemplateText[], budgetMs = DEFAULT_PARSE_AHEAD_BUDGET_MS): Promise<(TemplateText & HogParseFailure) | undefined> {
  const deadline = Date.now() + budgetMs
  // The clock is read after each parse, not before: the first template gets the whole budget, and its
  // failure names the budget asked for rather than what was left a moment later.
  let left = budgetMs
  for (const template of templates) {
    const parseAsync = backend?.parseAsync?.bind(backend)
    if (!parseAsync) return undefined
    if (known.has(template.text) || answers.has(template.text)) continue
    if (left <= 0) return { ...template, failure: `the templates of this configuration took longer than ${budgetMs} ms to parse` }
    const answer = await parseAsync(PREFIX + template.text, Math.min(left, DEFAULT_PARSE_TIMEOUT_MS))
    if (typeof answer !== 'string') return { ...template, ...answer }
    remember(template.text, answer)
    left = deadline - Date.now()
  }
  return undefined
}

export function nodePosition(node: HogNode): number {
  return Math.max(0, (node.start?.offset ?? PREFIX.length) - PREFIX.length)
}

const TRAPPED: HogParseFailure = { failure: 'the template parser failed on this template (it was restarted)' }

/**
 * In this thread. A WebAssembly trap (stack overflow on deep nesting) leaves the module unusable, so
 * it is dropped and a new one loaded; until that is ready, parsing fails with a reason.
 */
class InProcessBackend implements Backend {
  readonly isolation = 'in-process'
  private restarting: Promise<void> | undefined

  private constructor(private parser: WasmParser | undefined) {}

  static async start(): Promise<InProcessBackend> {
    return new InProcessBackend(await createHogQLParser())
  }

  async ready(): Promise<void> {
    await this.restarting
  }

  parse(text: string): string | HogParseFailure {
    const parser = this.parser
    if (!parser) return { failure: 'the template parser is restarting after a failure; try again' }
    try {
      return parser.parseFullTemplateString(text, false)
    } catch {
      this.parser = undefined
      this.restarting ??= createHogQLParser().then((fresh) => {
        this.parser = fresh
        this.restarting = undefined
      })
      return TRAPPED
    }
  }
}

// Runs as an eval'd worker (plain JavaScript, no TypeScript loader needed). Each answer is posted on
// the channel, then the counter in shared memory is bumped so the waiting thread wakes up.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { port, state, parserPath, warmUp } = workerData
require(parserPath)().then((parser) => {
  for (const text of warmUp) parser.parseFullTemplateString(text, false)
  port.on('message', (text) => {
    let reply
    try {
      reply = { json: parser.parseFullTemplateString(text, false) }
    } catch (error) {
      reply = { trap: String((error && error.message) || error) }
    }
    port.postMessage(reply)
    Atomics.add(state, 0, 1)
    Atomics.notify(state, 0)
  })
  Atomics.store(state, 1, 1)
  Atomics.notify(state, 1)
  parentPort.postMessage('ready')
})
`

type Threads = typeof import('node:worker_threads')

const PARSER_PACKAGE = '@posthog/hogql-parser'

// Every parser thread parses typical shapes before it takes a template: a new module's first parses are
// slow (the parser builds its caches), and a template's time limit must not pay for that. A thread that
// replaced a failed one is no exception: started cold, its first template would time out under load and
// replace it again, cold again, so that one slow parse would fail every template after it.
const WARM_UP = [
  '{event.properties.email ?? person.properties.email}',
  '{lower(trim(toString(event.properties.email)))}',
  "{event.properties.$os == 'Android' ? 'app_android' : 'app_ios'}",
  "{arrayMap(x -> {'id': x.id, 'quantity': x.quantity}, event.properties.products ?? [])}",
  'order {event.uuid} at {event.timestamp}',
].map((text) => PREFIX + text)

interface Thread {
  worker: Worker
  port: MessagePort
  /** [0]: answers given; [1]: 1 once the parser is loaded. */
  state: Int32Array
  exited: boolean
}

/**
 * A worker thread that owns the parser, called synchronously: the request goes over a message
 * channel, this thread sleeps in Atomics.wait (bounded by the time limit) and reads the answer with
 * receiveMessageOnPort. On a timeout or a trap the thread is terminated and a fresh one started.
 */
class WorkerBackend implements Backend {
  readonly isolation = 'worker'
  private thread: Thread

  private constructor(
    private readonly threads: Threads,
    private readonly parserPath: string,
    readonly parserModule: string | undefined,
  ) {
    this.thread = this.spawn()
  }

  static async start(parserModule?: string): Promise<WorkerBackend> {
    // A sandbox without worker_threads (the PostHog plugin's) throws here, and the parser runs in-process.
    const threads = require('node:worker_threads') as Threads
    // A name in a variable: a bundler leaves the lookup to run time (the worker loads the installed package).
    const backend = new WorkerBackend(threads, parserModule ?? require.resolve(PARSER_PACKAGE), parserModule)
    await backend.whenReady()
    return backend
  }

  /** A thread says it is ready once it has parsed the warm-up templates. */
  private spawn(): Thread {
    const { port1, port2 } = new this.threads.MessageChannel()
    const state = new Int32Array(new SharedArrayBuffer(8))
    const worker = new this.threads.Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, state, parserPath: this.parserPath, warmUp: WARM_UP },
      transferList: [port2],
    })
    // The parser thread must never keep a process alive, nor take it down with it.
    worker.unref()
    worker.on('error', () => undefined)
    const thread: Thread = { worker, port: port1, state, exited: false }
    worker.on('exit', () => {
      thread.exited = true
    })
    return thread
  }

  private whenReady(): Promise<void> {
    const { worker } = this.thread
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        void worker.terminate()
        reject(new Error('the Hog parser thread did not start'))
      }, WORKER_START_TIMEOUT_MS)
      worker.once('message', () => {
        clearTimeout(timer)
        resolve()
      })
      worker.once('exit', () => {
        clearTimeout(timer)
        reject(new Error('the Hog parser thread stopped'))
      })
    })
  }

  private replace(): void {
    const old = this.thread
    this.thread = this.spawn()
    old.port.close()
    void old.worker.terminate()
  }

  /**
   * A second parser thread, answered by messages: parses run one at a time in arrival order, so that
   * one request's templates cannot interleave with another's on the channel.
   */
  private aheadThread: Thread | undefined
  private aheadQueue: Promise<unknown> = Promise.resolve()

  parseAsync(text: string, timeoutMs: number): Promise<string | HogParseFailure> {
    // As in parse(): a template that trapped is tried once more, on a fresh thread.
    const once = () => this.parseOnAheadThread(text, timeoutMs)
    const run = this.aheadQueue.then(once).then((answer) => (answer === TRAPPED ? once() : answer))
    this.aheadQueue = run.catch(() => undefined)
    return run
  }

  private async parseOnAheadThread(text: string, timeoutMs: number): Promise<string | HogParseFailure> {
    if (!this.aheadThread || this.aheadThread.exited) this.aheadThread = this.spawn()
    const thread = this.aheadThread
    const answer = await new Promise<{ json?: string } | 'timed-out' | 'exited'>((resolve) => {
      // A thread still loading its parser gets the start-up allowance on top.
      const allowed = timeoutMs + (Atomics.load(thread.state, 1) === 1 ? 0 : WORKER_START_TIMEOUT_MS)
      const done = (result: { json?: string } | 'timed-out' | 'exited') => {
        clearTimeout(timer)
        thread.port.off('message', done)
        thread.worker.off('exit', exited)
        thread.port.unref()
        resolve(result)
      }
      const exited = () => done('exited')
      const timer = setTimeout(() => done('timed-out'), allowed)
      thread.port.on('message', done)
      thread.worker.on('exit', exited)
      thread.port.postMessage(text)
    })
    if (typeof answer !== 'string' && answer.json !== undefined) return answer.json
    this.aheadThread = undefined
    thread.port.close()
    void thread.worker.terminate()
    return answer === 'timed-out' ? { failure: `the template took longer than ${timeoutMs} ms to parse` } : TRAPPED
  }

  /**
   * A trap can come from the module rather than the template: an earlier template may have left it broken.
   * So a template that trapped is given once to the fresh thread, which decides.
   */
  parse(text: string, timeoutMs: number): string | HogParseFailure {
    const answer = this.parseOnce(text, timeoutMs)
    return answer === TRAPPED ? this.parseOnce(text, timeoutMs) : answer
  }

  private parseOnce(text: string, timeoutMs: number): string | HogParseFailure {
    if (this.thread.exited) this.thread = this.spawn()
    const { state, port } = this.thread
    if (Atomics.wait(state, 1, 0, WORKER_START_TIMEOUT_MS) === 'timed-out') {
      this.replace()
      return { failure: 'the template parser did not start in time; try again' }
    }
    const answered = Atomics.load(state, 0)
    port.postMessage(text)
    if (Atomics.wait(state, 0, answered, timeoutMs) === 'timed-out') {
      this.replace()
      return { failure: `the template took longer than ${timeoutMs} ms to parse` }
    }
    const reply = this.threads.receiveMessageOnPort(port)?.message as { json?: string; trap?: string } | undefined
    if (reply?.json === undefined) {
      this.replace()
      return TRAPPED
    }
    return reply.json
  }
}
