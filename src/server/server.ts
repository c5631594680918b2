import type { AddressInfo } from 'node:net'
import Fastify, { type FastifyInstance } from 'fastify'
import { OperatorError } from '../errors'
import { loadHogParser } from '../hog/parser'
import type { AdvisoryLocks } from '../store/postgres/advisory-locks'
import { LOCK_KEYS } from '../store/postgres/lock-keys'
import { ConfigNotifications } from '../store/postgres/config-notifications'
import type { Store } from '../store/types'
import { AlertMonitor, type AlertMonitorOptions } from './alerts/monitor'
import { buildApp, type HttpTimeouts } from './app'
import { bootstrap, type Bootstrap } from './bootstrap'
import { DbSizeLimit, DEFAULT_MAX_DB_BYTES } from './disk-limit'
import { makeMappingsExplicit } from './functions-service'
import { GroupCommit } from './group-commit'
import type { RunnerOptions } from './pipeline/runner'
import { PipelineThreads } from './pipeline/runner-thread'
import { openServerDatabase, type ServerDatabase, type ServerRole } from './server-database'

export type { ServerRole } from './server-database'

export interface ServerOptions extends Omit<RunnerOptions, 'fetch' | 'random' | 'now'> {
  host?: string
  port?: number
  /** The database: a SQLite file (`:memory:` in tests) or a `postgres://` URL. */
  dbPath: string
  /** What this process runs (default all); api and worker need Postgres, where several processes share one database. */
  role?: ServerRole
  env?: NodeJS.ProcessEnv
  logger?: boolean
  /** Past this many bytes of database (and WAL), capture answers 503 with Retry-After; 0 for no limit (SQLite only). */
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
  /** Where it listens: the whole HTTP side, or a worker's health checks only. */
  url: string
  role: ServerRole
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

/**
 * Alerts with several processes on one database: a round runs only in the process holding the alerts lock,
 * and holds it until its messages were sent and marked, so each episode's message is sent once.
 */
class ClusterAlertMonitor extends AlertMonitor {
  constructor(
    store: Store,
    options: AlertMonitorOptions | undefined,
    private readonly locks: AdvisoryLocks,
  ) {
    super(store, options)
  }

  override async check(): Promise<void> {
    if (!this.locks.tryTake(LOCK_KEYS.alerts)) return
    try {
      await super.check()
    } finally {
      this.locks.release(LOCK_KEYS.alerts)
    }
  }
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  const role = options.role ?? 'all'
  await loadHogParser()
  const db = openServerDatabase(options.dbPath, role, options.env ?? process.env)
  try {
    return await startOn(db, role, options)
  } catch (error) {
    db.abandon()
    throw error
  }
}

/** Project 1 and explicit mappings, made by one process at a time: a second one starting meanwhile finds them made. */
function prepare(db: ServerDatabase, env: NodeJS.ProcessEnv | undefined, createProject: boolean): Bootstrap {
  const steps = () => {
    const boot = createProject ? bootstrap(db.store, env) : {}
    makeMappingsExplicit(db.store.functions)
    return boot
  }
  return db.locks ? db.locks.exclusively(LOCK_KEYS.bootstrap, steps) : steps()
}

async function startOn(db: ServerDatabase, role: ServerRole, options: ServerOptions): Promise<RunningServer> {
  const { store } = db
  const { host: _host, port: _port, dbPath, role: _role, env: _env, logger, maxDbBytes = DEFAULT_MAX_DB_BYTES, httpTimeouts, trustProxy, uiDir, alerts, ...runnerOptions } = options
  const serves = role !== 'worker'
  const runs = role !== 'api'
  let runner: PipelineThreads | undefined
  // A capture in the api role wakes nothing: the workers poll the queue.
  const writer = new GroupCommit(store.events, () => runner?.notify())
  const sizeLimit = maxDbBytes > 0 && !db.url && dbPath !== ':memory:' ? new DbSizeLimit(dbPath, maxDbBytes) : undefined
  const app = serves ? buildApp({ store, capture: { writer, sizeLimit }, apiUrl: options.apiUrl, logger, timeouts: httpTimeouts, trustProxy, uiDir, alertWebhook: alerts }) : healthChecks()
  const monitor = db.locks ? new ClusterAlertMonitor(store, alerts, db.locks) : new AlertMonitor(store, alerts)
  // Capture's cached project tokens and anonymize_ips follow changes made in other processes.
  const config = serves && db.url ? new ConfigNotifications(db.url, () => store.projects.forgetCached(), { applicationName: `pinterest-capi ${role} config` }) : undefined
  let boot: Bootstrap
  try {
    await config?.start()
    await listen(app, options.host ?? '127.0.0.1', options.port ?? 8010)
    // Only a server that listens creates project 1 and its key: they are printed once, so they must reach the operator.
    // Nothing is served before this synchronous step ends.
    boot = prepare(db, options.env, serves)
    // Events stored before the runner is up wait in the queue; its first round takes them.
    if (runs) runner = await PipelineThreads.start(db.url ?? dbPath, { ...runnerOptions, secretKeys: db.secretKeys })
    // Alerts run beside the pipeline: in a cluster, the workers take turns under a lock.
    if (runs) monitor.start()
  } catch (error) {
    // Nothing may run against the database when the server cannot serve.
    await app.close()
    await config?.stop()
    throw error
  }
  const url = addressOf(app)
  let closing: Promise<StopReport> | undefined
  let left: StopReport | undefined
  return {
    url,
    role,
    store,
    bootstrap: boot,
    alerts: monitor,
    queued: () => left ?? queuedIn(store),
    close: () => {
      closing ??= (async () => {
        await app.close()
        await config?.stop()
        await monitor.stop()
        await runner?.stop()
        left = queuedIn(store)
        db.close()
        return left
      })()
      return closing
    },
  }
}

/** A worker serves no API: only what a load balancer or an orchestrator asks to know it is alive. */
function healthChecks(): FastifyInstance {
  const app = Fastify({ logger: false })
  app.get('/_health', async () => ({ status: 'ok', role: 'worker' }))
  app.get('/_ready', async () => ({ status: 'ready', role: 'worker' }))
  return app
}

function addressOf(app: FastifyInstance): string {
  const address = app.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
  return `http://${host}:${address.port}`
}

const LISTEN_ERRORS: Record<string, string> = {
  EADDRINUSE: 'the port is in use by another program',
  EACCES: 'this port needs privileges the process does not have',
  EADDRNOTAVAIL: 'the host is not an address of this machine',
}

/** Listens, or says in one line why not (a busy port is an operator's problem, not a crash). */
async function listen(app: FastifyInstance, host: string, port: number): Promise<void> {
  try {
    await app.listen({ host, port })
  } catch (error) {
    const reason = LISTEN_ERRORS[(error as NodeJS.ErrnoException).code ?? '']
    if (!reason) throw error
    throw new OperatorError(`cannot listen on ${host} port ${port}: ${reason}; choose another with --port N (or PORT) or --host HOST`)
  }
}
