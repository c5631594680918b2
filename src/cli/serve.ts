import type { Writable } from 'node:stream'
import { parseArgs } from 'node:util'
import { ConfigError } from '../errors'
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

/** `pinterest-capi serve`: the pipelines server, until SIGINT or SIGTERM drains and stops it. */
export async function serveCommand(args: string[], out: Writable = process.stdout, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { port: { type: 'string' }, host: { type: 'string' }, db: { type: 'string' }, 'api-url': { type: 'string' }, concurrency: { type: 'string' } },
    strict: true,
  })
  const server = await startServer({
    port: port(values.port ?? env.PORT, 8010),
    // localhost binds the loopback addresses of both IP versions, so http://localhost:8010 works either way.
    host: values.host ?? env.HOST ?? 'localhost',
    dbPath: values.db ?? env.PIPELINES_DB ?? DEFAULT_DB,
    apiUrl: values['api-url'] ?? env.PINTEREST_API_URL,
    concurrency: concurrency(values.concurrency ?? env.PIPELINES_CONCURRENCY),
    env,
  })
  const created = server.bootstrap.created
  if (created) {
    // A key that came from the environment is already known to whoever set it, and stdout may go to a log.
    const key = created.keyFromEnvironment
      ? 'from PIPELINES_API_KEY'
      : `${created.apiKey}\n  the key is shown only now; it is stored hashed`
    out.write(`created project ${created.projectId}\n  project token (capture): ${created.projectToken}\n  personal API key (hog_function:read, hog_function:write): ${key}\n`)
  }
  out.write(`pipelines server listening on ${server.url}\n`)
  await new Promise<void>((resolve) => {
    const stop = () => resolve()
    process.once('SIGINT', stop)
    process.once('SIGTERM', stop)
  })
  out.write('draining: no new requests; delivering what is stored\n')
  await server.close()
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
