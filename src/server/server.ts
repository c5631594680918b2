import { existsSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { OperatorError } from '../errors'
import { loadHogParser } from '../hog/parser'
import { keyFilePath, resolveSecretKeys } from '../store/secret-key'
import { databaseFiles, openSqliteStore } from '../store/sqlite/database'
import { type DatabaseLock, lockDatabase } from '../store/sqlite/database-lock'
import type { Store } from '../store/types'
import { AlertMonitor, type AlertMonitorOptions } from './alerts/monitor'
import { buildApp, type HttpTimeouts } from './app'
import { bootstrap, type Bootstrap } from './bootstrap'
import { DbSizeLimit, DEFAULT_MAX_DB_BYTES } from './disk-limit'
import { makeMappingsExplicit } from './functions-service'
import { GroupCommit } from './group-commit'
import type { RunnerOptions } from './pipeline/runner'
import { RunnerThread } from './pipeline/runner-thread'

export interface ServerOptions extends Omit<RunnerOptions, 'fetch' | 'random' | 'now'> {
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
  /** The built Data pipelines page; the package's dist/ui by default. */
  uiDir?: string
  /** The alerts' evaluation interval and webhook timeout and backoff (tests shorten them). */
  alerts?: AlertMonitorOptions
}

export interface RunningServer {
  url: string
  store: Store
  bootstrap: Bootstrap
  /** The alerts' monitor: `check()` runs a round now (tests evaluate with it rather than wait for the interval). */
  alerts: Pick<AlertMonitor, 'check'>
  /** Stops taking requests, turns every stored event into deliveries, sends what is due, closes. */
  close(): Promise<StopReport>
  /** What waits in the database right now (for a stop cut short). */
  queued(): StopReport
}

/** What is left for the next start: stored, so nothing of it is lost. */
export interface StopReport {
  pendingDeliveries: number
  unprocessedEvents: number
}

function queuedIn(store: Store): StopReport {
  return { pendingDeliveries: store.deliveries.counts().pending, unprocessedEvents: store.events.countPending() }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const { dbPath } = options
  const onDisk = dbPath !== ':memory:'
  // Only one server per database: two would both deliver every event. Taken before anything is written.
  const lock = onDisk ? lockDatabase(dbPath) : undefined
  const fresh = onDisk && !existsSync(dbPath)
  const hadKeyFile = onDisk && existsSync(keyFilePath(dbPath))
  try {
    await loadHogParser()
    return await startLocked(options, lock)
  } catch (error) {
    // A first start that fails leaves nothing behind, so the next one creates (and prints) project 1 and its key.
    if (fresh) for (const file of databaseFiles(dbPath)) rmSync(file, { force: true })
    if (fresh && !hadKeyFile) rmSync(keyFilePath(dbPath), { force: true })
    lock?.release()
    throw error
  }
}

async function startLocked(options: ServerOptions, lock: DatabaseLock | undefined): Promise<RunningServer> {
  // Resolved once: the pipeline thread's connection gets the same keys (and a first start makes one key file).
  const { keys: secretKeys } = resolveSecretKeys(options.dbPath, options.env ?? process.env)
  const store = openSqliteStore(options.dbPath, { secretKeys })
  const { host: _host, port: _port, dbPath, env: _env, logger, maxDbBytes = DEFAULT_MAX_DB_BYTES, httpTimeouts, trustProxy, uiDir, alerts, ...runnerOptions } = options
  let runner: RunnerThread | undefined
  const writer = new GroupCommit(store.events, () => runner?.notify())
  const sizeLimit = maxDbBytes > 0 && dbPath !== ':memory:' ? new DbSizeLimit(dbPath, maxDbBytes) : undefined
  const app = buildApp({ store, capture: { writer, sizeLimit }, apiUrl: options.apiUrl, logger, timeouts: httpTimeouts, trustProxy, uiDir, alertWebhook: alerts })
  const monitor = new AlertMonitor(store, alerts)
  let boot: Bootstrap
  try {
    await listen(app, options.host ?? '127.0.0.1', options.port ?? 8010)
    // Only a server that listens creates project 1 and its key: they are printed once, so they must reach the operator.
    // Nothing is served before this synchronous step ends.
    boot = bootstrap(store, options.env)
    makeMappingsExplicit(store.functions)
    // Events stored before the runner is up wait in the queue; its first round takes them.
    runner = await RunnerThread.start(dbPath, { ...runnerOptions, secretKeys })
    monitor.start()
  } catch (error) {
    // Nothing may run against the database when the server cannot serve.
    await app.close()
    store.close()
    throw error
  }
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  let closing: Promise<StopReport> | undefined
  let left: StopReport | undefined
  return {
    url: `http://${host}:${address.port}`,
    store,
    bootstrap: boot,
    alerts: monitor,
    queued: () => left ?? queuedIn(store),
    close: () => {
      closing ??= (async () => {
        await app.close()
        await monitor.stop()
        await runner?.stop()
        left = queuedIn(store)
        store.close()
        lock?.release()
        return left
      })()
      return closing
    },
  }
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is in use by another program',
  EACCES: 'this port needs privileges the process does not have',
  EADDRNOTAVAIL: 'the host is not an address of this machine',
}

/** Listens, or says in one line why not (a busy port is an operator's problem, not a crash). */
async function listen(app: ReturnType<typeof buildApp>, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port })
  } catch (error) {
    const reason = LISTEN_ERRORS[(error as NodeJS.ErrnoException).code ?? '']
    if (!reason) throw error
    throw new OperatorError(`cannot listen on ${host} port ${port}: ${reason}; choose another with --port N (or PORT) or --host HOST`)
  }
}
