import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { LogLevelName, Store } from '../../store/types'
import { authorizedProject } from '../auth'
import { notFound } from '../errors'
import { functionParams, logsQuery, PROJECT_PREFIXES } from '../route-schemas'

const LEVELS: LogLevelName[] = ['debug', 'info', 'warn', 'error']
// failed: Pinterest rejected the event for good; gave_up: it could not be delivered within its window.
const METRIC_NAMES = ['succeeded', 'failed', 'gave_up', 'filtered', 'skipped', 'fetch']

interface Params {
  project_id: string
  id: string
}

function functionOf(request: FastifyRequest, store: Store): { projectId: number; functionId: string } {
  const projectId = authorizedProject(request, store.keys, 'hog_function:read')
  const fn = store.functions.get(projectId, (request.params as Params).id)
  if (!fn) throw notFound()
  return { projectId, functionId: fn.id }
}

/** `-7d`, `-24h`, `-30m` or an ISO date, as PostHog's `after`/`before` parameters take them. */
export function resolveInstant(value: string | undefined, fallbackMs: number, nowMs = Date.now()): string {
  if (!value) return new Date(fallbackMs).toISOString()
  const relative = /^-(\d+)([dhm])$/.exec(value)
  if (relative) {
    const unit = { d: 86_400_000, h: 3_600_000, m: 60_000 }[relative[2] as 'd' | 'h' | 'm']
    return new Date(nowMs - Number(relative[1]) * unit).toISOString()
  }
  const ms = Date.parse(value)
  return Number.isNaN(ms) ? new Date(fallbackMs).toISOString() : new Date(ms).toISOString()
}

/** Logs and metrics of one function, in PostHog's shapes. */
export function registerObservabilityRoutes(app: FastifyInstance, store: Store): void {
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/hog_functions/:id/logs`, { schema: { params: functionParams, querystring: logsQuery } }, async (request) => {
      const { projectId, functionId } = functionOf(request, store)
      const query = request.query as { level?: string; search?: string; after?: string; before?: string; limit?: string }
      const level = query.level?.split(',').map((l) => l.trim().toLowerCase()).filter((l): l is LogLevelName => LEVELS.includes(l as LogLevelName))
      const limit = Math.min(Math.max(Number(query.limit) || 50, 1), 500)
      const entries = store.logs.list(projectId, functionId, {
        level,
        search: query.search,
        after: query.after ? resolveInstant(query.after, 0) : undefined,
        before: query.before ? resolveInstant(query.before, Date.now()) : undefined,
        limit,
      })
      return { results: entries.map(({ timestamp, level, message, instance_id }) => ({ timestamp, level, message, instance_id })) }
    })
    app.get(`${prefix}/hog_functions/:id/metrics`, { schema: { params: functionParams } }, async (request) => {
      const { projectId, functionId } = functionOf(request, store)
      const query = request.query as { after?: string; before?: string }
      const after = resolveInstant(query.after ?? '-7d', Date.now() - 7 * 86_400_000)
      const before = resolveInstant(query.before, Date.now() + 3_600_000)
      const rows = store.metrics.series(projectId, functionId, after, before)
      const labels = [...new Set(rows.map((r) => r.hour))]
      const counts = new Map(rows.map((r) => [`${r.name} ${r.hour}`, r.count]))
      const series = METRIC_NAMES.map((name) => ({ name, values: labels.map((hour) => counts.get(`${name} ${hour}`) ?? 0) }))
      return { labels, series }
    })
    app.get(`${prefix}/hog_functions/:id/metrics/totals`, { schema: { params: functionParams } }, async (request) => {
      const { projectId, functionId } = functionOf(request, store)
      const query = request.query as { after?: string; before?: string }
      const after = resolveInstant(query.after ?? '-7d', Date.now() - 7 * 86_400_000)
      const before = resolveInstant(query.before, Date.now() + 3_600_000)
      const totals: Record<string, number> = Object.fromEntries(METRIC_NAMES.map((n) => [n, 0]))
      for (const row of store.metrics.series(projectId, functionId, after, before)) totals[row.name] = (totals[row.name] ?? 0) + row.count
      return { totals }
    })
  }
}
