import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ProjectStore } from '../../store/types'
import { BodyError, CaptureProblem, decodeBody, MAX_CAPTURE_BODY_BYTES, readCapture } from '../capture-payload'
import { ApiError, toAttr, unavailable } from '../errors'
import { CommitFailed, GroupCommit } from '../group-commit'

const PATHS = ['/i/v0/e', '/capture', '/e', '/batch', '/track']
const RETRY_AFTER_S = 30

export interface CaptureTarget {
  writer: GroupCommit
  /** When the database is at its size limit capture is refused (and retried by the SDKs) rather than filling the disk. */
  sizeLimit?: { reached(): boolean }
}

/** PostHog's capture endpoints: 200 once the events are durably stored. */
export function registerCaptureRoutes(app: FastifyInstance, projects: ProjectStore, target: CaptureTarget): void {
  void app.register(async (scope) => {
    // Capture bodies come as JSON, text/plain, forms or gzip: read raw bytes and decode them here.
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: MAX_CAPTURE_BODY_BYTES }, (_request, body, done) => done(null, body))
    for (const path of PATHS) {
      scope.post(path, async (request) => {
        if (target.sizeLimit?.reached()) {
          throw unavailable('storage_full', 'The server has reached its storage limit; try again later.', RETRY_AFTER_S)
        }
        const batch = readCapture(await decode(request), Date.now())
        const project = batch.token === undefined ? undefined : projects.byToken(batch.token)
        if (!project) {
          throw new ApiError(401, { type: 'authentication_error', code: 'invalid_api_key', detail: 'Project API key invalid. You can find your project API key in your project settings.', attr: null })
        }
        try {
          await target.writer.write(project.id, batch.events)
        } catch (error) {
          if (error instanceof CommitFailed) throw unavailable('storage_unavailable', 'The events could not be stored; try again later.', RETRY_AFTER_S)
          throw error
        }
        if (batch.problems.length > 0) throw badEvents(batch.problems, batch.events.length)
        return { status: 1 }
      })
    }
  })
}

async function decode(request: FastifyRequest): Promise<unknown> {
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

function badEvents(problems: CaptureProblem[], stored: number): ApiError {
  const listed = problems.slice(0, 10).map((p) => `${p.field}: ${p.reason}`).join('; ')
  const rest = stored > 0 ? ` The other ${stored} event(s) were stored.` : ''
  return new ApiError(400, { type: 'validation_error', code: 'invalid_payload', detail: `${listed}.${rest}`, attr: toAttr(problems[0].field) })
}
