import { ConfigError } from '../errors'

/** One problem of a validation answer, as drf-standardized-errors lists them. */
export interface ApiProblem {
  code: string
  detail: string
  attr: string | null
}

/**
 * PostHog's (Django REST framework's) error body: the first problem. A validation error adds `errors`,
 * every problem found (the first included), so that a user can fix them all in one go.
 */
export interface ApiErrorBody extends ApiProblem {
  type: 'validation_error' | 'authentication_error' | 'invalid_request' | 'throttled_error' | 'server_error'
  errors?: ApiProblem[]
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody,
    /** For a 503: when to try again (PostHog's SDKs retry). */
    readonly retryAfterSeconds?: number,
  ) {
    super(body.detail)
  }
}

/** `mappings[0].inputs.event_name` → `mappings__0__inputs__event_name`, as DRF names nested fields. */
export function toAttr(field: string): string {
  return field.replace(/\[(\d+)\]/g, '.$1').replace(/\./g, '__')
}

export function validationError(error: ConfigError): ApiError {
  const errors = error.problems.map((p) => ({ code: 'invalid_input', detail: p.detail, attr: toAttr(p.field) }))
  return new ApiError(400, { type: 'validation_error', ...errors[0], errors })
}

/** Runs `run`, turning a ConfigError into PostHog's 400 body naming the field. */
export function asApiError<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (error instanceof ConfigError) throw validationError(error)
    throw error
  }
}

export const notAuthenticated = (detail: string) => new ApiError(401, { type: 'authentication_error', code: 'not_authenticated', detail, attr: null })

export const permissionDenied = (detail: string) => new ApiError(403, { type: 'authentication_error', code: 'permission_denied', detail, attr: null })

/** A query parameter that cannot be used, named in `attr`; the value itself is not repeated. */
export const invalidParameter = (name: string, detail: string) =>
  new ApiError(400, { type: 'validation_error', code: 'invalid_input', detail, attr: name, errors: [{ code: 'invalid_input', detail, attr: name }] })

/** The server cannot take this now but will: 503 with Retry-After. */
export const unavailable = (code: string, detail: string, retryAfterSeconds: number) => new ApiError(503, { type: 'server_error', code, detail, attr: null }, retryAfterSeconds)

export const notFound = (detail = 'Not found.', attr: string | null = null) => new ApiError(404, { type: 'invalid_request', code: 'not_found', detail, attr })
