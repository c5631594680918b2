import type { FastifyInstance } from 'fastify'
import type { ProjectStore } from '../../store/types'
import { type CaptureProblem, captureToken, readCapture } from '../capture-payload'
import { clientIp } from '../client-ip'
import { ApiError, toAttr, unavailable } from '../errors'
import { CommitFailed, type GroupCommit } from '../group-commit'
import { decodeRequestBody, invalidProjectToken, registerBrowserEndpoints } from './browser-endpoints'

const PATHS = ['/i/v0/e', '/capture', '/e', '/batch', '/track']
const RETRY_AFTER_S = 30

export interface CaptureTarget {
  writer: GroupCommit
  /** When the database is at its size limit capture is refused (and retried by the SDKs) rather than filling the disk. */
  sizeLimit?: { reached(): boolean }
}

/** PostHog's capture endpoints: 200 once the events are durably stored. */
export function registerCaptureRoutes(app: FastifyInstance, projects: ProjectStore, target: CaptureTarget): void {
  registerBrowserEndpoints(app, PATHS, (scope) => {
    for (const path of PATHS) {
      scope.post(path, async (request) => {
        if (target.sizeLimit?.reached()) {
          throw unavailable('storage_full', 'The server has reached its storage limit; try again later.', RETRY_AFTER_S)
        }
        const body = await decodeRequestBody(request)
        const token = captureToken(body)
        const project = token === undefined ? undefined : projects.byToken(token)
        if (!project) throw invalidProjectToken()
        // As PostHog's ingestion: the client's address becomes $ip unless the event has one, or none is kept.
        const batch = readCapture(body, Date.now(), project.anonymize_ips ? { anonymizeIps: true } : { anonymizeIps: false, clientIp: clientIp(request) })
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

function badEvents(problems: CaptureProblem[], stored: number): ApiError {
  const listed = problems
    .slice(0, 10)
    .map((p) => `${p.field}: ${p.reason}`)
    .join('; ')
  const rest = stored > 0 ? ` The other ${stored} event(s) were stored.` : ''
  return new ApiError(400, { type: 'validation_error', code: 'invalid_payload', detail: `${listed}.${rest}`, attr: toAttr(problems[0].field) })
}
