import type { LineChunk } from './json-lines'

/** Chunks out at once per thread: each thread has its next chunk while the results of its last are handled. */
const CHUNKS_PER_THREAD = 2

/**
 * Maps chunks of JSON lines on `threads` threads (`mapChunk` hands one to the pool), and hands each chunk's
 * answer to `take` in input order (a chunk after the one before it, whichever thread finished first).
 * Reading waits while the pool has its fill of chunks and `take` has not caught up.
 */
export async function mapInChunks<T>(chunks: AsyncIterable<LineChunk>, threads: number, mapChunk: (chunk: LineChunk) => Promise<T>, take: (answer: T) => Promise<void> | void): Promise<void> {
  const inFlight: Promise<T>[] = []
  const takeNext = async () => take(await (inFlight.shift() as Promise<T>))
  for await (const chunk of chunks) {
    inFlight.push(mapChunk(chunk))
    if (inFlight.length >= threads * CHUNKS_PER_THREAD) await takeNext()
  }
  while (inFlight.length > 0) await takeNext()
}
