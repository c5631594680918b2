import path from 'node:path'
import { Worker } from 'node:worker_threads'
import type { RunnerOptions } from './runner'

const RUNNING_SOURCE = __filename.endsWith('.ts')
const ENTRY = path.join(__dirname, RUNNING_SOURCE ? 'runner-thread-entry.ts' : 'runner-thread-entry.js')
const EXEC_ARGV = RUNNING_SOURCE ? ['-r', 'ts-node/register/transpile-only'] : []

/** The PipelineRunner on a worker thread, with its own connection to the same database file. */
export class RunnerThread {
  private constructor(private readonly worker: Worker) {}

  static async start(dbPath: string, options: Omit<RunnerOptions, 'fetch' | 'random'>): Promise<RunnerThread> {
    const worker = new Worker(ENTRY, { workerData: { dbPath, options }, execArgv: EXEC_ARGV })
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve())
      worker.once('error', reject)
      worker.once('exit', (code) => reject(new Error(`the pipeline runner stopped (${code}) before it was ready`)))
    })
    return new RunnerThread(worker)
  }

  notify(): void {
    this.worker.postMessage('notify')
  }

  /** Lets the runner finish: every stored event processed, due deliveries sent once. */
  async stop(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.worker.once('message', () => resolve())
      this.worker.once('exit', () => resolve())
      this.worker.postMessage('stop')
    })
    await this.worker.terminate()
  }
}
