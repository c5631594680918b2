import type { FastifyInstance } from 'fastify'
import type { MatchCount, Store } from '../../store/types'
import { authorizedProject } from '../auth'
import { destinationScore, mappingQualities } from '../match-quality'
import { functionParams, metricsQuery, PROJECT_PREFIXES, projectParams } from '../route-schemas'
import { functionOf, range } from './function-observability'

type Period = { after?: string; before?: string }

/**
 * Match quality: per mapping of one function, and one score per function of the project (for the
 * destinations list, in one call). Same period parameters as the metrics.
 */
export function registerQualityRoutes(app: FastifyInstance, store: Store): void {
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/hog_functions/quality`, { schema: { params: projectParams, querystring: metricsQuery } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'hog_function:read')
      const { after, before } = range(request.query as Period)
      const byFunction = new Map<string, MatchCount[]>()
      for (const c of store.quality.sum(projectId, after, before)) {
        const list = byFunction.get(c.function_id)
        if (list) list.push(c)
        else byFunction.set(c.function_id, [c])
      }
      const results = [...byFunction].flatMap(([id, counts]) => {
        const fn = store.functions.get(projectId, id)
        if (!fn || fn.deleted) return []
        const mappings = mappingQualities(counts)
        return [{ id, score: destinationScore(mappings), events: mappings.reduce((sum, m) => sum + m.events, 0) }]
      })
      return { after, before, results }
    })
    app.get(`${prefix}/hog_functions/:id/quality`, { schema: { params: functionParams, querystring: metricsQuery } }, async (request) => {
      const { projectId, functionId } = functionOf(request, store)
      const { after, before } = range(request.query as Period)
      const mappings = mappingQualities(store.quality.sum(projectId, after, before, functionId))
      return { after, before, score: destinationScore(mappings), mappings }
    })
  }
}
