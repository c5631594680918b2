import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { BodyError, decodeBody, MAX_CAPTURE_BODY_BYTES } from '../capture-payload'
import { ApiError } from '../errors'

/**
 * The endpoints that SDKs call with a project token (capture, flags, remote config). Browsers call
 * them from the site's own origin, so they answer CORS as PostHog's capture does: the origin and the
 * requested headers mirrored, credentials allowed, and a preflight (OPTIONS) answered for every path.
 */
export function registerBrowserEndpoints(app: FastifyInstance, paths: string[], register: (scope: FastifyInstance) => void): void {
  void app.register(async (scope) => {
    // Bodies come as JSON, text/plain, forms or gzip: read raw bytes and decode them in the handler.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_CAPTURE_BODY_BYTES }, (_request, body, done) => done(null, body))
    // Set before the handler runs, so error answers carry them too: a browser reads nothing without them.
    // A callback hook, not an async one: capture runs it on every event, and a promise each is not free.
    scope.addHook('onRequest', (request, reply, done) => {
      allowOrigin(request, reply)
      done()
    })
    for (const path of paths) {
      scope.options(path, async (request, reply) => {
        const requested = request.headers['access-control-request-headers']
        if (typeof requested === 'string') reply.header('access-control-allow-headers', requested)
        reply.header('access-control-allow-methods', 'GET, POST, OPTIONS')
        reply.header('access-control-max-age', '86400')
        reply.code(204)
        return null
      })
    }
    register(scope)
  })
}

function allowOrigin(request: FastifyRequest, reply: FastifyReply): void {
  const origin = request.headers.origin
  if (typeof origin !== 'string' || origin === '') {
    reply.header('access-control-allow-origin', '*')
    return
  }
  reply.header('access-control-allow-origin', origin)
  reply.header('access-control-allow-credentials', 'true')
  reply.header('vary', 'Origin')
}

/** The request's body decoded as capture decodes it (JSON, form `data=`, gzip, deflate); a 400 or 413 otherwise. */
export async function decodeRequestBody(request: FastifyRequest): Promise<unknown> {
  const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0)
  try {
    return await decodeBody(raw, request.headers['content-encoding'], (request.query as { compression?: string }).compression)
  } catch (error) {
    if (error instanceof BodyError && error.tooLarge) {
      throw new ApiError(413, { type: 'invalid_request', code: 'payload_too_large', detail: `The body unpacks to more than ${MAX_CAPTURE_BODY_BYTES} bytes.`, attr: null })
    }
    throw new ApiError(400, { type: 'validation_error', code: 'invalid_payload', detail: 'The body is not valid JSON (or gzip of JSON).', attr: null })
  }
}

/** PostHog's answer to a missing or unknown project token. */
export const invalidProjectToken = () =>
  new ApiError(401, { type: 'authentication_error', code: 'invalid_api_key', detail: 'Project API key invalid. You can find your project API key in your project settings.', attr: null })
