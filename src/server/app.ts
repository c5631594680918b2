import Fastify, { type FastifyInstance } from 'fastify'
import type { Store } from '../store/types'
import { unexpectedErrorLine } from './error-log'
import { ApiError } from './errors'
import { registerCaptureRoutes, type CaptureTarget } from './routes/capture'
import { registerFunctionActivityRoutes } from './routes/function-activity'
import { registerJobRoutes } from './routes/function-jobs'
import { registerObservabilityRoutes } from './routes/function-observability'
import { registerQualityRoutes } from './routes/function-quality'
import { registerInvocationRoutes } from './routes/invocations'
import { registerHogFunctionRoutes } from './routes/hog-functions'
import { registerTemplateRoutes } from './routes/templates'
import { registerFlagRoutes } from './routes/flags'
import { registerProjectRoutes } from './routes/projects'
import { registerEventRoutes } from './routes/events'
import { registerSessionRoutes, type SignInThrottle } from './routes/session'
import { registerUiRoutes } from './routes/ui'

/** How long a client may take, so slow or stuck clients cannot hold connections for ever. */
export interface HttpTimeouts {
  /** From the first byte of a request to the end of its headers. */
  headersMs: number
  /** From the first byte of a request to the end of its body. */
  requestMs: number
  /** An idle keep-alive connection is closed after this. */
  keepAliveMs: number
  /** A connection with no traffic at all is closed after this. */
  idleMs: number
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = { headersMs: 10_000, requestMs: 30_000, keepAliveMs: 5_000, idleMs: 30_000 }

export interface AppOptions {
  store: Store
  /** Where capture writes; without it the capture endpoints are not served. */
  capture?: CaptureTarget
  /** Pinterest's API, for test invocations that really send. */
  apiUrl?: string
  /** Fastify's request log; off in tests. */
  logger?: boolean
  timeouts?: Partial<HttpTimeouts>
  /** Where unexpected (500) errors are reported, one redacted line each; stderr by default. */
  errorLog?: (line: string) => void
  /**
   * Behind a reverse proxy: the client's address is the left-most X-Forwarded-For entry (Fastify's
   * `trustProxy`). Off, the header is ignored, since any client could write it.
   */
  trustProxy?: boolean
  /** The built Data pipelines page (scripts/build-ui.js); the package's dist/ui by default. */
  uiDir?: string
  /** Failed sign-ins of the page allowed per client address and window. */
  signInThrottle?: SignInThrottle
}

/** The pipelines server's HTTP application: routes only, no listening (the caller decides where). */
export function buildApp(options: AppOptions): FastifyInstance {
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...options.timeouts }
  const errorLog = options.errorLog ?? ((line: string) => process.stderr.write(`${line}\n`))
  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { ignoreTrailingSlash: true },
    trustProxy: options.trustProxy ?? false,
    // Every problem of a request's path and query, not only the first; the request schemas are small and flat.
    ajv: { customOptions: { allErrors: true } },
    bodyLimit: 20 * 1024 * 1024,
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    connectionTimeout: timeouts.idleMs,
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      // Node only looks for expired requests this often (30 s by default): a limit needs a closer look.
      connectionsCheckingInterval: Math.max(50, Math.min(1000, timeouts.headersMs / 2)),
    },
  })
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds))
      return reply.code(error.status).send(error.body)
    }
    const { statusCode, code, message, validation, validationContext } = error as {
      statusCode?: number
      code?: string
      message?: string
      validation?: RequestSchemaProblem[]
      validationContext?: string
    }
    if (validation && validation.length > 0) {
      // A request schema rejected the path, query or body: say which part, in PostHog's shape.
      const errors = validation.map((problem) => ({
        code: 'invalid_input',
        detail: `${validationContext ?? 'request'}${problem.instancePath ?? ''} ${problem.message ?? 'is invalid'}`,
        attr: requestAttr(problem, validationContext),
      }))
      return reply.code(400).send({ type: 'validation_error', ...errors[0], errors })
    }
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      // Fastify's own answers (bad JSON, body too large) in PostHog's error shape.
      // Parser messages can quote the body, which may hold a token: only say what kind of problem it is.
      const detail = code?.startsWith('FST_ERR_CTP') ? 'The request body is not valid JSON or is too large.' : (message ?? 'Invalid request.')
      return reply.code(statusCode).send({ type: 'invalid_request', code: code ?? 'invalid', detail, attr: null })
    }
    errorLog(unexpectedErrorLine(error, request))
    return reply.code(500).send({ type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null })
  })
  app.get('/_health', async () => ({ status: 'ok' }))
  app.get('/_ready', async () => ({ status: 'ready' }))
  registerTemplateRoutes(app, options.store)
  registerHogFunctionRoutes(app, options.store)
  registerFunctionActivityRoutes(app, options.store)
  registerObservabilityRoutes(app, options.store)
  registerQualityRoutes(app, options.store)
  registerJobRoutes(app, options.store)
  registerInvocationRoutes(app, options.store, options.apiUrl)
  registerProjectRoutes(app, options.store)
  registerEventRoutes(app, options.store)
  registerSessionRoutes(app, options.store, options.signInThrottle)
  registerUiRoutes(app, options.uiDir)
  if (options.capture) {
    registerCaptureRoutes(app, options.store.projects, options.capture)
    registerFlagRoutes(app, options.store.projects)
  }
  return app
}

/** One problem that a route's request schema (ajv) found. */
interface RequestSchemaProblem {
  instancePath?: string
  message?: string
  params?: { missingProperty?: string }
}

function requestAttr(problem: RequestSchemaProblem, context: string | undefined): string | null {
  const path = (problem.instancePath ?? '').replace(/^\//, '').replace(/\//g, '__')
  const missing = problem.params?.missingProperty
  return (path && missing ? `${path}__${missing}` : path || missing) || context || null
}
