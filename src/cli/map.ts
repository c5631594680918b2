import { readFile } from 'node:fs/promises'
import type { Readable, Writable } from 'node:stream'
import { ConfigError } from '../errors'
import { compileFunction, type CompiledFunction } from '../mapping/compile-function'
import { invokeFunction } from '../mapping/invoke'
import { describeJsonError } from '../json'
import { readJsonLines } from './json-lines'

export interface MapOptions {
  functionFile: string
  eventsFile?: string
  stdin?: Readable
  stdout?: Writable
  stderr?: Writable
  nowMs?: number
}

/** Loads a function configuration file; problems become ConfigErrors naming the file or field. */
export async function loadFunctionFile(file: string): Promise<CompiledFunction> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new ConfigError(file, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(file, describeJsonError(error))
  }
  return compileFunction(raw)
}

/** One line for debug output; the token is a Secret, so it prints redacted. */
export function describeFunction(fn: CompiledFunction): string {
  return JSON.stringify({
    name: fn.name,
    enabled: fn.enabled,
    ad_account_id: fn.settings.adAccountId,
    conversion_token: fn.settings.conversionToken,
    test_mode: fn.settings.testMode,
    mappings: fn.mappings.map((m) => m.name),
  })
}

/**
 * `pinterest-capi map`: one JSON line out per result (the Pinterest event, or a skip or error with
 * its reason), a `filtered` line for events no mapping takes, and a summary on stderr.
 */
export async function runMap(options: MapOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout
  const stderr = options.stderr ?? process.stderr
  const fn = await loadFunctionFile(options.functionFile)
  if (fn.settings.debugMode) stderr.write(`debug: ${describeFunction(fn)}\n`)
  const counts = { event: 0, skipped: 0, error: 0, filtered: 0 }
  const write = (value: object) => stdout.write(JSON.stringify(value) + '\n')
  for await (const item of readJsonLines(options.eventsFile, options.stdin)) {
    if ('error' in item) {
      counts.error += 1
      write({ line: item.line, mapping: null, status: 'error', reason: item.error })
      continue
    }
    const results = invokeFunction(fn, item.value, { nowMs: options.nowMs })
    if (results.length === 0) {
      counts.filtered += 1
      write({ line: item.line, mapping: null, status: 'filtered', reason: 'no mapping matched this event' })
    }
    for (const result of results) {
      counts[result.status] += 1
      write({ line: item.line, ...result })
    }
  }
  stderr.write(`pinterest events: ${counts.event}, skipped: ${counts.skipped}, errors: ${counts.error}, filtered: ${counts.filtered}\n`)
  return 0
}
