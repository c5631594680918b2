import { type ChildProcess, spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process'
import path from 'node:path'
import { serverDatabase, serverEnv } from './server-store'

const ROOT = path.resolve(__dirname, '../..')
const CLI = ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/cli/main.ts')]

export interface ServerProcess {
  url: string
  child: ChildProcess
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<number | string>
  /** Everything the process wrote to stdout so far. */
  output(): string
  /** Everything the process wrote to stderr so far. */
  errors(): string
}

/** `--db FILE` names the test's database (serverDatabase): the file, or on Postgres the file's database. */
function onTestStore(args: string[]): string[] {
  return args.map((arg, i) => (args[i - 1] === '--db' ? serverDatabase(arg) : arg))
}

/** Starts `pinterest-capi serve` as a child process and waits for its listening line. */
export async function spawnServer(args: string[], env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...CLI, 'serve', '--port', '0', ...onTestStore(args)], {
    cwd: ROOT,
    env: { ...process.env, ...serverEnv(env) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  let output = ''
  let errors = ''
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()))
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1])
    })
    void exited.then((code) => reject(new Error(`server exited (${code}) before listening: ${errors}`)))
  })
  return { url, child, exited, output: () => output, errors: () => errors }
}

/**
 * Sends `signal` and resolves with how the process ended beside what it printed, so that a test
 * expecting `{ exit: 0 }` shows, when it fails, how far the shutdown got.
 */
export async function stopServer(server: ServerProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<{ exit: number | string; stdout: string; stderr: string }> {
  server.child.kill(signal)
  const exit = await server.exited
  return { exit, stdout: server.output(), stderr: server.errors() }
}

/** Runs `pinterest-capi ARGS` to the end (with `--db FILE` on the test's database, as spawnServer). */
export function runCli(args: string[], env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [...CLI, ...onTestStore(args)], { cwd: ROOT, env: { ...process.env, ...serverEnv(env) }, encoding: 'utf8', timeout: 25_000 })
}
