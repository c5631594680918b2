import type { Writable } from 'node:stream'
import { ConfigError } from '../errors'
import { DEFAULT_API_URL } from '../pinterest/client'
import { DEFAULT_MAX_DB_BYTES, parseByteSize } from '../server/disk-limit'
import { SERVER_ROLES, type ServerRole } from '../server/server-database'
import { type RunningServer, startServer } from '../server/server'
import { maskedUrl } from '../store/open-store'
import { isPostgresUrl } from '../store/postgres/database'
import { SCOPES } from '../store/types'
import { DEFAULT_DB, databasePath } from './local-database'
import { deliveriesLine, queuedLine } from './serve-lines'
import { type CommandHelp, parseCommand } from './usage'

export const SERVE_HELP: CommandHelp = {
  synopsis: ['serve [--port N] [--host HOST] [--db FILE|URL] [--role all|api|worker] [--api-url URL] [--concurrency N] [--max-db-size SIZE] [--shutdown-timeout DURATION]'],
  description: `
Runs the pipelines server (hog_functions REST API, capture, durable queue) on SQLite or Postgres.
  --port N                  port (default 8010; PORT)
  --host HOST               address to bind (default localhost; HOST)
  --db FILE|URL             a SQLite file, or a postgres:// URL (default ${DEFAULT_DB}; PIPELINES_DB, else DATABASE_URL)
  --role ROLE               all (default): everything; api: REST API, page and capture; worker: mapping,
                            delivery and alerts, listening for /_health only (api and worker need Postgres;
                            PIPELINES_ROLE)
  --api-url URL             Pinterest's API, or the emulator's URL (default ${DEFAULT_API_URL}; PINTEREST_API_URL)
  --concurrency N           requests in flight to Pinterest (default 4; PIPELINES_CONCURRENCY)
  --max-db-size SIZE        past it capture answers 503 with Retry-After (default 10GB, 0 or off for none; PIPELINES_MAX_DB_SIZE)
  --shutdown-timeout D      draining on SIGINT/SIGTERM stops after D (default 30s; PIPELINES_SHUTDOWN_TIMEOUT);
                            a second signal stops at once
On SQLite, one server per database: a second one refuses to start and names the process that holds it.
On Postgres, any number of api and worker processes share the database.
Secret inputs are encrypted with PIPELINES_SECRET_KEY (32 bytes, base64 or hex), else with the key file
FILE.key made at first start; Postgres needs PIPELINES_SECRET_KEY, the same in every process.`,
}

function port(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new ConfigError('--port', `expected a port number, got ${JSON.stringify(value)}`)
  return n
}

function concurrency(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isInteger(n) || n < 1 || n > 64) throw new ConfigError('--concurrency', `expected 1 to 64 requests in flight, got ${JSON.stringify(value)}`)
  return n
}

function maxDbSize(value: string | undefined): number {
  if (value === undefined) return DEFAULT_MAX_DB_BYTES
  const bytes = parseByteSize(value)
  if (bytes === undefined) throw new ConfigError('--max-db-size', 'expected a size such as 10GB, 500MB or a number of bytes; 0 or off for no limit')
  return bytes
}

/** `--trust-proxy`, else PIPELINES_TRUST_PROXY (true/false, 1/0, yes/no, on/off); off by default. */
export function trustProxy(flag: boolean | undefined, value: string | undefined): boolean {
  if (flag) return true
  const text = value?.trim().toLowerCase() ?? ''
  if (['', '0', 'false', 'no', 'off'].includes(text)) return false
  if (['1', 'true', 'yes', 'on'].includes(text)) return true
  throw new ConfigError('PIPELINES_TRUST_PROXY', 'expected true or false')
}

const DEFAULT_SHUTDOWN_TIMEOUT_MS = 30_000

function role(value: string | undefined): ServerRole {
  if (value === undefined) return 'all'
  if (!(SERVER_ROLES as readonly string[]).includes(value)) throw new ConfigError('--role', `expected one of ${SERVER_ROLES.join(', ')}`)
  return value as ServerRole
}

/** What the process says once it runs; the URL ends at a space, since scripts read it with /listening on (\S+)/. */
function startedLine(server: RunningServer, apiUrl: string): string {
  const deliveries = server.role === 'api' ? 'deliveries are sent by the worker processes' : deliveriesLine(apiUrl, server.store.functions.active())
  if (server.role === 'worker') return `pipelines worker listening on ${server.url} (health checks only; ${deliveries})\n`
  return `pipelines server listening on ${server.url} (${server.role === 'api' ? 'role api; ' : ''}${deliveries})\n`
}

function shutdownTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SHUTDOWN_TIMEOUT_MS
  const match = /^(\d{1,7})(ms|s|m)?$/.exec(value.trim())
  if (!match) throw new ConfigError('--shutdown-timeout', 'expected a duration such as 30s, 2m or 500ms (a bare number is seconds)')
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm']
}

/**
 * Listens for SIGINT and SIGTERM for the rest of the process's life: the first signal resolves the
 * promise, every later one calls `again`. The listeners are never removed, because for as long as none
 * is installed, a signal gets Node's default and ends the process at once, with no drain.
 */
export function shutdownSignals(again: (signal: NodeJS.Signals) => void): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = 0
    const on = (signal: NodeJS.Signals) => {
      received += 1
      if (received === 1) resolve(signal)
      else again(signal)
    }
    process.on('SIGINT', on)
    process.on('SIGTERM', on)
  })
}

const SIGNAL_EXIT_CODES: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 130, SIGTERM: 143 }

/**
 * `pinterest-capi serve`: the pipelines server, until SIGINT or SIGTERM drains and stops it. Draining
 * has a time limit, and a second signal exits at once: what is stored stays stored either way (every
 * commit is durable) and is delivered after the next start.
 */
export async function serveCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env, exit: (code: number) => void = (code) => process.exit(code)): Promise<number> {
  const { values } = parseCommand('serve', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    db: { type: 'string' },
    'api-url': { type: 'string' },
    concurrency: { type: 'string' },
    'max-db-size': { type: 'string' },
    'shutdown-timeout': { type: 'string' },
    'trust-proxy': { type: 'boolean' },
    role: { type: 'string' },
  })
  const database = databasePath(values.db, env)
  const apiUrl = values['api-url'] ?? env.PINTEREST_API_URL ?? DEFAULT_API_URL
  const timeoutMs = shutdownTimeout(values['shutdown-timeout'] ?? env.PIPELINES_SHUTDOWN_TIMEOUT)
  const options = {
    port: port(values.port ?? env.PORT, 8010),
    // localhost binds the loopback addresses of both IP versions, so http://localhost:8010 works either way.
    host: values.host ?? env.HOST ?? 'localhost',
    dbPath: database,
    role: role(values.role ?? env.PIPELINES_ROLE),
    apiUrl,
    concurrency: concurrency(values.concurrency ?? env.PIPELINES_CONCURRENCY),
    maxDbBytes: maxDbSize(values['max-db-size'] ?? env.PIPELINES_MAX_DB_SIZE),
    trustProxy: trustProxy(values['trust-proxy'], env.PIPELINES_TRUST_PROXY),
    env,
  }
  let server: RunningServer | undefined
  // Listening before the start: a signal sent while the server starts, or the moment it says it listens,
  // then drains it once started instead of meeting Node's default, which ends the process at once.
  const signalled = shutdownSignals((signal) => {
    out.write(`stopping now: ${server ? queuedLine(server.queued()) : 'before the server had started'}\n`)
    exit(SIGNAL_EXIT_CODES[signal] ?? 1)
  })
  server = await startServer(options)
  const created = server.bootstrap.created
  if (created) {
    // A key that came from the environment is already known to whoever set it, and stdout may go to a log.
    const key = created.keyFromEnvironment ? 'from PIPELINES_API_KEY' : `${created.apiKey}\n  the key is shown only now; it is stored hashed`
    out.write(`created project ${created.projectId}\n  project token (capture): ${created.projectToken}\n  personal API key (${SCOPES.join(', ')}): ${key}\n`)
  }
  // Its password stays out: stdout may go to a log.
  if (isPostgresUrl(database)) out.write(`database ${maskedUrl(database)}\n`)
  out.write(startedLine(server, apiUrl))
  await signalled
  out.write(`draining: no new requests; delivering what is stored (at most ${timeoutMs / 1000} s; a second SIGINT or SIGTERM stops at once)\n`)
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<true>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)))
  const stopped = await Promise.race([server.close(), timedOut])
  clearTimeout(timer)
  if (stopped === true) {
    out.write(`draining took longer than ${timeoutMs / 1000} s: stopping; ${queuedLine(server.queued())}\n`)
    exit(1)
    return 1
  }
  out.write(`stopped: ${queuedLine(stopped)}\n`)
  return 0
}
