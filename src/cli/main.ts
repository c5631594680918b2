#!/usr/bin/env node
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { ConfigError, OperatorError } from '../errors'
import { SecretKeyError } from '../store/secret-box'
import { BACKFILL_HELP, backfillCommand, DELIVERIES_HELP, deliveriesCommand } from './deliveries'
import { EMULATOR_HELP, emulatorCommand } from './emulator'
import { FUNCTIONS_HELP, functionsCommand } from './functions'
import { KEYS_HELP, keysCommand } from './keys'
import { runMap } from './map'
import { PERSONS_HELP, personsCommand } from './persons'
import { PROJECTS_HELP, projectsCommand } from './projects'
import { SECRETS_HELP, secretsCommand } from './secrets'
import { runSend } from './send'
import { SERVE_HELP, serveCommand } from './serve'
import { type CommandHelp, formatHelp, formatUsage, parseCommand, UsageError } from './usage'

const MAP_HELP: CommandHelp = {
  synopsis: ['map --function FILE [--events FILE]'],
  description: `
Maps PostHog events (JSON lines; stdin without --events) to Pinterest events and prints one JSON line per
result, and a count on stderr. Nothing is sent.`,
}

const SEND_HELP: CommandHelp = {
  synopsis: ['send --function FILE [--events FILE] [--api-url URL] [--test] [--dry-run]'],
  description: `
Maps and delivers events (JSON lines; stdin without --events) to Pinterest in batches, with a progress bar on
a terminal; exits 1 when any event failed. --api-url defaults to $PINTEREST_API_URL or
https://api.pinterest.com; --test sends with Pinterest's test flag; --dry-run prints the requests instead.`,
}

async function map(args: string[]): Promise<number> {
  const { values } = parseCommand('map', args, { function: { type: 'string' }, events: { type: 'string' } })
  if (!values.function) throw new UsageError('map', 'map needs --function FILE')
  return runMap({ functionFile: values.function, eventsFile: values.events })
}

async function send(args: string[]): Promise<number> {
  const { values } = parseCommand('send', args, {
    function: { type: 'string' },
    events: { type: 'string' },
    'api-url': { type: 'string' },
    test: { type: 'boolean' },
    'dry-run': { type: 'boolean' },
  })
  if (!values.function) throw new UsageError('send', 'send needs --function FILE')
  return runSend({ functionFile: values.function, eventsFile: values.events, apiUrl: values['api-url'], test: values.test, dryRun: values['dry-run'] })
}

interface Command {
  help: CommandHelp
  run(args: string[]): Promise<number>
}

const COMMANDS: Record<string, Command> = {
  serve: { help: SERVE_HELP, run: (args) => serveCommand(args) },
  projects: { help: PROJECTS_HELP, run: (args) => projectsCommand(args) },
  keys: { help: KEYS_HELP, run: (args) => keysCommand(args) },
  functions: { help: FUNCTIONS_HELP, run: (args) => functionsCommand(args) },
  deliveries: { help: DELIVERIES_HELP, run: (args) => deliveriesCommand(args) },
  backfill: { help: BACKFILL_HELP, run: (args) => backfillCommand(args) },
  secrets: { help: SECRETS_HELP, run: (args) => secretsCommand(args) },
  persons: { help: PERSONS_HELP, run: (args) => personsCommand(args) },
  map: { help: MAP_HELP, run: map },
  send: { help: SEND_HELP, run: send },
  emulator: { help: EMULATOR_HELP, run: (args) => emulatorCommand(args) },
}

const USAGE =
  'Usage: pinterest-capi COMMAND [options]\n\nCommands:\n' +
  Object.values(COMMANDS)
    .flatMap((c) => c.help.synopsis.map((line) => `  ${line}\n`))
    .join('') +
  "\n'pinterest-capi COMMAND --help' describes a command; 'pinterest-capi --version' prints the version.\n"

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
    const command = rest[0] === undefined ? undefined : COMMANDS[rest[0]]
    if (rest[0] !== undefined && !command) throw new UsageError(undefined, 'unknown command')
    out.write(command ? formatHelp(command.help) : USAGE)
    return 0
  }
  const command = Object.hasOwn(COMMANDS, name) ? COMMANDS[name] : undefined
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
    const command = error.command === undefined ? undefined : COMMANDS[error.command]
    const usage = command ? `${formatUsage(command.help)}Run 'pinterest-capi ${error.command} --help' for details.\n` : USAGE
    return { text: `usage error: ${error.message}\n${usage}`, code: 2 }
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
