import { createReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { describeJsonError } from '../json'

export type JsonLine = { line: number; value: unknown } | { line: number; error: string }

const MAX_LINE_LENGTH = 5 * 1024 * 1024

/** Reads JSON lines from a file, or standard input when no file is given; blank lines are skipped. */
export async function* readJsonLines(file: string | undefined, stdin: Readable = process.stdin): AsyncGenerator<JsonLine> {
  const input = file ? createReadStream(file, 'utf8') : stdin
  const lines = createInterface({ input, crlfDelay: Infinity })
  let line = 0
  for await (const text of lines) {
    line += 1
    if (text.trim() === '') continue
    if (text.length > MAX_LINE_LENGTH) {
      yield { line, error: `line ${line}: longer than ${MAX_LINE_LENGTH} characters` }
      continue
    }
    try {
      yield { line, value: JSON.parse(text) }
    } catch (error) {
      yield { line, error: `line ${line}: ${describeJsonError(error)}` }
    }
  }
}
