import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Scope, Store } from '../../store/types'
import { authorizedRequest } from '../auth'
import { asApiError, notFound } from '../errors'
import { conflictError, type FilterInput, JobConflict, JobsService, parseFailedFilter, presentFailed, presentJob, presentReasons } from '../jobs-service'
import { deliveriesQuery, functionParams, jobParams, objectBody, PROJECT_PREFIXES } from '../route-schemas'

const DEFAULT_LIMIT = 50
const MAX_LIMIT = 500
const MAX_JOBS = 50

type Params = { project_id: string; id: string; job_id?: string }

/** The function a request names (not deleted), once its key may act with `scope`; a 404 otherwise. */
function destinationOf(request: FastifyRequest, store: Store, scope: Scope) {
  const { projectId, actor } = authorizedRequest(request, store.keys, scope)
  const params = request.params as Params
  const fn = store.functions.get(projectId, params.id)
  if (!fn || fn.deleted) throw notFound()
  return { projectId, functionId: fn.id, actor, jobId: params.job_id ?? '' }
}

/** Runs `run`, turning a bad field into a 400 naming it and a conflict with a running job into a 409. */
function answer<T>(run: () => T): T {
  try {
    return asApiError(run)
  } catch (error) {
    if (error instanceof JobConflict) throw conflictError(error)
    throw error
  }
}

function nextUrl(request: FastifyRequest, offset: number, limit: number): string {
  const url = new URL(request.url, `http://${request.headers.host ?? 'localhost'}`)
  url.searchParams.set('limit', String(limit))
  url.searchParams.set('offset', String(offset))
  return url.toString()
}

/** A destination's failed deliveries, and its jobs: replays of them and backfills of stored events. */
export function registerJobRoutes(app: FastifyInstance, store: Store): void {
  const service = new JobsService(store)
  for (const prefix of PROJECT_PREFIXES) {
    const fn = `${prefix}/hog_functions/:id`
    app.get(`${fn}/deliveries`, { schema: { params: functionParams, querystring: deliveriesQuery } }, async (request) => {
      const { functionId } = destinationOf(request, store, 'hog_function:read')
      const query = request.query as FilterInput & { limit?: string; offset?: string }
      const nowMs = Date.now()
      const filter = answer(() => parseFailedFilter(query, nowMs))
      const limit = Math.min(Math.max(Number(query.limit ?? DEFAULT_LIMIT) || DEFAULT_LIMIT, 1), MAX_LIMIT)
      const offset = Number(query.offset ?? 0)
      const { count, results } = store.deliveries.failed(functionId, filter, { limit, offset })
      return {
        count,
        next: offset + results.length < count ? nextUrl(request, offset + limit, limit) : null,
        results: results.map((d) => presentFailed(d, nowMs)),
        reasons: presentReasons(store.deliveries.failedReasons(functionId, filter)),
      }
    })
    app.post(`${fn}/replays`, { schema: { params: functionParams, body: objectBody } }, async (request, reply) => {
      const { projectId, functionId, actor } = destinationOf(request, store, 'hog_function:write')
      const job = answer(() => service.replay(projectId, functionId, request.body, actor))
      return reply.code(201).send(presentJob(job))
    })
    app.post(`${fn}/backfills`, { schema: { params: functionParams, body: objectBody } }, async (request, reply) => {
      const { projectId, functionId, actor } = destinationOf(request, store, 'hog_function:write')
      const job = answer(() => service.backfill(projectId, functionId, request.body, actor))
      return reply.code(201).send(presentJob(job))
    })
    app.get(`${fn}/jobs`, { schema: { params: functionParams } }, async (request) => {
      const { projectId, functionId } = destinationOf(request, store, 'hog_function:read')
      return { results: store.jobs.list(projectId, functionId, MAX_JOBS).map(presentJob) }
    })
    app.get(`${fn}/jobs/:job_id`, { schema: { params: jobParams } }, async (request) => {
      const { projectId, functionId, jobId } = destinationOf(request, store, 'hog_function:read')
      const job = store.jobs.get(projectId, functionId, jobId)
      if (!job) throw notFound()
      return presentJob(job)
    })
    app.post(`${fn}/jobs/:job_id/cancel`, { schema: { params: jobParams } }, async (request) => {
      const { projectId, functionId, jobId } = destinationOf(request, store, 'hog_function:write')
      const job = store.jobs.cancel(projectId, functionId, jobId, Date.now())
      if (!job) throw notFound()
      return presentJob(job)
    })
  }
}
