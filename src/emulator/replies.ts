// Response bodies in Pinterest's shapes. Messages are the ones in the OpenAPI examples, and for 401
// the observed body, which also carries `status: "failure"`.

export interface Reply {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export const INVALID_REQUEST_CODE = 4196

const BODIES: Record<number, { code: number; message: string; status?: string; details?: object }> = {
  400: { code: INVALID_REQUEST_CODE, message: 'The request was invalid.' },
  401: { code: 2, message: 'Authentication failed.', status: 'failure' },
  403: { code: 29, message: 'You are not permitted to access that resource.' },
  // Pinterest documents no code for 422; the emulator reuses the invalid-request one.
  422: { code: INVALID_REQUEST_CODE, message: 'Not all events were successfully processed.', details: {} },
  429: {
    code: 8,
    message: 'This request exceeded a rate limit. This can happen if the client exceeds one of the published rate limits within a short time window.',
  },
  503: { code: 4197, message: 'The endpoint has been ramped down and is currently not accepting any traffic.' },
}

/** A Pinterest-shaped error for any status; a 429 carries Retry-After. */
export function errorReply(status: number, retryAfterSeconds: number, message?: string): Reply {
  const known = BODIES[status] ?? { code: status, message: 'Unexpected error.' }
  const body = message === undefined ? known : { ...known, message }
  const headers = status === 429 ? { 'retry-after': String(retryAfterSeconds) } : undefined
  return { status, body, headers }
}

export function invalidRequest(message: string): Reply {
  return errorReply(400, 0, `Invalid request: ${message}`)
}
