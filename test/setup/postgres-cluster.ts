import { execFileSync } from 'node:child_process'
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/**
 * A throwaway Postgres cluster for one test run: made in a temporary folder on a free local port, with
 * durability off (the tests kill workers, never Postgres), removed at the end. TEST_POSTGRES_URL points
 * the tests at it; set it beforehand to use a server of your own instead.
 */
export const URL_ENV = 'TEST_POSTGRES_URL'
const STATE_ENV = 'TEST_POSTGRES_CLUSTER_DIR'

function binaries(): string {
  const root = '/usr/lib/postgresql'
  const versions = existsSync(root) ? readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))) : []
  if (versions.length === 0) throw new Error('the Postgres tests need a local Postgres: install it with `apt-get install postgresql` (.ci/run does)')
  return join(root, versions.sort((a, b) => Number(b) - Number(a))[0], 'bin')
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port
      server.close(() => resolve(port))
    })
  })
}

/** initdb refuses to run as root: then the cluster belongs to the postgres user. */
function asOwner(command: string, args: string[]): void {
  const root = process.getuid?.() === 0
  if (root) execFileSync('runuser', ['-u', 'postgres', '--', command, ...args], { stdio: 'pipe' })
  else execFileSync(command, args, { stdio: 'pipe' })
}

/**
 * `durable`: fsync and synchronous commits on, as in production (the benchmark's figures); off for the tests.
 * `settings`: more server settings (the benchmark loads pg_stat_statements).
 */
export async function startCluster(options: { durable?: boolean; settings?: Record<string, string> } = {}): Promise<{ url: string; dir: string }> {
  const bin = binaries()
  const dir = mkdtempSync(join(tmpdir(), 'capi-pg-'))
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim())
    chownSync(dir, uid, gid)
  }
  const port = await freePort()
  asOwner(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C.UTF-8'])
  const durability = options.durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off'
  const extra = Object.entries(options.settings ?? {}).map(([name, value]) => ` -c ${name}=${value}`)
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1${durability} -c max_connections=400${extra.join('')}`
  asOwner(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'log'), '-w', '-o', settings, 'start'])
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, dir }
}

export function stopCluster(dir: string): void {
  try {
    asOwner(join(binaries(), 'pg_ctl'), ['-D', join(dir, 'data'), '-m', 'immediate', '-w', 'stop'])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export { STATE_ENV }
