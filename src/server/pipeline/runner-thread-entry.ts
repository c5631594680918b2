import { parentPort, workerData } from 'node:worker_threads'
import { loadHogParser } from '../../hog/parser'
import { openStore } from '../../store/open-store'
import { ConfigNotifications } from '../../store/postgres/config-notifications'
import { isPostgresUrl } from '../../store/postgres/database'
import type { StoreKeys } from '../../store/sqlite/database'
import type { ConfigChanges } from './function-registry'
import { PipelineRunner, type RunnerOptions } from './runner'
import type { FromRunner, ToRunner } from './runner-thread'

/** On Postgres, other processes save functions: the registry reloads when told (ConfigNotifications). */
async function watchConfig(database: string, name: string): Promise<{ changes?: ConfigChanges; stop(): Promise<void> }> {
  if (!isPostgresUrl(database)) return { stop: async () => {} }
  const changes = { generation: 0 }
  const notifications = new ConfigNotifications(database, () => (changes.generation += 1), { applicationName: `${name} config` })
  // Listening before the registry's first read: nothing saved after that read goes unnoticed.
  await notifications.start()
  return { changes, stop: () => notifications.stop() }
}

// The background runner (or one of its stages) on its own thread and its own database connection, so that
// mapping and delivery never hold up the HTTP thread that takes captures.
async function main(): Promise<void> {
  const port = parentPort
  if (!port) throw new Error('runner-thread-entry runs inside a worker thread')
  const {
    database,
    options: { secretKeys, ...options },
  } = workerData as { database: string; options: RunnerOptions & StoreKeys }
  await loadHogParser()
  const name = `pinterest-capi runner${options.stage ? ` ${options.stage}` : ''}`
  const store = openStore(database, { secretKeys, applicationName: name })
  const config = await watchConfig(database, name)
  const onDeliveries = options.stage === 'map' ? () => port.postMessage('deliveries' satisfies FromRunner) : undefined
  const runner = new PipelineRunner(store, { ...options, onDeliveries }, config.changes)
  runner.start()
  port.on('message', (message: ToRunner) => {
    if (message === 'notify') runner.notify()
    else if (message === 'deliveries') runner.notifyDeliveries()
    else
      void runner.stop().then(async () => {
        await config.stop()
        store.close()
        port.postMessage('stopped' satisfies FromRunner)
      })
  })
  port.postMessage('ready' satisfies FromRunner)
}

void main()
