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
