import Fastify, { FastifyInstance } from 'fastify'
import type { Store } from '../store/types'
import { ApiError } from './errors'
import type { GroupCommit } from './group-commit'
import { registerCaptureRoutes } from './routes/capture'
import { registerObservabilityRoutes } from './routes/function-observability'
import { registerInvocationRoutes } from './routes/invocations'
import { registerHogFunctionRoutes } from './routes/hog-functions'
import { registerTemplateRoutes } from './routes/templates'

export interface AppOptions {
  store: Store
  /** Where capture writes; without it the capture endpoints are not served. */
  writer?: GroupCommit
  /** Pinterest's API, for test invocations that really send. */
  apiUrl?: string
  /** Fastify's request log; off in tests. */
  logger?: boolean
}

/** The pipelines server's HTTP application: routes only, no listening (the caller decides where). */
export function buildApp(options: AppOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false, routerOptions: { ignoreTrailingSlash: true }, bodyLimit: 20 * 1024 * 1024 })
  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof ApiError) return reply.code(error.status).send(error.body)
    const { statusCode, code, message, validation, validationContext } = error as {
      statusCode?: number
      code?: string
      message?: string
      validation?: { instancePath?: string; params?: { missingProperty?: string } }[]
      validationContext?: string
    }
    if (validation && validation.length > 0) {
      // A request schema rejected the path, query or body: say which part, in PostHog's shape.
      const first = validation[0]
      const attr = (first.instancePath ?? '').replace(/^\//, '').replace(/\//g, '__') || first.params?.missingProperty || validationContext || null
      return reply.code(400).send({ type: 'validation_error', code: 'invalid_input', detail: message ?? 'Invalid request.', attr })
    }
    if (statusCode && statusCode >= 400 && statusCode < 500) {
      // Fastify's own answers (bad JSON, body too large) in PostHog's error shape.
      // Parser messages can quote the body, which may hold a token: only say what kind of problem it is.
      const detail = code?.startsWith('FST_ERR_CTP') ? 'The request body is not valid JSON or is too large.' : (message ?? 'Invalid request.')
      return reply.code(statusCode).send({ type: 'invalid_request', code: code ?? 'invalid', detail, attr: null })
    }
    app.log.error(error)
    return reply.code(500).send({ type: 'server_error', code: 'error', detail: 'A server error occurred.', attr: null })
  })
  app.get('/_health', async () => ({ status: 'ok' }))
  app.get('/_ready', async () => ({ status: 'ready' }))
  registerTemplateRoutes(app, options.store)
  registerHogFunctionRoutes(app, options.store)
  registerObservabilityRoutes(app, options.store)
  registerInvocationRoutes(app, options.store, options.apiUrl)
  if (options.writer) registerCaptureRoutes(app, options.store.projects, options.writer)
  return app
}
