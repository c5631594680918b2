import { Worker } from 'node:worker_threads'
import type { Destination } from '../delivery/dispatcher'
import { ConfigError, type ConfigProblem } from '../errors'
import { lineCount } from '../json'
import { Secret } from '../secret'
import { workerScript } from '../worker-script'
import { noOutcomes, type OutcomeCounts, printedLine } from './printed-lines'

/**
 * One line's result: a Pinterest event as UTF-8 JSON bytes (in a buffer of its own, moved from the
 * worker without a copy), or why there is none.
 */
export type MappedResult =
  | { line: number; mapping: string; status: 'event'; eventId: string; json: Uint8Array; warnings: string[] }
  | { line: number; mapping: string | null; status: 'skipped' | 'error' | 'filtered'; reason: string }

/** A chunk's output as `pinterest-capi map` prints it, as UTF-8 in one buffer, and how many results of each kind it holds. */
export interface PrintedChunk {
  output: Uint8Array
  counts: OutcomeCounts
}

export interface WorkerRequest {
  id: number
  /** The lines, or JSON-lines text as UTF-8 (moved to the worker, not copied), which the worker splits. */
  text: string[] | Uint8Array
  firstLine: number
  nowMs?: number
  /** Answer with the printed output instead of the results. */
  print?: boolean
}

export type WorkerReply =
  | { type: 'ready'; description: string; settings: Omit<Destination, 'conversionToken'> & { conversionToken: string } }
  | { type: 'failed'; problems: ConfigProblem[] }
  | { type: 'mapped'; id: number; results: MappedResult[] }
  | { type: 'printed'; id: number; output: Uint8Array; counts: OutcomeCounts }

const WORKER = workerScript(__filename, 'mapping-worker')

// Mapping makes short-lived garbage (parsed input, built events); a young generation larger than the
// default lets more of it die young instead of being copied and promoted.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 64 }

interface Pending {
  resolve: (reply: MappedResult[] | PrintedChunk) => void
  lines: number
  firstLine: number
  print: boolean
}

interface Slot {
  worker: Worker
  pending: Map<number, Pending>
}

/**
 * Maps JSON-lines text on worker threads, one compiled function per thread, so that mapping uses
 * every core while the main thread does I/O and delivery. Results come back in input order with the
 * Pinterest events already serialised to UTF-8, each in its own buffer that moves between threads without a copy.
 */
export class MappingPool {
  private nextId = 0
  private closing = false

  private constructor(
    private readonly slots: Slot[],
    /** The compiled function, described on one line (its token redacted), and where its events go. */
    readonly compiled: { description: string; settings: Destination },
  ) {
    for (const slot of slots) {
      slot.worker.on('message', (reply: WorkerReply) => {
        if (reply.type !== 'mapped' && reply.type !== 'printed') return
        slot.pending.get(reply.id)?.resolve(reply.type === 'mapped' ? reply.results : { output: reply.output, counts: reply.counts })
        slot.pending.delete(reply.id)
      })
      slot.worker.on('error', (error) => this.lose(slot, `mapping worker failed: ${error.message}`))
      slot.worker.on('exit', () => this.lose(slot, 'mapping worker stopped'))
    }
  }

  /** A worker that dies takes no line with it: each of its lines gets an error result. */
  private lose(slot: Slot, reason: string): void {
    for (const [id, pending] of slot.pending) {
      const results = Array.from({ length: pending.lines }, (_, i): MappedResult => ({ line: pending.firstLine + i, mapping: null, status: 'error', reason }))
      pending.resolve(pending.print ? printedErrors(results) : results)
      slot.pending.delete(id)
    }
    const index = this.slots.indexOf(slot)
    if (!this.closing && index >= 0) this.slots.splice(index, 1)
  }

  /** Starts `size` threads, each compiling `config`; a bad configuration rejects with a ConfigError. */
  static async start(config: unknown, size: number): Promise<MappingPool> {
    const workers = Array.from({ length: Math.max(1, size) }, () => new Worker(WORKER.file, { workerData: { config }, execArgv: WORKER.execArgv, resourceLimits: WORKER_LIMITS }))
    let replies: Extract<WorkerReply, { type: 'ready' }>[]
    try {
      replies = await Promise.all(workers.map(ready))
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()))
      throw error
    }
    // The threads compile the function; the main thread takes its settings from the first, and compiles nothing.
    const { description, settings } = replies[0]
    return new MappingPool(
      workers.map((worker) => ({ worker, pending: new Map() })),
      { description, settings: { ...settings, conversionToken: new Secret(settings.conversionToken) } },
    )
  }

  /**
   * Maps lines of JSON text, given as lines or as UTF-8 JSON-lines text (whose buffer moves to the thread and
   * is unusable here afterwards); `firstLine` numbers them in the results (1-based, as in a file). A blank
   * line has no result (its number is still counted). `lines`, the text's lineCount, saves counting again.
   */
  map(text: string[] | Uint8Array, firstLine = 1, nowMs?: number, lines?: number): Promise<MappedResult[]> {
    return this.send({ text, firstLine, nowMs }, lines) as Promise<MappedResult[]>
  }

  /** As map, answered with the output `pinterest-capi map` prints for the lines, in one buffer. */
  print(text: Uint8Array, firstLine = 1, nowMs?: number, lines?: number): Promise<PrintedChunk> {
    return this.send({ text, firstLine, nowMs, print: true }, lines) as Promise<PrintedChunk>
  }

  private send(given: Omit<WorkerRequest, 'id'>, knownLines: number | undefined): Promise<MappedResult[] | PrintedChunk> {
    const request = Array.isArray(given.text) || ownsItsBuffer(given.text) ? given : { ...given, text: new Uint8Array(given.text) }
    if (this.slots.length === 0) return Promise.reject(new Error('no mapping worker is running'))
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best))
    const id = this.nextId++
    const lines = Array.isArray(request.text) ? request.text.length : (knownLines ?? lineCount(request.text))
    return new Promise((resolve) => {
      slot.pending.set(id, { resolve, lines, firstLine: request.firstLine, print: request.print === true })
      const transfer = Array.isArray(request.text) ? [] : [request.text.buffer as ArrayBuffer]
      slot.worker.postMessage({ id, ...request } satisfies WorkerRequest, transfer)
    })
  }

  get size(): number {
    return this.slots.length
  }

  async close(): Promise<void> {
    this.closing = true
    await Promise.all(this.slots.map((s) => s.worker.terminate()))
  }
}

// Only bytes that fill their buffer are moved to a thread as they are; others are copied, so that moving
// them cannot take away the rest of a caller's buffer.
const ownsItsBuffer = (bytes: Uint8Array): boolean => bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength

function printedErrors(results: MappedResult[]): PrintedChunk {
  const counts = noOutcomes()
  counts.error = results.length
  const text = results.map((r) => (r.status === 'event' ? '' : printedLine(r.line, r))).join('')
  return { output: new TextEncoder().encode(text), counts }
}

function ready(worker: Worker): Promise<Extract<WorkerReply, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') resolve(reply)
      else if (reply.type === 'failed') {
        const [first, ...more] = reply.problems
        reject(new ConfigError(first.field, first.detail, more))
      }
    })
    worker.once('error', reject)
  })
}
