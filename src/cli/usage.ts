import { parseArgs, type ParseArgsConfig } from 'node:util'

type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig['options']>

/** How a command is called and what it does: its `--help`, and the usage line of its usage errors. */
export interface CommandHelp {
  /** Each way to call it, without the leading `pinterest-capi `. */
  synopsis: string[]
  description: string
}

/**
 * A command called the wrong way (unknown option or command, missing argument): the CLI prints the message
 * with the command's usage and exits 2. Messages never repeat a value given (it may be a pasted key).
 */
export class UsageError extends Error {
  constructor(
    readonly command: string | undefined,
    message: string,
  ) {
    super(message)
    this.name = 'UsageError'
  }
}

export function formatUsage(help: CommandHelp): string {
  return help.synopsis.map((line, i) => `${i === 0 ? 'Usage: ' : '       '}pinterest-capi ${line}`).join('\n') + '\n'
}

export function formatHelp(help: CommandHelp): string {
  return `${formatUsage(help)}\n${help.description.trim()}\n`
}

type OptionValue<O> = O extends { type: 'boolean' } ? (O extends { multiple: true } ? boolean[] : boolean) : O extends { multiple: true } ? string[] : string

export interface ParsedCommand<T extends ParseArgsOptionsConfig> {
  values: { [K in keyof T]?: OptionValue<T[K]> }
  positionals: string[]
}

/** util.parseArgs, strict, with its errors turned into usage errors of `command`. */
export function parseCommand<T extends ParseArgsOptionsConfig>(command: string, args: string[], options: T, allowPositionals = false): ParsedCommand<T> {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals }) as ParsedCommand<T>
  } catch (error) {
    throw new UsageError(command, describeParseError(error as NodeJS.ErrnoException))
  }
}

function describeParseError(error: NodeJS.ErrnoException): string {
  // Node's messages quote what was given, and a positional may be a key pasted in the wrong place.
  const option = /'(-{1,2}[\w-]{1,40})/.exec(error.message)?.[1]
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return option ? `unknown option ${option}` : 'unknown option'
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return option ? `${option} ${/argument missing/.test(error.message) ? 'needs a value' : 'takes no value'}` : 'an option has a wrong value'
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return 'unexpected argument (this command takes options only)'
    default:
      return 'cannot read the arguments'
  }
}

/** The sub-command (`list`, `create`, ...) of a command that has several, or a usage error. */
export function subcommand<A extends string>(command: string, positionals: string[], actions: readonly A[]): A {
  const action = positionals[0]
  if (action === undefined) throw new UsageError(command, `${command} needs one of: ${actions.join(', ')}`)
  if (!(actions as readonly string[]).includes(action)) throw new UsageError(command, `unknown ${command} command; expected one of: ${actions.join(', ')}`)
  return action as A
}
