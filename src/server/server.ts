import type { AddressInfo } from 'node:net'
import { loadHogParser } from '../hog/parser'
import { resolveSecretKeys } from '../store/secret-key'
import { openSqliteStore } from '../store/sqlite/database'
import type { Store } from '../store/types'
import { buildApp, HttpTimeouts } from './app'
import { bootstrap, Bootstrap } from './bootstrap'
import { DbSizeLimit, DEFAULT_MAX_DB_BYTES } from './disk-limit'
import { makeMappingsExplicit } from './functions-service'
import { GroupCommit } from './group-commit'
import type { RunnerOptions } from './pipeline/runner'
import { RunnerThread } from './pipeline/runner-thread'

export interface ServerOptions extends Omit<RunnerOptions, 'fetch' | 'random'> {
  host?: string
  port?: number
  dbPath: string
  env?: NodeJS.ProcessEnv
  logger?: boolean
  /** Past this many bytes of database (and WAL), capture answers 503 with Retry-After; 0 for no limit. */
  maxDbBytes?: number
  httpTimeouts?: Partial<HttpTimeouts>
  /** The server is behind a reverse proxy: a client's address is taken from X-Forwarded-For (off by default). */
  trustProxy?: boolean
}

export interface RunningServer {
  url: string
  store: Store
  bootstrap: Bootstrap
  /** Stops taking requests, turns every stored event into deliveries, sends what is due, closes. */
  close(): Promise<void>
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  await loadHogParser()
  // Resolved once: the pipeline thread's connection gets the same keys (and a first start makes one key file).
  const { keys: secretKeys } = resolveSecretKeys(options.dbPath, options.env ?? process.env)
  const store = openSqliteStore(options.dbPath, { secretKeys })
  makeMappingsExplicit(store.functions)
  const boot = bootstrap(store, options.env)
  const { host: _host, port: _port, dbPath, env: _env, logger, maxDbBytes = DEFAULT_MAX_DB_BYTES, httpTimeouts, trustProxy, ...runnerOptions } = options
  let runner: RunnerThread | undefined
  const writer = new GroupCommit(store.events, () => runner?.notify())
  const sizeLimit = maxDbBytes > 0 && dbPath !== ':memory:' ? new DbSizeLimit(dbPath, maxDbBytes) : undefined
  const app = buildApp({ store, capture: { writer, sizeLimit }, apiUrl: options.apiUrl, logger, timeouts: httpTimeouts, trustProxy })
  try {
    await app.listen({ host: options.host ?? '127.0.0.1', port: options.port ?? 8010 })
  } catch (error) {
    // Nothing may run against the database when the server cannot serve (e.g. the port is taken).
    store.close()
    throw error
  }
  // Events stored before the runner is up wait in the queue; its first round takes them.
  runner = await RunnerThread.start(dbPath, { ...runnerOptions, secretKeys })
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<void> | undefined
  return {
    url: `http://${host}:${address.port}`,
    store,
    bootstrap: boot,
    close: () => {
      closing ??= (async () => {
        await app.close()
        await runner?.stop()
        store.close()
      })()
      return closing
    },
  }
}
