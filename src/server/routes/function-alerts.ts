import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Scope, Store, StoredFunction } from '../../store/types'
import { testMessage } from '../alerts/messages'
import { applyChange, defaultSettings, presentSettings } from '../alerts/settings'
import { postWebhook, type WebhookOptions } from '../alerts/webhook'
import { authorizedProject } from '../auth'
import { asApiError, invalidParameter, notFound } from '../errors'
import { functionParams, PROJECT_PREFIXES } from '../route-schemas'

/** The episodes GET lists, newest first. */
const EPISODES_SHOWN = 20

/** The function of the path, of the key's project and not deleted (a deleted one's alerts are gone with it). */
function functionOf(request: FastifyRequest, store: Store, scope: Scope): StoredFunction {
  const projectId = authorizedProject(request, store.keys, scope)
  const fn = store.functions.get(projectId, (request.params as { id: string }).id)
  if (!fn || fn.deleted) throw notFound()
  return fn
}

const settingsOf = (store: Store, fn: StoredFunction) => store.alerts.settings(fn.id) ?? defaultSettings(fn.id, fn.project_id)

/** A destination's alert settings (the webhook URL write-only) and episodes, and a test message to its webhook. */
export function registerAlertRoutes(app: FastifyInstance, store: Store, webhook: WebhookOptions = {}): void {
  const present = (fn: StoredFunction) => presentSettings(settingsOf(store, fn), store.alerts.episodes(fn.id, EPISODES_SHOWN))
  for (const prefix of PROJECT_PREFIXES) {
    app.get(`${prefix}/hog_functions/:id/alerts`, { schema: { params: functionParams } }, async (request) => present(functionOf(request, store, 'hog_function:read')))
    app.put(`${prefix}/hog_functions/:id/alerts`, { schema: { params: functionParams } }, async (request) => {
      const fn = functionOf(request, store, 'hog_function:write')
      const next = asApiError(() => applyChange(settingsOf(store, fn), request.body ?? {}))
      store.alerts.save(next, Date.now())
      return present(fn)
    })
    app.post(`${prefix}/hog_functions/:id/alerts/test`, { schema: { params: functionParams } }, async (request) => {
      const fn = functionOf(request, store, 'hog_function:write')
      const url = store.alerts.settings(fn.id)?.webhook_url ?? null
      if (url === null) throw invalidParameter('webhook_url', 'No webhook URL is saved: save one first.')
      const projectName = store.projects.get(fn.project_id)?.name ?? String(fn.project_id)
      const answer = await postWebhook(url, testMessage({ projectName, functionId: fn.id, functionName: fn.name, secrets: [...Object.values(fn.secrets), url] }), webhook)
      return { ok: answer.ok, status: answer.status, detail: answer.ok ? 'The webhook took the test message.' : `${answer.problem}.` }
    })
  }
}
