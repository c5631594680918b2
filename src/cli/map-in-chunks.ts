import type { MappedResult, MappingPool } from '../mapping/mapping-pool'

/** Lines in one chunk handed to a mapping thread, at most: its results are handled together. */
const CHUNK_LINES = 1_000
/** Characters in one chunk, at most, so that long lines do not make chunks huge. */
const CHUNK_CHARS = 4 * 1024 * 1024
/** Chunks out at once per thread: each thread has its next chunk while the results of its last are handled. */
const CHUNKS_PER_THREAD = 2

/**
 * Maps JSON lines on the pool's threads a chunk at a time, and hands each chunk's results to `take` in input
 * order (a chunk after the one before it, whichever thread finished first). Lines are numbered from 1, blank
 * ones included; reading waits while the pool has its fill of chunks and `take` has not caught up.
 */
export async function mapInChunks(pool: MappingPool, lines: AsyncIterable<string>, nowMs: number | undefined, take: (results: MappedResult[]) => Promise<void> | void): Promise<void> {
  const inFlight: Promise<MappedResult[]>[] = []
  const takeNext = async () => take(await (inFlight.shift() as Promise<MappedResult[]>))
  let chunk: string[] = []
  let chars = 0
  let line = 0
  const handOut = () => {
    inFlight.push(pool.map(chunk, line - chunk.length + 1, nowMs))
    chunk = []
    chars = 0
  }
  for await (const text of lines) {
    line += 1
    chunk.push(text)
    chars += text.length
    if (chunk.length < CHUNK_LINES && chars < CHUNK_CHARS) continue
    handOut()
    if (inFlight.length >= pool.size * CHUNKS_PER_THREAD) await takeNext()
  }
  if (chunk.length > 0) handOut()
  while (inFlight.length > 0) await takeNext()
}
