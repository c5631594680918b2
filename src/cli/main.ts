#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, OperatorError } from '../errors'
import { SecretKeyError } from '../store/secret-box'
import { type CommandHelp, formatHelp, formatUsage, UsageError } from './usage'

interface Command {
  help: CommandHelp
  run(args: string[]): Promise<number>
}

/**
 * Each command's module is loaded when it runs (or its help is asked for): `map` and `send` do not wait for
 * the server's modules to load, nor the admin commands for the mapping engine's.
 */
const COMMANDS: Record<string, () => Command> = {
  serve: () => {
    const m = require('./serve') as typeof import('./serve')
    return { help: m.SERVE_HELP, run: m.serveCommand }
  },
  projects: () => {
    const m = require('./projects') as typeof import('./projects')
    return { help: m.PROJECTS_HELP, run: m.projectsCommand }
  },
  keys: () => {
    const m = require('./keys') as typeof import('./keys')
    return { help: m.KEYS_HELP, run: m.keysCommand }
  },
  functions: () => {
    const m = require('./functions') as typeof import('./functions')
    return { help: m.FUNCTIONS_HELP, run: m.functionsCommand }
  },
  deliveries: () => {
    const m = require('./deliveries') as typeof import('./deliveries')
    return { help: m.DELIVERIES_HELP, run: m.deliveriesCommand }
  },
  backfill: () => {
    const m = require('./deliveries') as typeof import('./deliveries')
    return { help: m.BACKFILL_HELP, run: m.backfillCommand }
  },
  alerts: () => {
    const m = require('./alerts') as typeof import('./alerts')
    return { help: m.ALERTS_HELP, run: m.alertsCommand }
  },
  secrets: () => {
    const m = require('./secrets') as typeof import('./secrets')
    return { help: m.SECRETS_HELP, run: m.secretsCommand }
  },
  persons: () => {
    const m = require('./persons') as typeof import('./persons')
    return { help: m.PERSONS_HELP, run: m.personsCommand }
  },
  map: () => {
    const m = require('./map') as typeof import('./map')
    return { help: m.MAP_HELP, run: m.mapCommand }
  },
  send: () => {
    const m = require('./send') as typeof import('./send')
    return { help: m.SEND_HELP, run: m.sendCommand }
  },
  emulator: () => {
    const m = require('./emulator') as typeof import('./emulator')
    return { help: m.EMULATOR_HELP, run: m.emulatorCommand }
  },
}

const commandNamed = (name: string | undefined): Command | undefined => (name !== undefined && Object.hasOwn(COMMANDS, name) ? COMMANDS[name]() : undefined)

/** Every command's synopsis: printed only with help or a usage error, so every module may load for it. */
function usage(): string {
  return (
    'Usage: pinterest-capi COMMAND [options]\n\nCommands:\n' +
    Object.values(COMMANDS)
      .flatMap((load) => load().help.synopsis.map((line) => `  ${line}\n`))
      .join('') +
    "\n'pinterest-capi COMMAND --help' describes a command; 'pinterest-capi --version' prints the version.\n"
  )
}

export function version(): string {
  // The same relative place from src/cli and from dist/cli.
  return (JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { version: string }).version
}

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h')

/** Runs one command; usage mistakes and operators' problems are thrown (see `report`). */
export async function main(argv: string[], out: NodeJS.WritableStream = process.stdout): Promise<number> {
  const [name, ...rest] = argv
  if (name === undefined) throw new UsageError(undefined, 'no command given')
  if (name === '--version' || name === '-v' || name === 'version') {
    out.write(`${version()}\n`)
    return 0
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    const command = commandNamed(rest[0])
    if (rest[0] !== undefined && !command) throw new UsageError(undefined, 'unknown command')
    out.write(command ? formatHelp(command.help) : usage())
    return 0
  }
  const command = commandNamed(name)
  if (!command) throw new UsageError(undefined, `unknown command${name.startsWith('-') ? ' (options come after the command)' : ''}`)
  if (wantsHelp(rest)) {
    out.write(formatHelp(command.help))
    return 0
  }
  return command.run(rest)
}

/** What the process prints for an error thrown by `main`, and its exit code. */
export function report(error: unknown): { text: string; code: number } {
  if (error instanceof UsageError) {
    const command = commandNamed(error.command)
    const help = command ? `${formatUsage(command.help)}Run 'pinterest-capi ${error.command} --help' for details.\n` : usage()
    return { text: `usage error: ${error.message}\n${help}`, code: 2 }
  }
  if (error instanceof ConfigError) return { text: `configuration error: ${error.message}\n`, code: 2 }
  if (error instanceof SecretKeyError) return { text: `error: ${error.message}\n`, code: 2 }
  if (error instanceof OperatorError) return { text: `error: ${error.message}\n`, code: 1 }
  return { text: `error: ${(error as Error).stack ?? String(error)}\n`, code: 2 }
}

if (require.main === module) {
  // Output piped into `head` closes early; that is not an error worth a stack trace.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0)
  })
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      const { text, code } = report(error)
      process.stderr.write(text)
      process.exitCode = code
    },
  )
}
