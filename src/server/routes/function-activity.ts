import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FunctionVersion, Store } from '../../store/types'
import { authorizedProject, authorizedRequest } from '../auth'
import { notFound } from '../errors'
import { FunctionsService } from '../functions-service'
import { activityQuery, functionParams, PROJECT_PREFIXES, versionParams } from '../route-schemas'

const DEFAULT_LIMIT = 100
const MAX_LIMIT = 500

interface Params {
  project_id: string
  id: string
  version_id?: string
}

/**
 * One version as an entry of PostHog's activity log. The key that made the change stands in PostHog's
 * `user` (its label as first_name); a change made by the CLI is `is_system`.
 */
export function presentVersion(version: FunctionVersion): Record<string, unknown> {
  const { actor, reverted_from } = version
  return {
    id: version.id,
    version: version.version,
    user: { id: actor.key_id, first_name: actor.label, last_name: '', email: null },
    is_system: actor.key_id === null,
    activity: version.activity,
    scope: 'HogFunction',
    item_id: version.function_id,
    detail: {
      id: version.function_id,
      name: version.name,
      type: 'destination',
      changes: version.changes,
      trigger: reverted_from && { job_type: 'revert', job_id: reverted_from.id, payload: { version: reverted_from.version } },
    },
    created_at: version.created_at,
  }
}

function pageUrl(request: FastifyRequest, page: number, limit: number): string {
  const url = new URL(request.url, `http://${request.headers.host ?? 'localhost'}`)
  url.searchParams.set('limit', String(limit))
  url.searchParams.set('page', String(page))
  return url.toString()
}

/** A function's versions (PostHog's activity log), and reverting to one of them. */
export function registerFunctionActivityRoutes(app: FastifyInstance, store: Store): void {
  const service = new FunctionsService(store.functions)
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/hog_functions/:id/activity`, { schema: { params: functionParams, querystring: activityQuery } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'hog_function:read')
      const { id } = request.params as Params
      // A deleted function keeps its history (who deleted it); another project's is not found.
      if (!store.functions.get(projectId, id)) throw notFound()
      const query = request.query as { limit?: string; page?: string }
      const limit = Math.min(Number(query.limit ?? DEFAULT_LIMIT) || DEFAULT_LIMIT, MAX_LIMIT)
      const page = Number(query.page ?? 1)
      const { count, results } = store.functions.versions(projectId, id, { limit, offset: (page - 1) * limit })
      return {
        results: results.map(presentVersion),
        next: page * limit < count ? pageUrl(request, page + 1, limit) : null,
        previous: page > 1 ? pageUrl(request, page - 1, limit) : null,
        total_count: count,
      }
    })
    app.post(`${prefix}/hog_functions/:id/activity/:version_id/revert`, { schema: { params: versionParams } }, async (request) => {
      const { projectId, actor } = authorizedRequest(request, store.keys, 'hog_function:write')
      const { id, version_id } = request.params as Params
      return service.present(await service.revert(projectId, id, version_id ?? '', actor))
    })
  }
}
