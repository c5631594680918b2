import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { CHUNK_BYTES, type LineChunk, readLineChunks } from '../../src/cli/json-lines'
import { lineCount, linesOfText } from '../../src/json'

/** The input as stdin would give it, in pieces of `size` bytes (so that a \r\n or a character can fall across two). */
const piecesOf = (text: string, size: number) => {
  const bytes = Buffer.from(text)
  return () => Readable.from(Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size)))
}

async function chunksOf(stdin: Readable): Promise<LineChunk[]> {
  const out: LineChunk[] = []
  for await (const chunk of readLineChunks(undefined, stdin)) out.push(chunk)
  return out
}

/** Each line with its number, as the chunks' reader (a thread splitting each chunk) gives them. */
async function numberedFromChunks(stdin: Readable): Promise<[number, string][]> {
  return (await chunksOf(stdin)).flatMap((chunk) => linesOfText(new TextDecoder('utf-8', { ignoreBOM: true }).decode(chunk.bytes)).map((line, i): [number, string] => [chunk.firstLine + i, line]))
}

/** The same from Node's own line reader, which a line-at-a-time reader of stdin would use. */
async function numberedFromLineReader(stdin: Readable): Promise<[number, string][]> {
  const out: [number, string][] = []
  for await (const line of createInterface({ input: stdin, crlfDelay: Infinity })) out.push([out.length + 1, line])
  return out
}

const long = 'x'.repeat(CHUNK_BYTES + 10)
const INPUTS: [string, string][] = [
  ['lines ending in \\n', '{"a":1}\n{"a":2}\n'],
  ['no break at the end', '{"a":1}\n{"a":2}'],
  ['blank lines between and at the end', '{"a":1}\n\n\n{"a":2}\n\n'],
  ['\\r\\n breaks', '{"a":1}\r\n{"a":2}\r\n\r\n{"a":3}'],
  ['a \\r on its own', '{"a":1}\r{"a":2}\n{"a":3}\r'],
  ['a byte order mark and multi-byte characters', '\uFEFF{"n":"Lampe à poser 💡"}\n{"n":"灯 ✓"}\n'],
  ['an empty input', ''],
  ['only breaks', '\n\r\n\r'],
  ['a line longer than a chunk', `{"a":1}\n${long}\n{"a":2}\n`],
  ['many chunks of short lines', Array.from({ length: 40_000 }, (_, i) => `{"i":${i},"pad":"${'p'.repeat(i % 90)}"}`).join('\r\n')],
]

describe('chunks of whole lines', () => {
  it.each(INPUTS)('%s: the same lines under the same numbers as the line reader', async (_name, text) => {
    // Tiny pieces only for short inputs: millions of 3-byte buffers would only measure the test's memory.
    for (const size of text.length < 10_000 ? [3, 64 * 1024] : [1_000, 64 * 1024, 5 * CHUNK_BYTES]) {
      const stdin = piecesOf(text, size)
      expect(await numberedFromChunks(stdin())).toEqual(await numberedFromLineReader(stdin()))
    }
  })

  it('cuts chunks of about a megabyte at \\n, each in a buffer of its own', async () => {
    const text = INPUTS[INPUTS.length - 1][1]
    const chunks = await chunksOf(piecesOf(text, 64 * 1024)())
    expect(chunks.length).toBeGreaterThan(1)
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.bytes[chunk.bytes.length - 1]).toBe(10)
      expect(chunk.bytes.length).toBeGreaterThanOrEqual(CHUNK_BYTES - 200)
      expect(chunk.bytes.length).toBeLessThan(CHUNK_BYTES + 64 * 1024)
    }
    for (const chunk of chunks) expect([chunk.bytes.byteOffset, chunk.bytes.buffer.byteLength]).toEqual([0, chunk.bytes.length])
    expect(chunks.reduce((sum, chunk) => sum + chunk.bytes.length, 0)).toBe(Buffer.byteLength(text))
    // Each chunk says how many lines it holds, and the next one's numbering starts after them.
    for (const chunk of chunks) expect(chunk.lines).toBe(linesOfText(new TextDecoder().decode(chunk.bytes)).length)
    chunks.slice(1).forEach((chunk, i) => expect(chunk.firstLine).toBe(chunks[i].firstLine + chunks[i].lines))
    expect(chunks.reduce((sum, chunk) => sum + chunk.lines, 0)).toBe(40_000)
  })

  it.each([
    ['', 0],
    ['a', 1],
    ['a\n', 1],
    ['a\r\nb', 2],
    ['a\rb\r', 2],
    ['\n\n', 2],
  ])('counts %j as %d lines', (text, count) => {
    expect(lineCount(Buffer.from(text))).toBe(count)
    expect(linesOfText(text)).toHaveLength(count)
  })
})
