import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Store } from '../../store/types'
import { authorizedProject, authorizedRequest } from '../auth'
import { functionStatus } from '../function-status'
import { FunctionsService } from '../functions-service'
import { functionParams, listQuery, objectBody, PROJECT_PREFIXES, projectParams } from '../route-schemas'

const MAX_LIMIT = 1000

interface Params {
  project_id: string
  id?: string
}

interface ListQuery {
  type?: string
  enabled?: string
  search?: string
  limit?: string
  offset?: string
}

function pageUrl(request: FastifyRequest, offset: number, limit: number): string {
  const url = new URL(request.url, `http://${request.headers.host ?? 'localhost'}`)
  url.searchParams.set('limit', String(limit))
  url.searchParams.set('offset', String(offset))
  return url.toString()
}

const intParam = (text: string | undefined, fallback: number, max: number) => {
  const n = Number(text)
  return text === undefined || !Number.isInteger(n) || n < 0 ? fallback : Math.min(n, max)
}

/** PostHog's hog_functions REST API, under both the projects and the environments paths. */
export function registerHogFunctionRoutes(app: FastifyInstance, store: Store): void {
  const service = new FunctionsService(store.functions, (fn) => functionStatus(fn, store.holds.get(fn.id), () => store.deliveries.countPending(fn.id)))
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/hog_functions`, { schema: { params: projectParams, querystring: listQuery } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'hog_function:read')
      const query = request.query as ListQuery
      const limit = intParam(query.limit, 100, MAX_LIMIT) || 100
      const offset = intParam(query.offset, 0, Number.MAX_SAFE_INTEGER)
      const enabled = query.enabled === undefined ? undefined : query.enabled === 'true' || query.enabled === '1'
      const type = query.type
        ?.split(',')
        .map((t) => t.trim())
        .filter(Boolean)
      const { count, results } = store.functions.list(projectId, { type, enabled, search: query.search, limit, offset })
      return {
        count,
        next: offset + limit < count ? pageUrl(request, offset + limit, limit) : null,
        previous: offset > 0 ? pageUrl(request, Math.max(0, offset - limit), limit) : null,
        results: results.map((fn) => service.present(fn)),
      }
    })
    app.post(`${prefix}/hog_functions`, { schema: { params: projectParams, body: objectBody } }, async (request, reply) => {
      const { projectId, actor } = authorizedRequest(request, store.keys, 'hog_function:write')
      reply.code(201)
      return service.present(await service.create(projectId, request.body, actor))
    })
    app.get(`${prefix}/hog_functions/:id`, { schema: { params: functionParams } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'hog_function:read')
      return service.present(service.get(projectId, (request.params as Params).id ?? ''))
    })
    app.patch(`${prefix}/hog_functions/:id`, { schema: { params: functionParams, body: objectBody } }, async (request) => {
      const { projectId, actor } = authorizedRequest(request, store.keys, 'hog_function:write')
      return service.present(await service.update(projectId, (request.params as Params).id ?? '', request.body, actor))
    })
    app.delete(`${prefix}/hog_functions/:id`, { schema: { params: functionParams } }, async (request, reply) => {
      const { projectId, actor } = authorizedRequest(request, store.keys, 'hog_function:write')
      service.remove(projectId, (request.params as Params).id ?? '', actor)
      reply.code(204)
      return null
    })
  }
}
