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
