/**
 * V8 quotes the text around a JSON syntax error, which may hold a token or personal data;
 * only the position is kept.
 */
export function describeJsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : ''
  const position = /position (\d+)/.exec(message)?.[1]
  return position === undefined ? 'invalid JSON' : `invalid JSON at position ${position}`
}

/** A JSON object: not null, not an array. */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The longest line a JSON-lines reader takes; a longer one is an error, not parsed. */
export const MAX_LINE_LENGTH = 5 * 1024 * 1024

/** One line of JSON-lines input, numbered from 1 as in a file. */
export type JsonLine = { line: number; value: unknown } | { line: number; error: string }

// Where the line reader of Node's readline ends a line: \r\n, \n, or a \r on its own.
const LINE_BREAK = /\r\n|\n|\r/

/**
 * The lines of JSON-lines text, split as Node's line reader splits a stream: a break at the very end ends
 * the last line rather than starting an empty one.
 */
export function linesOfText(text: string): string[] {
  const lines = text.split(LINE_BREAK)
  if (lines[lines.length - 1] === '') lines.pop()
  return lines
}

/** How many lines linesOfText gives for this text as UTF-8 (counted with native searches: it runs on every chunk read). */
export function lineCount(bytes: Uint8Array): number {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  let count = 0
  for (let at = buffer.indexOf(10); at !== -1; at = buffer.indexOf(10, at + 1)) count += 1
  for (let at = buffer.indexOf(13); at !== -1; at = buffer.indexOf(13, at + 1)) if (buffer[at + 1] !== 10) count += 1
  const last = buffer[buffer.length - 1]
  return buffer.length > 0 && last !== 10 && last !== 13 ? count + 1 : count
}

/** A line of JSON-lines input parsed, or why it cannot be; undefined for a blank line, which is skipped. */
export function parseJsonLine(text: string, line: number): JsonLine | undefined {
  if (text.trim() === '') return undefined
  if (text.length > MAX_LINE_LENGTH) return { line, error: `line ${line}: longer than ${MAX_LINE_LENGTH} characters` }
  try {
    return { line, value: JSON.parse(text) }
  } catch (error) {
    return { line, error: `line ${line}: ${describeJsonError(error)}` }
  }
}
