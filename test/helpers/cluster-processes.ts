import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '../..')

/** The line `serve` prints once it is up, whatever its role (a worker listens for health checks): the URL ends at a space. */
export const READY_LINE = /listening on (http:\/\/\S+)\s/

export interface ClusterProcess {
  name: string
  /** The URL from the ready line. */
  url: string
  child: ChildProcess
  /** Resolves with the exit code (or signal) once the process ended. */
  exited: Promise<number | string>
  /** Everything the process wrote (stdout and stderr), for a failing test's message. */
  output(): string
  /** SIGKILL, as a crash: resolves once the process is gone. */
  kill9(): Promise<number | string>
  /** SIGTERM (drains), then SIGKILL if it has not ended after `graceMs`. */
  stop(graceMs?: number): Promise<number | string>
}

/**
 * Starts `pinterest-capi serve ARGS` (one of a cluster's processes) from `cli`, the transpiled CLI script
 * (transpileCli), and waits for its ready line.
 */
export async function startServe(cli: string, name: string, args: string[], env: Record<string, string>, readyWithinMs = 60_000): Promise<ClusterProcess> {
  const child = spawn(process.execPath, [cli, 'serve', '--port', '0', '--host', '127.0.0.1', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)))
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not print its ready line within ${readyWithinMs} ms: ${output}`)), readyWithinMs)
    const take = (chunk: Buffer) => {
      output += chunk.toString()
      const match = READY_LINE.exec(output)
      if (match) {
        clearTimeout(timer)
        resolve(match[1])
      }
    }
    child.stdout?.on('data', take)
    child.stderr?.on('data', take)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`${name} exited (${code}) before it was ready: ${output}`))
    })
  })
  const signal = (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig)
    return exited
  }
  return {
    name,
    url,
    child,
    exited,
    output: () => output,
    kill9: () => signal('SIGKILL'),
    stop: async (graceMs = 15_000) => {
      const timer = setTimeout(() => signal('SIGKILL'), graceMs)
      const code = await signal('SIGTERM')
      clearTimeout(timer)
      return code
    },
  }
}

/** Stops every process still running (a failed test leaves none behind). */
export async function stopAll(processes: ClusterProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.stop(5_000)))
}
