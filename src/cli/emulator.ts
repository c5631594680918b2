import fs from 'node:fs'
import type { Writable } from 'node:stream'
import { FaultsError, parseFaults, type Faults } from '../emulator/faults'
import { DEFAULT_CREDENTIALS, startEmulator } from '../emulator/server'
import { ConfigError } from '../errors'
import { type CommandHelp, formatHelp, parseCommand } from './usage'

export const EMULATOR_HELP: CommandHelp = {
  synopsis: ['emulator [--port N] [--host HOST] [--token T] [--ad-account ID]... [--faults FILE] [--seed N] [--no-bodies]'],
  description: `
Runs a local stand-in for Pinterest's events endpoint (POST /v5/ad_accounts/:id/events).
  --port N             port to listen on (default 0: any free port; the chosen one is printed)
  --host HOST          address to bind (default 127.0.0.1)
  --token TOKEN        accepted conversion token (default ${DEFAULT_CREDENTIALS[0].token})
  --ad-account ID      ad account the token may send to; repeat for several (default ${DEFAULT_CREDENTIALS[0].adAccountIds[0]})
  --faults FILE        JSON faults to start with (see PUT /_emulator/faults)
  --seed N             seed for the random fault shares (default 1)
  --no-bodies          keep only the ids of accepted events, not their bodies (for load tests)`,
}

export interface RunEmulatorOptions {
  port?: number
  host?: string
  token?: string
  adAccount?: string | string[]
  faultsFile?: string
  seed?: number
  keepBodies?: boolean
  stdout?: Writable
  /** Stops the emulator like SIGINT does; lets callers other than a terminal end it. */
  signal?: AbortSignal
}

/** Starts the emulator, prints where it listens, and resolves with exit code 0 once stopped. */
export async function runEmulator(options: RunEmulatorOptions = {}): Promise<number> {
  const defaults = DEFAULT_CREDENTIALS[0]
  const adAccountIds = [options.adAccount ?? defaults.adAccountIds].flat()
  const emulator = await startEmulator({
    host: options.host,
    port: options.port,
    seed: options.seed,
    keepBodies: options.keepBodies,
    credentials: [{ token: options.token ?? defaults.token, adAccountIds }],
    faults: options.faultsFile === undefined ? undefined : readFaults(options.faultsFile),
  })
  // Tests and the benchmark read the port from this exact line.
  ;(options.stdout ?? process.stdout).write(`pinterest emulator listening on ${emulator.url}\n`)
  await untilStopped(options.signal)
  await emulator.close()
  return 0
}

function readFaults(file: string): Faults {
  let json: unknown
  try {
    json = JSON.parse(fs.readFileSync(file, 'utf8'))
  } catch (error) {
    throw new ConfigError('--faults', `cannot read ${file}: ${(error as Error).message}`)
  }
  try {
    return parseFaults(json)
  } catch (error) {
    if (error instanceof FaultsError) throw new ConfigError('--faults', error.message)
    throw error
  }
}

function untilStopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      signal?.removeEventListener('abort', stop)
      resolve()
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    if (signal?.aborted) stop()
    else signal?.addEventListener('abort', stop)
  })
}

/** `pinterest-capi emulator ...`: usage mistakes are UsageErrors, bad values ConfigErrors. */
export async function emulatorCommand(args: string[], stdout: Writable = process.stdout): Promise<number> {
  const { values } = parseCommand('emulator', args, {
    port: { type: 'string' },
    host: { type: 'string' },
    token: { type: 'string' },
    'ad-account': { type: 'string', multiple: true },
    faults: { type: 'string' },
    seed: { type: 'string' },
    'no-bodies': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  })
  if (values.help) {
    stdout.write(formatHelp(EMULATOR_HELP))
    return 0
  }
  return runEmulator({
    port: integerFlag('--port', values.port, 65_535),
    host: values.host,
    token: values.token,
    adAccount: values['ad-account'],
    faultsFile: values.faults,
    seed: integerFlag('--seed', values.seed, 2 ** 32 - 1),
    keepBodies: !values['no-bodies'],
    stdout,
  })
}

function integerFlag(name: string, value: string | undefined, max: number): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!/^\d+$/.test(value) || n > max) throw new ConfigError(name, `must be an integer from 0 to ${max}, got '${value}'`)
  return n
}
