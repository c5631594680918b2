import { createReadStream, fstatSync, type ReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { describeJsonError } from '../json'

export type JsonLine = { line: number; value: unknown } | { line: number; error: string }

/** How far reading has come: bytes taken from the input, of its size when that is known (a file). */
export interface InputPosition {
  bytesRead: number
  totalBytes?: number
}

const MAX_LINE_LENGTH = 5 * 1024 * 1024

/** The size of what a stream reads when it is a regular file (`--events FILE`, or stdin redirected from one). */
function sizeOf(fd: number | undefined): number | undefined {
  if (fd === undefined) return undefined
  try {
    const stat = fstatSync(fd)
    return stat.isFile() ? stat.size : undefined
  } catch {
    return undefined
  }
}

function opened(stream: ReadStream): Promise<number> {
  return new Promise((resolve, reject) => {
    stream.once('error', reject)
    stream.once('open', (fd: number) => {
      stream.off('error', reject)
      resolve(fd)
    })
  })
}

/**
 * Reads JSON lines from a file, or standard input when no file is given; blank lines are skipped.
 * `position`, when given, follows the bytes read (the bytes handed to the line reader, a chunk ahead of the lines).
 */
export async function* readJsonLines(file: string | undefined, stdin: Readable = process.stdin, position?: InputPosition): AsyncGenerator<JsonLine> {
  const input = file ? createReadStream(file) : stdin
  if (position) {
    position.totalBytes = sizeOf(file ? await opened(input as ReadStream) : (stdin as { fd?: number }).fd)
    input.on('data', (chunk: Buffer | string) => (position.bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length))
  }
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
