import { Worker } from 'node:worker_threads'
import { workerScript } from '../../worker-script'
import type { StoreKeys } from '../../store/sqlite/database'
import type { RunnerOptions } from './runner'

const ENTRY = workerScript(__filename, 'runner-thread-entry')

// The secret keys ride along to open the thread's own connection; the runner itself never sees them.
type Options = Omit<RunnerOptions, 'fetch' | 'random' | 'now' | 'onDeliveries'> & StoreKeys

/** What a runner thread is told: events were captured, deliveries were made (by the mapping thread), stop. */
export type ToRunner = 'notify' | 'deliveries' | 'stop'
/** What a runner thread tells: it started, its mapping made deliveries, it stopped. */
export type FromRunner = 'ready' | 'deliveries' | 'stopped'

// Far above what bounded batches and persons need; a thread that still runs out stops alone, not the server.
const DEFAULT_MEMORY_MB = 1024

async function spawn(database: string, options: Options): Promise<Worker> {
  const worker = new Worker(ENTRY.file, {
    workerData: { database, options },
    execArgv: ENTRY.execArgv,
    resourceLimits: { maxOldGenerationSizeMb: options.memoryMb ?? DEFAULT_MEMORY_MB },
  })
  await new Promise<void>((resolve, reject) => {
    const ready = (message: FromRunner) => {
      if (message !== 'ready') return
      worker.off('message', ready)
      resolve()
    }
    worker.on('message', ready)
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the pipeline runner stopped (${code}) before it was ready`)))
  })
  return worker
}

/**
 * A PipelineRunner on a worker thread, with its own connection to the same database (file or URL). A thread
 * that dies (an error, or its heap limit reached) is reported and started again: captured events wait in
 * the queue meanwhile, and the batch it died in is retried one event at a time.
 */
export class RunnerThread {
  private stopping = false

  private constructor(
    private worker: Worker,
    private readonly database: string,
    private readonly options: Options,
    private readonly onDeliveries: () => void,
  ) {
    this.watch()
  }

  static async start(database: string, options: Options, onDeliveries: () => void = () => {}): Promise<RunnerThread> {
    return new RunnerThread(await spawn(database, options), database, options, onDeliveries)
  }

  private watch(): void {
    const worker = this.worker
    worker.on('error', (error) => process.stderr.write(`pipeline thread failed: ${error.message}\n`))
    worker.on('message', (message: FromRunner) => {
      if (message === 'deliveries') this.onDeliveries()
    })
    worker.once('exit', (code) => {
      if (this.stopping || worker !== this.worker) return
      process.stderr.write(`pipeline thread stopped (${code}); starting it again in 1 s\n`)
      setTimeout(() => void this.restart(), 1000).unref()
    })
  }

  private async restart(): Promise<void> {
    if (this.stopping) return
    try {
      this.worker = await spawn(this.database, this.options)
      this.watch()
    } catch (error) {
      process.stderr.write(`pipeline thread could not start: ${(error as Error).message}; trying again in 5 s\n`)
      setTimeout(() => void this.restart(), 5000).unref()
    }
  }

  tell(message: Exclude<ToRunner, 'stop'>): void {
    this.worker.postMessage(message)
  }

  /** Lets the runner finish: every stored event processed, due deliveries sent once. */
  async stop(): Promise<void> {
    this.stopping = true
    const worker = this.worker
    await new Promise<void>((resolve) => {
      worker.on('message', (message: FromRunner) => message === 'stopped' && resolve())
      worker.once('exit', () => resolve())
      worker.postMessage('stop' satisfies ToRunner)
    })
    await worker.terminate()
  }
}

/**
 * The server's pipeline: mapping on one thread, sending on another, each with its own connection, so that
 * a busy pipeline uses two cores rather than one (the queue between them is the deliveries table). The
 * mapping thread tells the sending one, through this thread, when it made deliveries.
 */
export class PipelineThreads {
  private constructor(
    private readonly mapping: RunnerThread,
    private readonly sending: RunnerThread,
  ) {}

  static async start(database: string, options: Options): Promise<PipelineThreads> {
    // Deliveries made before the sending thread is up need no word: its first round looks for them.
    let sending: RunnerThread | undefined
    const started = await Promise.allSettled([
      RunnerThread.start(database, { ...options, stage: 'map' }, () => sending?.tell('deliveries')),
      RunnerThread.start(database, { ...options, stage: 'send' }),
    ])
    const [mapping, sent] = started.map((result) => (result.status === 'fulfilled' ? result.value : undefined))
    if (mapping && sent) {
      sending = sent
      return new PipelineThreads(mapping, sent)
    }
    await Promise.all([mapping?.stop(), sent?.stop()])
    throw (started.find((result) => result.status === 'rejected') as PromiseRejectedResult).reason
  }

  /** Events were captured: the mapping thread takes them now rather than at its next poll. */
  notify(): void {
    this.mapping.tell('notify')
  }

  /** Every stored event mapped, then what is due sent once. */
  async stop(): Promise<void> {
    await this.mapping.stop()
    await this.sending.stop()
  }
}
