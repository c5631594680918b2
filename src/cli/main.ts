#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { ConfigError } from '../errors'
import { SecretKeyError } from '../store/secret-box'
import { emulatorCommand } from './emulator'
import { runMap } from './map'
import { personsCommand } from './persons'
import { secretsCommand } from './secrets'
import { runSend } from './send'
import { adminCommand, serveCommand } from './serve'

const USAGE = `Usage: pinterest-capi <command> [options]

Commands:
  serve [--port N] [--host HOST] [--db FILE] [--api-url URL] [--concurrency N]
        [--max-db-size SIZE] [--shutdown-timeout DURATION]
      Run the pipelines server (hog_functions REST API, capture, durable queue) on SQLite
      (default ./data/pipelines.sqlite; PORT, HOST, PIPELINES_DB, PINTEREST_API_URL,
      PIPELINES_CONCURRENCY, PIPELINES_MAX_DB_SIZE and PIPELINES_SHUTDOWN_TIMEOUT also work).
      Past --max-db-size (default 10GB; 0 or off for none) capture answers 503 with Retry-After.
      Draining on SIGINT/SIGTERM stops after --shutdown-timeout (default 30s); a second signal
      stops at once.
      Secret inputs are encrypted with PIPELINES_SECRET_KEY (32 bytes, base64 or hex), else with
      the key file FILE.key made at first start.
  projects create NAME [--db FILE]
  keys create --project ID [--scopes hog_function:read,hog_function:write] [--db FILE]
  secrets rotate-key [--db FILE] [--new-key-env NAME]
      Re-encrypt every stored secret with a new key (the server stopped): a new random key in the
      key file, or, with PIPELINES_SECRET_KEY, the key in the variable NAME.
  persons delete --distinct-id ID [--project N] [--db FILE]
      Delete a person (all its distinct ids), their stored events and undelivered deliveries.
  map --function FILE [--events FILE]
      Map PostHog events (JSON lines; stdin without --events) to Pinterest events and print one
      JSON line per result.
  send --function FILE [--events FILE] [--api-url URL] [--test] [--dry-run]
      Map and deliver events to Pinterest in batches; exits 1 when any event failed.
      --api-url defaults to $PINTEREST_API_URL or https://api.pinterest.com; --test sends with
      Pinterest's test flag; --dry-run prints the requests instead of sending them.
  emulator [--port N] [--host HOST] [--token T] [--ad-account ID] [--faults FILE] [--seed N]
      Run a local stand-in for Pinterest's events endpoint.
`

class UsageError extends Error {}

function parse<T extends Record<string, { type: 'string' | 'boolean' }>>(args: string[], options: T) {
  return parseArgs({ args, options, strict: true, allowPositionals: false }).values
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'map': {
      const values = parse(rest, { function: { type: 'string' }, events: { type: 'string' } })
      if (!values.function) throw new UsageError('map needs --function FILE')
      return runMap({ functionFile: values.function, eventsFile: values.events })
    }
    case 'send': {
      const values = parse(rest, {
        function: { type: 'string' },
        events: { type: 'string' },
        'api-url': { type: 'string' },
        test: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      })
      if (!values.function) throw new UsageError('send needs --function FILE')
      return runSend({
        functionFile: values.function,
        eventsFile: values.events,
        apiUrl: values['api-url'],
        test: values.test,
        dryRun: values['dry-run'],
      })
    }
    case 'emulator':
      return emulatorCommand(rest)
    case 'serve':
      return serveCommand(rest)
    case 'projects':
    case 'keys':
      return adminCommand(command, rest)
    case 'secrets':
      return secretsCommand(rest)
    case 'persons':
      return personsCommand(rest)
    case undefined:
      process.stdout.write(USAGE)
      return 2
    case 'help':
    case '--help':
      process.stdout.write(USAGE)
      return 0
    default:
      throw new UsageError(`unknown command '${command}'`)
  }
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
      if (error instanceof ConfigError) {
        process.stderr.write(`configuration error: ${error.message}\n`)
      } else if (error instanceof SecretKeyError) {
        process.stderr.write(`error: ${error.message}\n`)
      } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
      } else {
        process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`)
      }
      process.exitCode = 2
    },
  )
}
