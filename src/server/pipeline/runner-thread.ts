import { Worker } from 'node:worker_threads'
import { workerScript } from '../../worker-script'
import type { StoreKeys } from '../../store/sqlite/database'
import type { RunnerOptions } from './runner'

const ENTRY = workerScript(__filename, 'runner-thread-entry')

// The secret keys ride along to open the thread's own connection; the runner itself never sees them.
type Options = Omit<RunnerOptions, 'fetch' | 'random' | 'now'> & StoreKeys

// Far above what bounded batches and persons need; a thread that still runs out stops alone, not the server.
const DEFAULT_MEMORY_MB = 1024

async function spawn(database: string, options: Options): Promise<Worker> {
  const worker = new Worker(ENTRY.file, {
    workerData: { database, options },
    execArgv: ENTRY.execArgv,
    resourceLimits: { maxOldGenerationSizeMb: options.memoryMb ?? DEFAULT_MEMORY_MB },
  })
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve())
    worker.once('error', reject)
    worker.once('exit', (code) => reject(new Error(`the pipeline runner stopped (${code}) before it was ready`)))
  })
  return worker
}

/**
 * The PipelineRunner on a worker thread, with its own connection to the same database (file or URL). A thread
 * that dies (an error, or its heap limit reached) is reported and started again: captured events wait in
 * the queue meanwhile, and the batch it died in is retried one event at a time.
 */
export class RunnerThread {
  private stopping = false

  private constructor(
    private worker: Worker,
    private readonly database: string,
    private readonly options: Options,
  ) {
    this.watch()
  }

  static async start(database: string, options: Options): Promise<RunnerThread> {
    return new RunnerThread(await spawn(database, options), database, options)
  }

  private watch(): void {
    const worker = this.worker
    worker.on('error', (error) => process.stderr.write(`pipeline thread failed: ${error.message}\n`))
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

  notify(): void {
    this.worker.postMessage('notify')
  }

  /** Lets the runner finish: every stored event processed, due deliveries sent once. */
  async stop(): Promise<void> {
    this.stopping = true
    const worker = this.worker
    await new Promise<void>((resolve) => {
      worker.once('message', () => resolve())
      worker.once('exit', () => resolve())
      worker.postMessage('stop')
    })
    await worker.terminate()
  }
}
