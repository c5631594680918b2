import type { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { ConfigError } from '../errors'
import { DEFAULT_MAX_DB_BYTES, parseByteSize } from '../server/disk-limit'
import { startServer } from '../server/server'
import { openSqliteStore } from '../store/sqlite/database'
import { SCOPES, Scope } from '../store/types'

export const DEFAULT_DB = './data/pipelines.sqlite'

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

function shutdownTimeout(value: string | undefined): number {
  if (value === undefined) return DEFAULT_SHUTDOWN_TIMEOUT_MS
  const match = /^(\d{1,7})(ms|s|m)?$/.exec(value.trim())
  if (!match) throw new ConfigError('--shutdown-timeout', 'expected a duration such as 30s, 2m or 500ms (a bare number is seconds)')
  return Number(match[1]) * { ms: 1, s: 1000, m: 60_000 }[(match[2] ?? 's') as 'ms' | 's' | 'm']
}

/** Resolves with the next SIGINT or SIGTERM. */
function nextSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (signal: NodeJS.Signals) => {
      process.off('SIGINT', on)
      process.off('SIGTERM', on)
      resolve(signal)
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
export async function serveCommand(
  args: string[],
  out: Writable = process.stdout,
  env: NodeJS.ProcessEnv = process.env,
  exit: (code: number) => void = (code) => process.exit(code),
): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      db: { type: 'string' },
      'api-url': { type: 'string' },
      concurrency: { type: 'string' },
      'max-db-size': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      'trust-proxy': { type: 'boolean' },
    },
    strict: true,
  })
  const timeoutMs = shutdownTimeout(values['shutdown-timeout'] ?? env.PIPELINES_SHUTDOWN_TIMEOUT)
  const server = await startServer({
    port: port(values.port ?? env.PORT, 8010),
    // localhost binds the loopback addresses of both IP versions, so http://localhost:8010 works either way.
    host: values.host ?? env.HOST ?? 'localhost',
    dbPath: values.db ?? env.PIPELINES_DB ?? DEFAULT_DB,
    apiUrl: values['api-url'] ?? env.PINTEREST_API_URL,
    concurrency: concurrency(values.concurrency ?? env.PIPELINES_CONCURRENCY),
    maxDbBytes: maxDbSize(values['max-db-size'] ?? env.PIPELINES_MAX_DB_SIZE),
    trustProxy: trustProxy(values['trust-proxy'], env.PIPELINES_TRUST_PROXY),
    env,
  })
  const created = server.bootstrap.created
  if (created) {
    // A key that came from the environment is already known to whoever set it, and stdout may go to a log.
    const key = created.keyFromEnvironment
      ? 'from PIPELINES_API_KEY'
      : `${created.apiKey}\n  the key is shown only now; it is stored hashed`
    out.write(`created project ${created.projectId}\n  project token (capture): ${created.projectToken}\n  personal API key (${SCOPES.join(', ')}): ${key}\n`)
  }
  out.write(`pipelines server listening on ${server.url}\n`)
  await nextSignal()
  out.write(`draining: no new requests; delivering what is stored (at most ${timeoutMs / 1000} s; a second SIGINT or SIGTERM stops at once)\n`)
  void nextSignal().then((signal) => {
    out.write('stopping now: what is stored stays stored and is delivered after the next start\n')
    exit(SIGNAL_EXIT_CODES[signal] ?? 1)
  })
  let timer: NodeJS.Timeout | undefined
  const timedOut = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), timeoutMs)))
  const late = await Promise.race([server.close().then(() => false), timedOut])
  clearTimeout(timer)
  if (late) {
    out.write(`draining took longer than ${timeoutMs / 1000} s: stopping; what is stored stays stored and is delivered after the next start\n`)
    exit(1)
  }
  return 0
}

/** `pinterest-capi projects create NAME` and `pinterest-capi keys create --project ID --scopes a,b`. */
export async function adminCommand(kind: 'projects' | 'keys', args: string[], out: Writable = process.stdout): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { db: { type: 'string' }, project: { type: 'string' }, scopes: { type: 'string' }, label: { type: 'string' } },
    allowPositionals: true,
    strict: true,
  })
  const [action, name] = positionals
  if (action !== 'create') throw new ConfigError(kind, `expected 'create', got ${JSON.stringify(action ?? '')}`)
  const store = openSqliteStore(values.db ?? process.env.PIPELINES_DB ?? DEFAULT_DB)
  try {
    if (kind === 'projects') {
      if (!name) throw new ConfigError('NAME', 'projects create needs a name')
      const project = store.projects.create(name)
      out.write(`created project ${project.id}\n  project token (capture): ${project.api_token}\n`)
      return 0
    }
    const projectId = Number(values.project)
    if (!Number.isInteger(projectId) || !store.projects.get(projectId)) throw new ConfigError('--project', 'expected the id of an existing project')
    const scopes = (values.scopes ?? SCOPES.join(',')).split(',').map((s) => s.trim()) as Scope[]
    const unknown = scopes.filter((s) => !SCOPES.includes(s))
    if (unknown.length > 0) throw new ConfigError('--scopes', `unknown scope ${unknown.join(', ')}; known: ${SCOPES.join(', ')}`)
    const { key } = store.keys.create(projectId, scopes, values.label ?? 'cli')
    out.write(`created a personal API key for project ${projectId} (${scopes.join(', ')}): ${key}\n  it is shown only now; it is stored hashed\n`)
    return 0
  } finally {
    store.close()
  }
}
