import type { FastifyInstance } from 'fastify'
import type { Store } from '../../store/types'
import { authorizedProject } from '../auth'
import { invalidParameter } from '../errors'
import { PROJECT_PREFIXES, projectParams } from '../route-schemas'

export const DEFAULT_EVENTS_LIMIT = 100
export const MAX_EVENTS_LIMIT = 1000

const eventsQuery = {
  type: 'object',
  properties: { limit: { type: 'string', maxLength: 20 }, event: { type: 'string', minLength: 1, maxLength: 400 } },
} as const

function parseLimit(value: string | undefined): number {
  if (value === undefined) return DEFAULT_EVENTS_LIMIT
  const limit = /^[0-9]{1,4}$/.test(value) ? Number(value) : Number.NaN
  if (!(limit >= 1 && limit <= MAX_EVENTS_LIMIT)) throw invalidParameter('limit', `limit must be a whole number from 1 to ${MAX_EVENTS_LIMIT}.`)
  return limit
}

/** The project's recent events, newest first, as PostHog's events endpoint lists them (for samples and property names). */
export function registerEventRoutes(app: FastifyInstance, store: Store): void {
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/events`, { schema: { params: projectParams, querystring: eventsQuery } }, async (request) => {
      const projectId = authorizedProject(request, store.keys, 'hog_function:read')
      const query = request.query as { limit?: string; event?: string }
      const events = store.events.recent(projectId, { limit: parseLimit(query.limit), event: query.event })
      const results = events.map((e) => ({ id: e.uuid, uuid: e.uuid, event: e.event, distinct_id: e.distinct_id, properties: e.properties, timestamp: e.timestamp }))
      return { results, next: null }
    })
  }
}
