import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { LogLevelName, Store } from '../../store/types'
import { authorizedProject } from '../auth'
import { invalidParameter, notFound } from '../errors'
import { functionParams, logsQuery, metricsQuery, PROJECT_PREFIXES } from '../route-schemas'

const LEVELS: LogLevelName[] = ['debug', 'info', 'warn', 'error']
// failed: Pinterest rejected the event for good; gave_up: it could not be delivered within its window.
const METRIC_NAMES = ['succeeded', 'failed', 'gave_up', 'filtered', 'skipped', 'fetch']

interface Params {
  project_id: string
  id: string
}

/** The project and id of the function a request names; a 404 when the project has no such function. */
export function functionOf(request: FastifyRequest, store: Store): { projectId: number; functionId: string } {
  const projectId = authorizedProject(request, store.keys, 'hog_function:read')
  const fn = store.functions.get(projectId, (request.params as Params).id)
  if (!fn) throw notFound()
  return { projectId, functionId: fn.id }
}

// ISO strings of years 0 to 9999 sort as their instants do, which the stored timestamps rely on.
const EARLIEST_MS = Date.parse('0000-01-01T00:00:00.000Z')
const LATEST_MS = Date.UTC(9999, 11, 31, 23, 59, 59, 999)
const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000 }

/**
 * `-7d`, `-24h`, `-30m` or an ISO date, as PostHog's `after`/`before` parameters take them; a value that
 * names no instant between the years 0 and 9999 is a 400 naming the parameter.
 */
export function resolveInstant(name: 'after' | 'before', value: string | undefined, fallbackMs: number, nowMs = Date.now()): string {
  if (!value) return new Date(fallbackMs).toISOString()
  const relative = /^-(\d{1,12})([dhm])$/.exec(value)
  const ms = relative ? nowMs - Number(relative[1]) * UNIT_MS[relative[2] as 'd' | 'h' | 'm'] : Date.parse(value)
  if (!Number.isFinite(ms) || ms < EARLIEST_MS || ms > LATEST_MS) {
    throw invalidParameter(name, `${name} must be a relative time such as -7d, -24h or -30m, or an ISO 8601 date between the years 0 and 9999.`)
  }
  return new Date(ms).toISOString()
}

/** A metrics or quality request's period: the last 7 days by default, to an hour ahead (buckets are hourly). */
export function range(query: { after?: string; before?: string }, nowMs = Date.now()): { after: string; before: string } {
  return {
    after: resolveInstant('after', query.after ?? '-7d', nowMs - 7 * 86_400_000, nowMs),
    before: resolveInstant('before', query.before, nowMs + 3_600_000, nowMs),
  }
}

/** Logs and metrics of one function, in PostHog's shapes. */
export function registerObservabilityRoutes(app: FastifyInstance, store: Store): void {
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/hog_functions/:id/logs`, { schema: { params: functionParams, querystring: logsQuery } }, async (request) => {
      const { projectId, functionId } = functionOf(request, store)
      const query = request.query as { level?: string; search?: string; after?: string; before?: string; limit?: string }
      const level = query.level
        ?.split(',')
        .map((l) => l.trim().toLowerCase())
        .filter((l): l is LogLevelName => LEVELS.includes(l as LogLevelName))
      const limit = Math.min(Math.max(Number(query.limit) || 50, 1), 500)
      const entries = store.logs.list(projectId, functionId, {
        level,
        search: query.search,
        after: query.after ? resolveInstant('after', query.after, 0) : undefined,
        before: query.before ? resolveInstant('before', query.before, Date.now()) : undefined,
        limit,
      })
      return { results: entries.map(({ timestamp, level, message, instance_id }) => ({ timestamp, level, message, instance_id })) }
    })
    app.get(`${prefix}/hog_functions/:id/metrics`, { schema: { params: functionParams, querystring: metricsQuery } }, async (request) => {
      const { projectId, functionId } = functionOf(request, store)
      const { after, before } = range(request.query as { after?: string; before?: string })
      const rows = store.metrics.series(projectId, functionId, after, before)
      const labels = [...new Set(rows.map((r) => r.hour))]
      const counts = new Map(rows.map((r) => [`${r.name} ${r.hour}`, r.count]))
      const series = METRIC_NAMES.map((name) => ({ name, values: labels.map((hour) => counts.get(`${name} ${hour}`) ?? 0) }))
      return { labels, series }
    })
    app.get(`${prefix}/hog_functions/:id/metrics/totals`, { schema: { params: functionParams, querystring: metricsQuery } }, async (request) => {
      const { projectId, functionId } = functionOf(request, store)
      const { after, before } = range(request.query as { after?: string; before?: string })
      const totals: Record<string, number> = Object.fromEntries(METRIC_NAMES.map((n) => [n, 0]))
      for (const row of store.metrics.series(projectId, functionId, after, before)) totals[row.name] = (totals[row.name] ?? 0) + row.count
      return { totals }
    })
  }
}
