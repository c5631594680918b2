import { PRUNE_CHUNK, Store } from '../../store/types'
import { DeliverySender, SenderOptions } from './delivery-sender'
import { EventProcessor } from './event-processor'
import { FunctionRegistry } from './function-registry'

export interface RunnerOptions extends SenderOptions {
  /** How often the queues are polled when nothing wakes the runner. */
  pollMs?: number
  /** Settled deliveries (delivered, failed, gave_up) and logs older than this are pruned (default 7 days). */
  retentionMs?: number
}

const PRUNE_EVERY_MS = 60 * 60 * 1000
// Processed events are only kept for looking into recent problems: a day is plenty, and they are large.
const EVENT_RETENTION_MS = 24 * 3600 * 1000
const BATCH_SIZE = 500
const ROUND_GAP_MS = 20

/** Runs the two stages in the background: events → deliveries, deliveries → Pinterest. */
export class PipelineRunner {
  private readonly processor: EventProcessor
  private readonly sender: DeliverySender
  private running = false
  private stopping = false
  private loop?: Promise<void>
  private wake?: () => void
  private lastPrune = 0

  constructor(
    private readonly store: Store,
    private readonly options: RunnerOptions = {},
  ) {
    const registry = new FunctionRegistry(store.functions)
    this.processor = new EventProcessor(store, registry, BATCH_SIZE)
    this.sender = new DeliverySender(store, registry, options)
  }

  start(): void {
    if (this.running) return
    this.running = true
    this.loop = this.run()
  }

  /** New events were stored: do not wait for the next poll. */
  notify(): void {
    this.wake?.()
  }

  /** Finishes the current round, turns every stored event into deliveries and sends what is due once. */
  async stop(): Promise<void> {
    this.stopping = true
    this.wake?.()
    await this.loop
    while (this.processor.runOnce() > 0) {}
    await this.sender.runOnce()
    this.running = false
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let processed = 0
      let sent = 0
      try {
        processed = this.processor.runOnce()
        sent = await this.sender.runOnce()
        await this.prune()
      } catch (error) {
        // Stored events stay queued: report, wait a moment, and go on rather than stop processing for good.
        process.stderr.write(`pipeline round failed, retrying in 1 s: ${(error as Error).message}\n`)
        await this.sleep(1000, false)
        continue
      }
      if (processed >= BATCH_SIZE) continue
      if (processed === 0 && sent === 0) await this.sleep(this.options.pollMs ?? 50, true)
      // Under a steady trickle, a short pause gathers events into batches instead of a round per request.
      else await this.sleep(ROUND_GAP_MS, false)
    }
  }

  /** Deletes old rows a chunk at a time, letting capture commit between chunks. */
  private async prune(): Promise<void> {
    const now = Date.now()
    if (now - this.lastPrune < PRUNE_EVERY_MS) return
    this.lastPrune = now
    const retention = this.options.retentionMs ?? 7 * 24 * 3600 * 1000
    const steps = [
      () => this.store.events.prune(now - EVENT_RETENTION_MS),
      () => this.store.deliveries.prune(now - retention),
      () => this.store.logs.prune(new Date(now - retention).toISOString()),
    ]
    for (const step of steps) {
      while (!this.stopping && step() >= PRUNE_CHUNK) await new Promise((resolve) => setImmediate(resolve))
    }
  }

  private sleep(ms: number, wakeable: boolean): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms)
      function done() {
        clearTimeout(timer)
        resolve()
      }
      this.wake = wakeable ? done : undefined
    })
  }
}
