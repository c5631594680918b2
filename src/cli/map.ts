import { once } from 'node:events'
import { readFile } from 'node:fs/promises'
import { availableParallelism } from 'node:os'
import type { Readable, Writable } from 'node:stream'
import { ConfigError } from '../errors'
import { MappingPool } from '../mapping/mapping-pool'
import { noOutcomes } from '../mapping/printed-lines'
import { describeJsonError } from '../json'
import { readLineChunks } from './json-lines'
import { mapInChunks } from './map-in-chunks'
import { type CommandHelp, parseCommand, UsageError } from './usage'

export const MAP_HELP: CommandHelp = {
  synopsis: ['map --function FILE [--events FILE] [--threads N]'],
  description: `
Maps PostHog events (JSON lines; stdin without --events) to Pinterest events and prints one JSON line per
result, in input order, and a count on stderr. Nothing is sent. --threads maps on N threads (default: one per
core).`,
}

const MAX_THREADS = 64

export async function mapCommand(args: string[]): Promise<number> {
  const { values } = parseCommand('map', args, { function: { type: 'string' }, events: { type: 'string' }, threads: { type: 'string' } })
  if (!values.function) throw new UsageError('map', 'map needs --function FILE')
  return runMap({ functionFile: values.function, eventsFile: values.events, threads: values.threads === undefined ? undefined : threadsOf('map', values.threads) })
}

export function threadsOf(command: string, text: string): number {
  const threads = Number(text)
  if (!/^\d+$/.test(text) || threads < 1 || threads > MAX_THREADS) throw new UsageError(command, `--threads must be a whole number from 1 to ${MAX_THREADS}`)
  return threads
}

export interface MapOptions {
  functionFile: string
  eventsFile?: string
  stdin?: Readable
  stdout?: Writable
  stderr?: Writable
  nowMs?: number
  /** Mapping threads (default: one per core). */
  threads?: number
}

/** Reads a function configuration file as JSON; problems become ConfigErrors naming the file. */
export async function readFunctionFile(file: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new ConfigError(file, describeJsonError(error))
  }
}

/**
 * `pinterest-capi map`: one JSON line out per result (the Pinterest event, or a skip or error with
 * its reason), a `filtered` line for events no mapping takes, and a summary on stderr. The lines are mapped
 * in chunks on a thread per core, and written in input order, a chunk at a time.
 */
export async function runMap(options: MapOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const pool = await MappingPool.start(await readFunctionFile(options.functionFile), options.threads ?? availableParallelism())
  try {
    if (pool.compiled.settings.debugMode) stderr.write(`debug: ${pool.compiled.description}\n`)
    const counts = noOutcomes()
    const chunks = readLineChunks(options.eventsFile, options.stdin)
    await mapInChunks(
      chunks,
      pool.size,
      (chunk) => pool.print(chunk.bytes, chunk.firstLine, options.nowMs, chunk.lines),
      async ({ output, counts: some }) => {
        for (const status of Object.keys(counts) as (keyof typeof counts)[]) counts[status] += some[status]
        if (output.length > 0 && !stdout.write(output)) await once(stdout, 'drain')
      },
    )
    stderr.write(`pinterest events: ${counts.event}, skipped: ${counts.skipped}, errors: ${counts.error}, filtered: ${counts.filtered}\n`)
    return 0
  } finally {
    await pool.close()
  }
}
