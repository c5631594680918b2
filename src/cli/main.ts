#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { ConfigError } from '../errors'
import { runMap } from './map'

const USAGE = `Usage: pinterest-capi <command> [options]

Commands:
  map --function FILE [--events FILE]   Map PostHog events (JSON lines; stdin without --events)
                                        to Pinterest events and print one JSON line per result.
`

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === 'map') {
    const { values } = parseArgs({
      args: rest,
      options: { function: { type: 'string' }, events: { type: 'string' } },
      strict: true,
    })
    if (!values.function) throw new UsageError('map needs --function FILE')
    return runMap({ functionFile: values.function, eventsFile: values.events })
  }
  if (command === undefined || command === '--help' || command === 'help') {
    process.stdout.write(USAGE)
    return command === undefined ? 2 : 0
  }
  throw new UsageError(`unknown command '${command}'`)
}

class UsageError extends Error {}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code
    },
    (error: unknown) => {
      if (error instanceof ConfigError) {
        process.stderr.write(`configuration error: ${error.message}\n`)
      } else if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
        process.stderr.write(`${(error as Error).message}\n\n${USAGE}`)
      } else {
        process.stderr.write(`error: ${(error as Error).stack ?? String(error)}\n`)
      }
      process.exitCode = 2
    },
  )
}
