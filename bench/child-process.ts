import { type ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'
import { packageRoot } from '../src/template/files'

const ROOT = packageRoot(__dirname)

/** The command-line tool as shipped (built by `npm run build`). */
export const CLI = path.join(ROOT, 'dist/cli/main.js')

export interface Child {
  url: string
  /** For reading the process's CPU time (/proc). */
  pid: number
  output: () => string
  stop(): Promise<void>
}

/**
 * Runs a compiled script in its own process, as it runs in production (no TypeScript compiler in its
 * heap); resolves with the URL it prints.
 */
export async function startChild(script: string, args: string[], env: Record<string, string> = {}): Promise<Child> {
  const child: ChildProcess = spawn(process.execPath, [script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)))
  })
  return {
    url,
    pid: child.pid ?? -1,
    output: () => output,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}
