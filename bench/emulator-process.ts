import { ChildProcess, spawn } from 'node:child_process'
import path from 'node:path'

const ROOT = path.resolve(__dirname, '..')

export interface EmulatorProcess {
  url: string
  stop(): Promise<void>
}

/** Runs `pinterest-capi emulator` in its own process, so it has a core of its own, as Pinterest would. */
export async function startEmulatorProcess(token: string, adAccountId: string): Promise<EmulatorProcess> {
  const child = spawn(
    process.execPath,
    ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'src/cli/main.ts'), 'emulator', '--port', '0', '--token', token, '--ad-account', adAccountId, '--no-bodies'],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const url = await new Promise<string>((resolve, reject) => {
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const match = /listening on (http:\/\/\S+)/.exec(output)
      if (match) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)))
  })
  return { url, stop: () => stopChild(child) }
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}
