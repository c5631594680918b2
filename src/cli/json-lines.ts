import { createReadStream, fstatSync, type ReadStream } from 'node:fs'
import { createInterface } from 'node:readline'
import type { Readable } from 'node:stream'
import { type JsonLine, parseJsonLine } from '../json'

/** How far reading has come: bytes taken from the input, of its size when that is known (a file). */
export interface InputPosition {
  bytesRead: number
  totalBytes?: number
}

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
  let line = 0
  for await (const text of readLines(file, stdin, position)) {
    line += 1
    const parsed = parseJsonLine(text, line)
    if (parsed) yield parsed
  }
}

/** The lines of a file, or of standard input when no file is given, as text. */
export async function* readLines(file: string | undefined, stdin: Readable = process.stdin, position?: InputPosition): AsyncGenerator<string> {
  const input = file ? createReadStream(file) : stdin
  if (position) {
    position.totalBytes = sizeOf(file ? await opened(input as ReadStream) : (stdin as { fd?: number }).fd)
    input.on('data', (chunk: Buffer | string) => (position.bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length))
  }
  yield* createInterface({ input, crlfDelay: Infinity })
}
