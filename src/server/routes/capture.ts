import type { FastifyInstance } from 'fastify'
import type { ProjectStore } from '../../store/types'
import { decodeBody, readCapture } from '../capture-payload'
import { ApiError } from '../errors'
import type { GroupCommit } from '../group-commit'

const PATHS = ['/i/v0/e', '/capture', '/e', '/batch', '/track']

/** PostHog's capture endpoints: 200 once the events are durably stored. */
export function registerCaptureRoutes(app: FastifyInstance, projects: ProjectStore, writer: GroupCommit): void {
  void app.register(async (scope) => {
    // Capture bodies come as JSON, text/plain, forms or gzip: read raw bytes and decode them here.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body))
    for (const path of PATHS) {
      scope.post(path, async (request) => {
        const query = request.query as { compression?: string }
        let body: unknown
        try {
          body = decodeBody(request.body as Buffer, request.headers['content-encoding'], query.compression)
        } catch {
          throw new ApiError(400, { type: 'validation_error', code: 'invalid_payload', detail: 'The body is not valid JSON (or gzip of JSON).', attr: null })
        }
        const batch = readCapture(body, Date.now())
        const project = batch.token === undefined ? undefined : projects.byToken(batch.token)
        if (!project) {
          throw new ApiError(401, { type: 'authentication_error', code: 'invalid_api_key', detail: 'Project API key invalid. You can find your project API key in your project settings.', attr: null })
        }
        await writer.write(project.id, batch.events)
        if (batch.problems.length > 0) {
          const stored = batch.events.length > 0 ? ` The other ${batch.events.length} event(s) were stored.` : ''
          throw new ApiError(400, { type: 'validation_error', code: 'invalid_payload', detail: `${batch.problems.slice(0, 10).join('; ')}.${stored}`, attr: null })
        }
        return { status: 1 }
      })
    }
  })
}
