import { Worker } from 'node:worker_threads'
import { ConfigError } from '../errors'
import { workerScript } from '../worker-script'

/**
 * One line's result: a Pinterest event as UTF-8 JSON bytes (in a buffer of its own, moved from the
 * worker without a copy), or why there is none.
 */
export type MappedResult =
  | { line: number; mapping: string; status: 'event'; eventId: string; json: Uint8Array; warnings: string[] }
  | { line: number; mapping: string | null; status: 'skipped' | 'error' | 'filtered'; reason: string }

export interface WorkerRequest {
  id: number
  lines: string[]
  firstLine: number
  nowMs?: number
}

export type WorkerReply = { type: 'ready'; description: string; debugMode: boolean } | { type: 'failed'; field: string; detail: string } | { type: 'mapped'; id: number; results: MappedResult[] }

const WORKER = workerScript(__filename, 'mapping-worker')

// Mapping makes short-lived garbage (parsed input, built events); a young generation larger than the
// default lets more of it die young instead of being copied and promoted.
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 64 }

interface Pending {
  resolve: (results: MappedResult[]) => void
  lines: number
  firstLine: number
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
    /** The compiled function, described on one line (its token redacted), and whether its debug_mode is on. */
    readonly compiled: { description: string; debugMode: boolean },
  ) {
    for (const slot of slots) {
      slot.worker.on('message', (reply: WorkerReply) => {
        if (reply.type !== 'mapped') return
        slot.pending.get(reply.id)?.resolve(reply.results)
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
      pending.resolve(results)
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
    return new MappingPool(
      workers.map((worker) => ({ worker, pending: new Map() })),
      replies[0],
    )
  }

  /**
   * Maps lines of JSON text; `firstLine` numbers them in the results (1-based, as in a file). A blank line has
   * no result (its number is still counted).
   */
  map(lines: string[], firstLine = 1, nowMs?: number): Promise<MappedResult[]> {
    if (this.slots.length === 0) return Promise.reject(new Error('no mapping worker is running'))
    const slot = this.slots.reduce((best, s) => (s.pending.size < best.pending.size ? s : best))
    const id = this.nextId++
    return new Promise((resolve) => {
      slot.pending.set(id, { resolve, lines: lines.length, firstLine })
      slot.worker.postMessage({ id, lines, firstLine, nowMs } satisfies WorkerRequest)
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

function ready(worker: Worker): Promise<Extract<WorkerReply, { type: 'ready' }>> {
  return new Promise((resolve, reject) => {
    worker.once('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') resolve(reply)
      else if (reply.type === 'failed') reject(new ConfigError(reply.field, reply.detail))
    })
    worker.once('error', reject)
  })
}
