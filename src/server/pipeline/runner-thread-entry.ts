import { parentPort, workerData } from 'node:worker_threads'
import { loadHogParser } from '../../hog/parser'
import { openSqliteStore, type StoreKeys } from '../../store/sqlite/database'
import { PipelineRunner, type RunnerOptions } from './runner'

// The background runner on its own thread and its own database connection, so that mapping and delivery
// never hold up the HTTP thread that takes captures.
async function main(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('runner-thread-entry runs inside a worker thread')
  const {
    dbPath,
    options: { secretKeys, ...options },
  } = workerData as { dbPath: string; options: RunnerOptions & StoreKeys }
  await loadHogParser()
  const store = openSqliteStore(dbPath, { secretKeys })
  const runner = new PipelineRunner(store, options)
  runner.start()
  port.on('message', (message: 'notify' | 'stop') => {
    if (message === 'notify') runner.notify()
    else
      void runner.stop().then(() => {
        store.close()
        port.postMessage('stopped')
      })
  })
  port.postMessage('ready')
}

void main()
