import type { FastifyRequest } from 'fastify'
import { isRecord } from '../json'

const REDACTED = '***REDACTED***'
// Keys and tokens by their look: PostHog's phc_/phx_ prefixes, Pinterest's pina_, anything after Bearer.
const TOKEN_PATTERNS = [/\bBearer\s+\S+/gi, /\b(?:phc|phx|pina)_[A-Za-z0-9_-]+/g]
const MIN_SECRET_LENGTH = 6

/**
 * One line for an unexpected error, for the operator's stderr: what failed and where, with the
 * request's Authorization header and every configured input value taken out wherever they appear.
 */
export function unexpectedErrorLine(error: unknown, request: FastifyRequest): string {
  const { name, message, stack } = error instanceof Error ? error : { name: 'Error', message: String(error), stack: undefined }
  const line = JSON.stringify({
    time: new Date().toISOString(),
    level: 'error',
    msg: 'unexpected error answered with 500',
    method: request.method,
    // The route's pattern, not the URL: a query string can carry a token.
    route: request.routeOptions.url ?? 'unknown route',
    error: `${name}: ${message}`,
    stack,
  })
  return redactSecrets(line, secretsOf(request))
}

export function redactSecrets(text: string, secrets: string[]): string {
  let out = text
  for (const secret of secrets) if (secret.length >= MIN_SECRET_LENGTH) out = out.split(JSON.stringify(secret).slice(1, -1)).join(REDACTED).split(secret).join(REDACTED)
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, REDACTED)
  return out
}

function secretsOf(request: FastifyRequest): string[] {
  const found: string[] = []
  const authorization = request.headers.authorization
  if (typeof authorization === 'string') found.push(authorization, authorization.replace(/^\S+\s+/, ''))
  collectInputValues(request.body, false, found, 0)
  // Longest first, so a secret containing another is taken out whole.
  return found.sort((a, b) => b.length - a.length)
}

// Any input of a function configuration may be a secret one; all their string values are taken out.
function collectInputValues(value: unknown, underInputs: boolean, found: string[], depth: number): void {
  if (depth > 16) return
  if (typeof value === 'string') {
    if (underInputs) found.push(value)
    return
  }
  if (Array.isArray(value)) {
    for (const item of value) collectInputValues(item, underInputs, found, depth + 1)
    return
  }
  if (!isRecord(value)) return
  for (const [key, item] of Object.entries(value)) collectInputValues(item, underInputs || key === 'inputs', found, depth + 1)
}
