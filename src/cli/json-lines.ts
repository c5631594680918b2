import { createReadStream, fstatSync, type ReadStream } from 'node:fs'
import type { Readable } from 'node:stream'
import { OperatorError } from '../errors'
import { lineCount } from '../json'

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

function inputOf(file: string | undefined, stdin: Readable): Readable {
  return file ? createReadStream(file) : stdin
}

async function follow(input: Readable, file: string | undefined, stdin: Readable, position: InputPosition | undefined): Promise<void> {
  if (!position) return
  position.totalBytes = sizeOf(file ? await opened(input as ReadStream) : (stdin as { fd?: number }).fd)
  input.on('data', (chunk: Buffer | string) => (position.bytesRead += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length))
}

/** A piece of JSON-lines input that ends at a line break (or the input's end), as UTF-8 bytes. */
export interface LineChunk {
  bytes: Uint8Array
  /** The number of its first line in the whole input, from 1. */
  firstLine: number
  /** How many lines it holds (as lineCount counts them). */
  lines: number
}

/** Bytes of one chunk, about: a chunk ends at the first line break after this many. */
export const CHUNK_BYTES = 1024 * 1024

/**
 * The input in chunks of whole lines, as bytes, for threads that split them (see linesOfText): reading
 * costs this thread a search for line breaks and nothing per line. A line longer than a chunk makes its
 * chunk longer.
 */
export async function* readLineChunks(file: string | undefined, stdin: Readable = process.stdin, position?: InputPosition): AsyncGenerator<LineChunk> {
  try {
    yield* chunksOf(file, stdin, position)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    // A file that cannot be opened or read is the user's to fix: said by its name, not as a crash.
    throw file !== undefined && typeof code === 'string' ? new OperatorError(`cannot read ${file}: ${code}`) : error
  }
}

async function* chunksOf(file: string | undefined, stdin: Readable, position: InputPosition | undefined): AsyncGenerator<LineChunk> {
  const input = inputOf(file, stdin)
  await follow(input, file, stdin, position)
  let held: Buffer[] = []
  let heldBytes = 0
  let firstLine = 1
  const cut = (bytes: Buffer): LineChunk => {
    // A copy of its own: the chunk's buffer moves to another thread, and the input's buffers hold more.
    const chunk = { bytes: new Uint8Array(bytes), firstLine, lines: lineCount(bytes) }
    firstLine += chunk.lines
    return chunk
  }
  for await (const data of input as AsyncIterable<Buffer | string>) {
    const piece = typeof data === 'string' ? Buffer.from(data) : data
    held.push(piece)
    heldBytes += piece.length
    if (heldBytes < CHUNK_BYTES) continue
    const whole = held.length === 1 ? piece : Buffer.concat(held, heldBytes)
    // A \r at the very end may be the first half of a \r\n, so a chunk ends at a \n.
    const end = whole.lastIndexOf(10) + 1
    held = end < whole.length ? [whole.subarray(end)] : []
    heldBytes = whole.length - end
    if (end > 0) yield cut(whole.subarray(0, end))
  }
  if (heldBytes > 0) yield cut(Buffer.concat(held, heldBytes))
}
